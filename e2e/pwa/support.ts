// Shared steps of the PWA journeys: a fresh build when the sources changed, and the few UI actions
// every journey repeats. Locators go by role and visible text, as a person would find things.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildPwa } from '../../scripts/buildPwa.ts';
import type { Device, Lan } from '../lan/index.ts';
import { createLan } from '../lan/index.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(REPO, 'pwa/dist');

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
 * The tracker serves pwa/dist as it is (--no-build): rebuild it when any PWA source is newer, or when the
 * build there is not a test build (the journeys reach the engine through hooks only test builds have).
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

/** The built hash worker's URL path, for measuring hashing speed with exactly what the app runs. */
export function hashWorkerPath(): string {
  const name = readdirSync(join(DIST, 'assets')).find((f) => /^hash\.worker-.*\.js$/.test(f));
  if (!name) throw new Error('no hash worker in pwa/dist/assets');
  return `/assets/${name}`;
}

export async function createRoom(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Create a room' }).click();
  // the link carries the room's invite in its fragment: /r/<roomId>#<invite>
  await page.waitForURL(/\/r\/[a-z2-7]{26}#[A-Za-z0-9_-]{43}$/, { timeout: 20_000 });
  await waitConnected(page);
  return page.url();
}

/** The status bar says the room's live socket is up. */
export async function waitConnected(page: Page): Promise<void> {
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
}

export async function waitFileCount(page: Page, count: number): Promise<void> {
  await page.getByRole('heading', { name: `Files in this room (${count})` }).waitFor({ timeout: 20_000 });
}

export function fileRow(page: Page, name: string): Locator {
  return page.locator('li.file-row').filter({ has: page.locator('.file-name .name', { hasText: name }) });
}

export interface TestFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** What a journey shares: 0 bytes, non-ASCII names, a few sizes. */
export const LOOSE_FILES: TestFile[] = [
  { name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, mesh\n') },
  { name: 'empty.bin', mimeType: '', buffer: Buffer.alloc(0) },
  { name: 'Ünïcødé 文件 🎉.txt', mimeType: 'text/plain', buffer: Buffer.from('non-ASCII name\n') },
  { name: 'naïve café.md', mimeType: 'text/markdown', buffer: Buffer.alloc(1_500_000, 7) },
];

export async function addFiles(page: Page, files: TestFile[]): Promise<void> {
  await page.getByText('Add files', { exact: true }).locator('input[type=file]').setInputFiles(files);
}

/** A folder on disk ("Holiday photos/beach.jpg", "Holiday photos/day 2/sunset.png") for the folder input. */
export function makeFolder(): { dir: string; files: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'meshdrop-folder-'));
  const dir = join(root, 'Holiday photos');
  const files = ['beach.jpg', 'day 2/sunset.png'];
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), Buffer.alloc(2048, f.length));
  }
  return { dir, files };
}

export async function addFolder(page: Page, dir: string): Promise<void> {
  await page.getByText('Add a folder', { exact: true }).locator('input[type=file]').setInputFiles(dir);
}

/** A mark on the page's window: still there later means the page was never reloaded. */
export async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __journeyMark: number }).__journeyMark = 1;
  });
}

export async function stillSamePage(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __journeyMark?: number }).__journeyMark === 1);
}

export interface TwoDevices {
  lan: Lan;
  alice: Device;
  bob: Device;
}

/**
 * The usual journey setup, registered as the suite's beforeAll/afterAll: the built app, a fresh LAN with
 * the tracker (secure origin or plain http), alice on the home page and bob on a blank tab. The returned
 * object is filled in before the first test runs.
 */
export function twoDevices(options: { secure: boolean }): TwoDevices {
  const ctx = {} as TwoDevices;
  beforeAll(async () => {
    ensureBuilt();
    ctx.lan = await createLan();
    await ctx.lan.startTracker({ secure: options.secure });
    [ctx.alice, ctx.bob] = await Promise.all([
      ctx.lan.startDevice('alice'),
      ctx.lan.startDevice('bob', { path: null }),
    ]);
  });
  afterAll(async () => {
    await ctx.lan?.close();
  });
  return ctx;
}
