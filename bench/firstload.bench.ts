// The first load on a slow phone: the PWA as built now against a baseline build of an earlier commit
// (BENCH_FIRSTLOAD_BASE, default e16e516: the last one before the first load was split), both production
// builds. Prints each build's JavaScript chunks (minified and gzip; the entry and what index.html
// preloads marked as the first load), then the time until the first screen is up on a device whose link
// is shaped to BENCH_FIRSTLOAD_RATE (default 2mbit) in the test LAN: rounds alternate the two builds, cold
// every time (plain http, so no service worker; no-store, cache cleared), median of BENCH_ROUNDS (3).
//   npm run bench -- firstload
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Lan } from '../e2e/lan/index.ts';
import { checkPrerequisites, createLan, serverArgs } from '../e2e/lan/index.ts';
import { REPO } from '../e2e/pwa/build.ts';
import { buildPwa } from '../scripts/buildPwa.ts';
import { type Chunk, chunksOf, firstLoadOf } from '../scripts/bundleSizes.ts';

const skip = checkPrerequisites();
const BASE = process.env.BENCH_FIRSTLOAD_BASE ?? 'e16e516';
const RATE = process.env.BENCH_FIRSTLOAD_RATE ?? '2mbit';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NODE = join(REPO, 'node_modules/.bin/node');

const kB = (n: number) => `${(n / 1000).toFixed(2)} kB`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function sizeTable(label: string, list: Chunk[]): string[] {
  const first = firstLoadOf(list);
  return [
    `${label}: first load ${kB(first.bytes)} minified, ${kB(first.gzip)} gzip`,
    ...list.map(
      (c) =>
        `  ${c.firstLoad ? '*' : ' '} ${c.name.padEnd(40)} ${kB(c.bytes).padStart(11)} ${kB(c.gzip).padStart(11)} gzip`,
    ),
  ];
}

describe.skipIf(skip)('first load', () => {
  let lan: Lan;
  let device: Device;
  const work = mkdtempSync(join(tmpdir(), 'meshdrop-firstload-'));
  const after = join(work, 'after');
  const before = join(work, 'before');

  beforeAll(async () => {
    buildPwa(REPO, after);
    // the baseline's sources from git, built with today's node_modules
    const src = join(work, 'src');
    mkdirSync(src);
    execFileSync('sh', [
      '-c',
      `git -C "${REPO}" archive ${BASE} pwa worker/protocol package.json tsconfig.base.json | tar -x -C "${src}"`,
    ]);
    symlinkSync(join(REPO, 'node_modules'), join(src, 'node_modules'));
    buildPwa(src, before);
    lan = await createLan();
    await lan.startTracker({
      // the tracker's flags; the app server takes the addresses and ignores the rest
      command: (c) => [NODE, join(REPO, 'bench/lib/appServer.ts'), ...serverArgs(c)],
      env: { FIRSTLOAD_AFTER: after, FIRSTLOAD_BEFORE: before },
      https: false,
    });
    device = await lan.startDevice('phone', { path: null, secure: false });
    await device.limitRate(RATE);
  });

  afterAll(async () => {
    await lan?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Milliseconds from navigation to the home screen's heading, and the JavaScript fetched by then. */
  async function load(origin: string): Promise<{ ms: number; jsBytes: number; allJsMs: number }> {
    const page = device.page;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await page.goto('about:blank');
    await page.goto(`${origin}/`, { waitUntil: 'commit' });
    const shown = await page.waitForFunction(
      () => {
        if (!document.querySelector('h1')?.textContent?.includes('Send files between')) return false;
        const js = performance
          .getEntriesByType('resource')
          .filter(
            (e) => (e as PerformanceResourceTiming).initiatorType === 'script' || e.name.endsWith('.js'),
          );
        return {
          ms: performance.now(),
          jsBytes: js.reduce((n, e) => n + (e as PerformanceResourceTiming).transferSize, 0),
        };
      },
      undefined,
      { timeout: 60_000, polling: 'raf' },
    );
    const first = (await shown.jsonValue()) as { ms: number; jsBytes: number };
    // and until every chunk the app asks for right away has arrived (the engine and peerjs load after)
    await page.waitForLoadState('networkidle');
    const allJsMs = await page.evaluate(() =>
      Math.max(
        ...performance
          .getEntriesByType('resource')
          .filter((e) => e.name.endsWith('.js'))
          .map((e) => (e as PerformanceResourceTiming).responseEnd),
      ),
    );
    await cdp.detach();
    return { ...first, allJsMs };
  }

  it(`before (${BASE}) vs after, ${RATE} link, ${ROUNDS} rounds`, async () => {
    const origins = {
      before: `http://${lan.trackerIp}:${lan.tracker.httpsPort}`,
      after: `http://${lan.trackerIp}:${lan.trackerPort}`,
    };
    const runs: Record<'before' | 'after', { ms: number; jsBytes: number; allJsMs: number }[]> = {
      before: [],
      after: [],
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of ['before', 'after'] as const) runs[which].push(await load(origins[which]));
    }
    const lines = [
      ...sizeTable(`before (${BASE})`, chunksOf(before)),
      ...sizeTable('after', chunksOf(after)),
    ];
    lines.push(
      `first screen on a ${RATE} link, cold, median of ${ROUNDS} (each round: ms to the home screen / JS bytes on the wire by then / ms until all JS loaded):`,
    );
    for (const which of ['before', 'after'] as const) {
      const r = runs[which];
      lines.push(
        `  ${which.padEnd(6)} ${median(r.map((x) => x.ms)).toFixed(0)} ms to the home screen, ${kB(median(r.map((x) => x.jsBytes)))} JS by then, all JS in ${median(r.map((x) => x.allJsMs)).toFixed(0)} ms   rounds: ${r.map((x) => `${x.ms.toFixed(0)}/${kB(x.jsBytes)}/${x.allJsMs.toFixed(0)}`).join(', ')}`,
      );
    }
    lines.push(
      `  after / before (home screen): ${(median(runs.after.map((x) => x.ms)) / median(runs.before.map((x) => x.ms))).toFixed(2)}`,
    );
    console.log(lines.join('\n'));
    expect(runs.after.length).toBe(ROUNDS);
  });
});
