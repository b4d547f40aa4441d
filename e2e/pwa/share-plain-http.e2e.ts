// Journey 2: the same first steps on a plain-http LAN origin (not a secure context: no service worker,
// no crypto.subtle, no OPFS). Sharing and browsing still work, and the page says what HTTPS would add.
// Also measures hashing speed there (hash-wasm in the worker; no crypto.subtle needed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Lan } from '../lan/index.ts';
import { checkPrerequisites, createLan } from '../lan/index.ts';
import { measureHashing } from './bench.ts';
import {
  addFiles,
  addFolder,
  createRoom,
  ensureBuilt,
  fileRow,
  LOOSE_FILES,
  makeFolder,
  markPage,
  stillSamePage,
  waitConnected,
  waitFileCount,
} from './support.ts';

const skip = checkPrerequisites();
const BENCH_MB = 200;

describe.skipIf(skip)('sharing in a room (plain http)', () => {
  let lan: Lan;
  let alice: Device;
  let bob: Device;

  beforeAll(async () => {
    ensureBuilt();
    lan = await createLan();
    await lan.startTracker({ secure: false });
    [alice, bob] = await Promise.all([lan.startDevice('alice'), lan.startDevice('bob', { path: null })]);
  });

  afterAll(async () => {
    await lan?.close();
  });

  it('works without a secure context and says what HTTPS adds', async () => {
    const page = alice.page;
    expect(
      await page.evaluate(() => [isSecureContext, 'serviceWorker' in navigator, !!crypto.subtle]),
    ).toEqual([false, false, false]);
    await page
      .getByText(
        'Open this page over HTTPS to install the app, use it offline and save large files straight to disk.',
      )
      .waitFor();

    const link = await createRoom(page);
    await bob.page.goto(link);
    await waitConnected(bob.page);
    await markPage(bob.page);

    await addFiles(page, LOOSE_FILES);
    const folder = makeFolder();
    await addFolder(page, folder.dir);
    const total = LOOSE_FILES.length + folder.files.length;
    await waitFileCount(bob.page, total);
    for (const f of LOOSE_FILES) await expect(fileRow(bob.page, f.name).count()).resolves.toBe(1);
    await expect(fileRow(bob.page, 'beach.jpg').locator('.file-path').textContent()).resolves.toBe(
      'Holiday photos/',
    );
    expect(await stillSamePage(bob.page)).toBe(true);
  });

  it(`hashes a ${BENCH_MB} MB file in the worker`, async () => {
    const { mbPerSecond, ms } = await measureHashing(alice.page, BENCH_MB);
    console.log(
      `[bench] hashing ${BENCH_MB} MB in Chromium's worker (plain http): ${mbPerSecond.toFixed(0)} MB/s (${ms.toFixed(0)} ms)`,
    );
    expect(mbPerSecond).toBeGreaterThan(20);
  });
});
