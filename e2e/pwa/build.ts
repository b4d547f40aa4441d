// The app the journeys run: pwa/dist as a test build of the current sources (rebuilt when a source is
// newer), and a warning when it changed under a running suite. The tracker serves pwa/dist as it is
// (--no-build), so whatever is there is what the pages get.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPwa } from '../../scripts/buildPwa.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(REPO, 'pwa/dist');
const DIST_INDEX = join(DIST, 'index.html');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Marks pwa/dist as a test build: `npm start` or `npm run build` replace it with one without the hooks. */
const TEST_BUILD_MARK = join(DIST, '.test-build');

/**
 * Rebuilds pwa/dist when any PWA source is newer, or when the build there is not a test build (the
 * journeys reach the engine through hooks only test builds have).
 */
export function ensureBuilt(): void {
  const built =
    existsSync(join(DIST, 'sw.js')) && existsSync(TEST_BUILD_MARK) ? statSync(TEST_BUILD_MARK).mtimeMs : 0;
  const sources = ['pwa/src', 'pwa/public', 'pwa/index.html', 'pwa/vite.config.ts', 'worker/protocol'].map(
    (p) => newestMtime(join(REPO, p)),
  );
  if (built > Math.max(...sources)) return;
  buildPwa(REPO, null, { testHooks: true });
  writeFileSync(TEST_BUILD_MARK, 'built with MESHDROP_TEST_BUILD=1 (test hooks on window)\n');
}

/**
 * When pwa/dist was built, to notice a rebuild in the middle of a run: a rebuild (someone else's
 * `vite build`) swaps the app under the running pages.
 */
export function distBuiltAt(): number {
  return existsSync(DIST_INDEX) ? statSync(DIST_INDEX).mtimeMs : 0;
}

export function warnIfRebuilt(since: number): void {
  if (distBuiltAt() !== since)
    console.warn(
      '[warn] pwa/dist was rebuilt during this run: failures may come from the app changing under the pages',
    );
}

/** The built hash worker's URL path, for measuring hashing speed with exactly what the app runs. */
export function hashWorkerPath(): string {
  const name = readdirSync(join(DIST, 'assets')).find((f) => /^hash\.worker-.*\.js$/.test(f));
  if (!name) throw new Error('no hash worker in pwa/dist/assets');
  return `/assets/${name}`;
}
