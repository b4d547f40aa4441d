// The production build of the PWA (what `npm start` and the deploy serve): a small first load, no test
// hooks, and every lazy chunk in the service worker's precache so the app still opens offline.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPwa } from './buildPwa.ts';
import { chunksOf, firstLoadOf } from './bundleSizes.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const FIRST_LOAD_GZIP_MAX = 100_000;

describe('the production build of the PWA', () => {
  const dist = mkdtempSync(join(tmpdir(), 'meshdrop-pwa-build-'));

  beforeAll(() => buildPwa(REPO, dist), 120_000);

  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it(`has a first load (entry script and preloads) of at most ${FIRST_LOAD_GZIP_MAX / 1000} kB gzip`, () => {
    const chunks = chunksOf(dist);
    const first = firstLoadOf(chunks);
    const table = chunks
      .map((c) => `${c.firstLoad ? '*' : ' '} ${c.name} ${c.bytes} B, ${c.gzip} B gzip`)
      .join('\n');
    expect(first.gzip, `first load ${first.gzip} B gzip:\n${table}`).toBeLessThanOrEqual(FIRST_LOAD_GZIP_MAX);
    // the split is real: the transfer engine and peerjs are chunks of their own
    expect(chunks.filter((c) => !c.firstLoad).length).toBeGreaterThanOrEqual(3);
  });

  it('carries no test hooks', () => {
    for (const name of readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'))) {
      expect(readFileSync(join(dist, 'assets', name), 'utf8'), name).not.toMatch(/__meshdrop/);
    }
  });

  it('precaches every chunk, so a lazy one loads offline too', () => {
    const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
    for (const c of chunksOf(dist)) expect(sw, c.name).toContain(`assets/${c.name}`);
  });
});
