// Downloads between devices on a secure origin (OPFS storage), through the app's UI only:
//   1. edge sizes, non-ASCII names and a folder arrive byte for byte (with speed and heap figures)
//   5. a hostile source corrupts a chunk: it is thrown away, fetched again, and the file is still exact
//   4. two devices fetch the same 20 MiB file from one source at the same time
//   3. the downloaded file survives a reload in the library, and a third device gets it from the
//      downloader after the original sharer has gone
// One LAN and tracker for all four (starting them is most of the cost); each journey uses its own room
// and its own files. Journey 3 kills the sharer, so it runs last.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../lan/index.ts';
import { checkPrerequisites } from '../lan/index.ts';
import { addFolder, createRoom, waitConnected } from '../pwa/support.ts';
import { journeyLan } from './journeyLan.ts';
import {
  clickDownload,
  downloadRowOf,
  elapsed,
  engineItem,
  engineStats,
  expectStillDone,
  type Fixture,
  fileRowOf,
  heapWords,
  libraryRowOf,
  MiB,
  pageNow,
  recordTransitions,
  saveAndHash,
  shareLoose,
  startHeapSampler,
  transitions,
  waitDownloaded,
} from './support.ts';

const skip = checkPrerequisites();
const BIG = 20 * MiB + 4321;

describe.skipIf(skip)('downloading between devices (secure origin, OPFS)', () => {
  const env = journeyLan({ secure: true, devices: { alice: {}, bob: { path: null } } });
  const newFixtures = (folderName?: string) => env.fixtures(folderName);
  let alice: Device;
  let bob: Device;
  let carol: Device | undefined;
  beforeAll(() => {
    ({ alice, bob } = env.devices);
  });

  /** The third browser only when a journey needs it (at most three at once). */
  const startCarol = async (): Promise<Device> => {
    carol ??= await env.lan.startDevice('carol');
    return carol;
  };

  /** A fresh room at Alice with Bob (and whoever else) in it, all connected. */
  const openRoom = async (...guests: Device[]): Promise<string> => {
    await alice.goto('/');
    const link = await createRoom(alice.page);
    for (const g of guests) {
      await g.page.goto(link);
      await waitConnected(g.page);
    }
    return link;
  };

  /** Saves through `Save <name>` in the download row and checks the bytes against the generated file. */
  const expectSavedExact = async (device: Device, fx: Fixture) => {
    const saved = await saveAndHash(device.page, downloadRowOf(device.page, fx), fx.name);
    expect(saved, `${device.name} saved "${fx.name}"`).toEqual({
      sha256: fx.sha256,
      size: fx.size,
      suggestedFilename: fx.name,
    });
  };

  it('1. edge sizes, non-ASCII names and a folder arrive byte for byte', { timeout: 90_000 }, async () => {
    const t0 = Date.now();
    const set = newFixtures('Fötos 文件夹');
    const small = [
      set.add({ name: 'empty.bin', size: 0 }),
      set.add({ name: 'one byte.bin', size: 1 }),
      set.add({ name: 'Ünïcødé 文件.bin', size: MiB }),
      set.add({ name: 'chunk plus one ✓.bin', size: MiB + 1 }),
      set.add({ name: 'übersicht.txt', size: 3000, folder: '' }),
      set.add({ name: '日本語 🎉.jpg', size: 300_000, folder: 'sub dir' }),
    ];
    const big = set.add({ name: 'big – café 20 MiB.bin', size: BIG });
    expect(new Set(set.all.map((f) => f.contentId)).size).toBe(set.all.length);

    await openRoom(bob);
    await shareLoose(
      alice.page,
      set.loose.filter((f) => f !== big),
    );
    await shareLoose(alice.page, [big]);
    await addFolder(alice.page, set.folderDir);
    for (const fx of set.all) await fileRowOf(bob.page, fx).waitFor({ timeout: 30_000 });
    await expect(fileRowOf(bob.page, small[5]!).locator('.file-path').textContent()).resolves.toBe(
      'Fötos 文件夹/sub dir/',
    );
    await recordTransitions(bob.page);

    // the small ones all at once; a failing one does not hide the others (all are reported at the end)
    const failures: string[] = [];
    for (const fx of small) await clickDownload(bob.page, fx);
    for (const fx of small) {
      try {
        await waitDownloaded(bob.page, fx, 30_000, 'j1');
        await expectSavedExact(bob, fx);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    // images, audio and video can be opened; other files cannot
    await expect(
      downloadRowOf(bob.page, small[5]!)
        .getByRole('button', { name: 'Open 日本語 🎉.jpg', exact: true })
        .count(),
    ).resolves.toBe(1);
    await expect(
      downloadRowOf(bob.page, small[2]!)
        .getByRole('button', { name: /^Open / })
        .count(),
    ).resolves.toBe(0);

    // the big one alone, measured: speed from the engine's own state changes, heap through CDP
    const heap = await startHeapSampler(bob.page, 200);
    const clickedAt = await pageNow(bob.page);
    await clickDownload(bob.page, big);
    await waitDownloaded(bob.page, big, 60_000, 'j1');
    const report = await heap.stop();
    const steps = await transitions(bob.page, big.contentId);
    const started = steps.find((s) => s.state === 'downloading')?.t;
    const done = steps.find((s) => s.state === 'done')?.t;
    expect(started, `state changes: ${JSON.stringify(steps)}`).toBeDefined();
    expect(done, `state changes: ${JSON.stringify(steps)}`).toBeDefined();
    const seconds = (done! - started!) / 1000;
    const fromClick = (done! - clickedAt) / 1000;
    const item = await engineItem(bob.page, big.contentId);
    console.log(
      `[measure] 20 MiB download (secure, OPFS): ${(big.size / 1e6 / seconds).toFixed(1)} MB/s ` +
        `(${seconds.toFixed(2)} s from 'downloading' to 'done'; ${fromClick.toFixed(2)} s from the click, ` +
        `${(big.size / 1e6 / fromClick).toFixed(1)} MB/s); engine's last speed reading ` +
        `${((item?.speed ?? 0) / 1e6).toFixed(1)} MB/s`,
    );
    console.log(`[measure] Bob's JS heap during the 20 MiB download (secure): ${heapWords(report)}`);
    await expectSavedExact(bob, big);
    expect(report.growth, 'JS heap growth while downloading 20 MiB').toBeLessThan(16 * MiB);
    expect(failures, 'downloads of the small files').toEqual([]);
    console.log(`[time] journey 1: ${elapsed(t0)}`);
  });

  it('5. a corrupted chunk from a hostile source is thrown away and fetched again', {
    timeout: 60_000,
  }, async () => {
    const t0 = Date.now();
    const set = newFixtures();
    const fx = set.add({ name: 'tampered 6 MiB.bin', size: 6 * MiB + 100 });
    await openRoom(bob);
    // the seam the engine offers to tests: the source passes every chunk it sends through this
    await alice.page.evaluate((cid) => {
      const w = window as unknown as {
        __meshdropTamper?: (id: string, i: number, b: Uint8Array) => Uint8Array;
        __tampered: number;
        __tamperCalls: number;
      };
      w.__tampered = 0;
      w.__tamperCalls = 0;
      w.__meshdropTamper = (id, index, bytes) => {
        w.__tamperCalls++;
        if (id !== cid || index !== 3 || w.__tampered > 0) return bytes;
        w.__tampered++;
        const copy = bytes.slice();
        copy[1234] = (copy[1234] ?? 0) ^ 0x01; // one bit
        return copy;
      };
    }, fx.contentId);
    try {
      await shareLoose(alice.page, [fx]);
      await clickDownload(bob.page, fx);
      await waitDownloaded(bob.page, fx, 40_000, 'j5');
      const seam = await alice.page.evaluate(() => {
        const w = window as unknown as { __tampered: number; __tamperCalls: number };
        return { tampered: w.__tampered, calls: w.__tamperCalls };
      });
      expect(seam.tampered, 'the source flipped a bit in chunk 3').toBe(1);
      const item = await engineItem(bob.page, fx.contentId);
      const stats = await engineStats(bob.page);
      console.log(
        `[hostile] tamper calls at Alice ${seam.calls}; Bob's item: rejectedChunks ${item?.rejectedChunks}, ` +
          `dropped ${item?.dropped}; Bob's engine stats ${JSON.stringify(stats)}`,
      );
      expect(item?.rejectedChunks ?? 0).toBeGreaterThanOrEqual(1);
      expect(stats.rejectedChunks).toBeGreaterThanOrEqual(1);
      await expectSavedExact(bob, fx);
    } finally {
      await alice.page.evaluate(() => {
        delete (window as unknown as { __meshdropTamper?: unknown }).__meshdropTamper;
      });
    }
    console.log(`[time] journey 5: ${elapsed(t0)}`);
  });

  it('4. two devices download the same 20 MiB file at the same time', { timeout: 90_000 }, async () => {
    const t0 = Date.now();
    const c = await startCarol();
    const set = newFixtures();
    const fx = set.add({ name: 'together 20 MiB.bin', size: BIG });
    await openRoom(bob, c);
    await shareLoose(alice.page, [fx]);
    await Promise.all([fileRowOf(bob.page, fx).waitFor(), fileRowOf(c.page, fx).waitFor()]);
    await Promise.all([recordTransitions(bob.page), recordTransitions(c.page)]);
    await Promise.all([clickDownload(bob.page, fx), clickDownload(c.page, fx)]);
    await Promise.all([
      waitDownloaded(bob.page, fx, 60_000, 'j4-bob'),
      waitDownloaded(c.page, fx, 60_000, 'j4-carol'),
    ]);
    // a finished download stays finished (a source that joins late must not reopen it)
    await Promise.all([expectStillDone(bob.page, fx), expectStillDone(c.page, fx)]);
    await expectSavedExact(bob, fx);
    await expectSavedExact(c, fx);
    console.log(`[time] journey 4: ${elapsed(t0)}`);
  });

  it('3. the library keeps the file after a reload, and a third device gets it from there once the sharer left', {
    timeout: 90_000,
  }, async () => {
    const t0 = Date.now();
    const c = await startCarol();
    const set = newFixtures();
    const fx = set.add({ name: 'kept 文件 3 MiB.bin', size: 3 * MiB + 7 });
    const link = await openRoom(bob);
    await shareLoose(alice.page, [fx]);
    await clickDownload(bob.page, fx);
    await waitDownloaded(bob.page, fx, 30_000, 'j3');

    // Bob reloads, then opens Home: the file is in his library, and saving it gives the same bytes
    await bob.page.reload();
    await bob.goto('/');
    const kept = libraryRowOf(bob.page, fx);
    await kept.waitFor({ timeout: 20_000 });
    await expect(kept.textContent()).resolves.toContain(fx.name);
    const fromLibrary = await saveAndHash(bob.page, kept, fx.name);
    expect(fromLibrary).toEqual({ sha256: fx.sha256, size: fx.size, suggestedFilename: fx.name });

    // Bob's app (still open, on Home) offers the file back in its room: Alice sees a second source
    await fileRowOf(alice.page, fx).filter({ hasText: '2 devices online' }).waitFor({ timeout: 20_000 });

    // Alice goes away for good; Carol joins and downloads from Bob
    await alice.kill();
    await c.page.goto(link);
    await waitConnected(c.page);
    const row = fileRowOf(c.page, fx);
    await row.filter({ hasText: '1 device online' }).waitFor({ timeout: 30_000 });
    await clickDownload(c.page, fx);
    await waitDownloaded(c.page, fx, 40_000, 'j3-carol');
    await expectSavedExact(c, fx);

    // Bob deletes it from his library (no confirmation asked); it is gone from Home
    await kept.getByRole('button', { name: `Delete ${fx.name}`, exact: true }).click();
    await kept.waitFor({ state: 'detached', timeout: 10_000 });
    console.log(`[time] journey 3: ${elapsed(t0)}`);
  });
});
