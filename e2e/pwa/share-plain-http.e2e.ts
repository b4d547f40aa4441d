// Journey 2: the same first steps on a plain-http LAN origin (not a secure context: no service worker,
// no crypto.subtle, no OPFS). Sharing and browsing still work, and the page says what HTTPS would add.
// Also measures hashing speed there (hash-wasm in the worker; no crypto.subtle needed).
import { describe, expect, it } from 'vitest';
import { checkPrerequisites } from '../lan/index.ts';
import { measureHashing } from './bench.ts';
import {
  addFiles,
  addFolder,
  createRoom,
  fileRow,
  LOOSE_FILES,
  makeFolder,
  markPage,
  stillSamePage,
  twoDevices,
  waitConnected,
  waitFileCount,
} from './support.ts';

const skip = checkPrerequisites();
const BENCH_MB = 200;

describe.skipIf(skip)('sharing in a room (plain http)', () => {
  const env = twoDevices({ secure: false });

  it('works without a secure context and says what HTTPS adds', async () => {
    const page = env.alice.page;
    expect(
      await page.evaluate(() => [isSecureContext, 'serviceWorker' in navigator, !!crypto.subtle]),
    ).toEqual([false, false, false]);
    await page
      .getByText(
        'Open this page over HTTPS to install the app, use it offline and save large files straight to disk.',
      )
      .waitFor();
    // and where to start: the tracker's trust page (npm start serves HTTPS next to plain http)
    await expect(
      page.getByRole('link', { name: 'Set up HTTPS on this device' }).getAttribute('href'),
    ).resolves.toBe('/trust');

    const link = await createRoom(page);
    await env.bob.page.goto(link);
    await waitConnected(env.bob.page);
    await markPage(env.bob.page);

    await addFiles(page, LOOSE_FILES);
    const folder = makeFolder();
    await addFolder(page, folder.dir);
    const total = LOOSE_FILES.length + folder.files.length;
    await waitFileCount(env.bob.page, total);
    for (const f of LOOSE_FILES) await expect(fileRow(env.bob.page, f.name).count()).resolves.toBe(1);
    await expect(fileRow(env.bob.page, 'beach.jpg').locator('.file-path').textContent()).resolves.toBe(
      'Holiday photos/',
    );
    expect(await stillSamePage(env.bob.page)).toBe(true);
  });

  it(`hashes a ${BENCH_MB} MB file in the worker`, async () => {
    const { mbPerSecond, ms } = await measureHashing(env.alice.page, BENCH_MB);
    console.log(
      `[bench] hashing ${BENCH_MB} MB in Chromium's worker (plain http): ${mbPerSecond.toFixed(0)} MB/s (${ms.toFixed(0)} ms)`,
    );
    expect(mbPerSecond).toBeGreaterThan(20);
  });
});
