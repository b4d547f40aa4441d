// The steps every PWA journey repeats, as a person does them: open a room, wait for the live socket,
// add files or a folder, find a file's row; and the usual two-device setup. Locators go by role and
// visible text, as a person would find things.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { Device, Lan } from '../lan/index.ts';
import { journeyLan } from '../transfer/journeyLan.ts';

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

/** Files through the "Add files" input: in memory, or paths on disk (Chromium reads those lazily). */
export async function addFiles(page: Page, files: TestFile[] | string[]): Promise<void> {
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
 * The usual journey setup (journeyLan's hooks): the built app, a fresh LAN with the tracker (secure origin
 * or plain http), alice on the home page and bob on a blank tab. Read the fields once the tests run.
 */
export function twoDevices(options: { secure: boolean }): TwoDevices {
  const journey = journeyLan({ secure: options.secure, devices: { alice: {}, bob: { path: null } } });
  return {
    get lan() {
      return journey.lan;
    },
    get alice() {
      return journey.devices.alice;
    },
    get bob() {
      return journey.devices.bob;
    },
  };
}
