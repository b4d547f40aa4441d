// Issue 11, resume everywhere: a download continues from the chunks it stored, fetching none of them
// again, after
//   7. a reload of the receiving page, on OPFS (secure origin)
//   8. a reload of the receiving page, on IndexedDB (plain http)
//   9. a crash of the receiving browser (its process group killed, started again on the same profile), OPFS
//  10. the receiver's link cut (nothing in or out of its host) and restored, IndexedDB
//  11. its only source leaving (that browser killed) and another device sharing the same file, OPFS:
//      the download goes on by itself
// A reload or a crash lists the download again, paused, with Resume; a cut link fails it visibly, with
// Retry. Each source logs the chunks it starts sending (resumeKit.ts): what was sent after the fault
// plus what was stored before it are exactly the file's chunks, none twice, and the saved file is byte
// for byte the original.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../lan/index.ts';
import { checkPrerequisites } from '../lan/index.ts';
import { createRoom, waitConnected } from '../pwa/support.ts';
import { journeyLan } from './journeyLan.ts';
import { chunksIn, clearSent, expectNothingFetchedTwice, logSends, sent, waitStored } from './resumeKit.ts';
import {
  clickDownload,
  downloadRowOf,
  downloadsPanel,
  elapsed,
  engineItem,
  type Fixture,
  MiB,
  saveAndHash,
  shareLoose,
  waitDownloaded,
} from './support.ts';

const skip = checkPrerequisites();
const SIZE = 48 * MiB + 333; // 49 chunks of 1 MiB: a few seconds on the test LAN
const CHUNKS = Math.ceil(SIZE / MiB);

describe.skipIf(skip)('a download resumes after a reload, a crash, a cut link, a change of source', () => {
  const env = journeyLan({
    secure: true,
    devices: { alice: {}, bob: { path: null }, carol: { path: null, secure: false } },
  });
  const { set } = env;
  let alice: Device;
  let bob: Device;
  let carol: Device;
  beforeAll(() => {
    ({ alice, bob, carol } = env.devices);
  });

  /**
   * A new room on alice, opened by the guests (each on its own origin, HTTPS or plain http); alice shares
   * a new file and logs what she sends; `guest` downloads it until a quarter is stored.
   */
  async function startQuarter(guest: Device, label: string, others: Device[] = []) {
    const fx = set.add({ name: `resume ${label} 48 MiB.bin`, size: SIZE });
    await alice.goto('/');
    const at = new URL(await createRoom(alice.page));
    const roomPath = `${at.pathname}${at.search}${at.hash}`;
    for (const d of [guest, ...others]) {
      await d.goto(roomPath);
      await waitConnected(d.page);
    }
    await logSends(alice.page, fx);
    await shareLoose(alice.page, [fx]);
    await clickDownload(guest.page, fx);
    await waitStored(guest.page, fx, SIZE / 4);
    return { fx, roomPath };
  }

  /** The row reaches `state` (what the person sees) within `ms`. */
  const rowState = (guest: Device, fx: Fixture, state: string, ms = 20_000) =>
    downloadsPanel(guest.page)
      .locator(`li[data-download="${fx.contentId}"][data-state="${state}"]`)
      .waitFor({ timeout: ms });

  /**
   * The download finishes; `source` sent exactly the chunks that were not stored before the fault
   * (`storedBefore`, else what the download found on disk), none twice; the saved file is exact.
   */
  async function expectResumed(
    guest: Device,
    fx: Fixture,
    source: Device,
    label: string,
    storedBefore?: number,
  ) {
    await waitDownloaded(guest.page, fx, 60_000, `resume-${label}`);
    const after = await engineItem(guest.page, fx.contentId);
    const again = await sent(source.page);
    const stored = storedBefore ?? after?.resumedChunks ?? 0;
    console.log(
      `[resume ${label}] ${stored} of ${CHUNKS} chunks stored before; ${after?.resumedChunks} checked on ` +
        `disk and kept; ${again.length} sent after`,
    );
    expectNothingFetchedTwice(again, stored, CHUNKS);
    expect(after?.rejectedChunks).toBe(0);
    const saved = await saveAndHash(guest.page, downloadRowOf(guest.page, fx), fx.name);
    expect(saved).toEqual({ sha256: fx.sha256, size: fx.size, suggestedFilename: fx.name });
  }

  /** Interrupted by `stop` (a reload or a crash): listed again, paused; Resume continues it. */
  async function pausedJourney(guest: Device, label: string, stop: (roomPath: string) => Promise<void>) {
    const t0 = Date.now();
    const { fx, roomPath } = await startQuarter(guest, label);
    await stop(roomPath);
    // a partial never counts as done: it is listed paused, with what it has
    await rowState(guest, fx, 'paused');
    await expect(downloadRowOf(guest.page, fx).textContent()).resolves.toContain('Paused');
    await waitConnected(guest.page);
    await clearSent(alice.page);
    await downloadRowOf(guest.page, fx)
      .getByRole('button', { name: `Resume ${fx.name}`, exact: true })
      .click();
    await expectResumed(guest, fx, alice, label);
    console.log(`[time] resume ${label}: ${elapsed(t0)}`);
  }

  it('7. after a reload, on OPFS (secure origin)', { timeout: 120_000 }, async () => {
    await pausedJourney(bob, 'reload OPFS', () => bob.page.reload().then(() => undefined));
  });

  it('8. after a reload, on IndexedDB (plain http)', { timeout: 120_000 }, async () => {
    await pausedJourney(carol, 'reload IndexedDB', () => carol.page.reload().then(() => undefined));
  });

  it('9. after a crash of the receiving browser, on OPFS', { timeout: 120_000 }, async () => {
    await pausedJourney(bob, 'crash OPFS', async (roomPath) => {
      await bob.restart(); // SIGKILL to the browser's process group, then the same profile again
      await bob.goto(roomPath);
    });
  });

  it('10. after the link is cut and restored, on IndexedDB', { timeout: 120_000 }, async () => {
    const t0 = Date.now();
    const { fx } = await startQuarter(carol, 'cut IndexedDB');
    await carol.cut();
    try {
      // the silent source is given up on (10 s without a piece): the person sees it, nothing hangs
      await rowState(carol, fx, 'failed', 30_000);
    } finally {
      await carol.restore();
    }
    const stored = (await engineItem(carol.page, fx.contentId))!.bytes;
    await waitConnected(carol.page);
    await clearSent(alice.page);
    await downloadRowOf(carol.page, fx)
      .getByRole('button', { name: `Retry ${fx.name}`, exact: true })
      .click();
    await downloadsPanel(carol.page)
      .locator(`li[data-download="${fx.contentId}"]:not([data-state="failed"])`)
      .waitFor({ timeout: 5_000 });
    await expectResumed(carol, fx, alice, 'cut IndexedDB');
    expect((await engineItem(carol.page, fx.contentId))?.resumedChunks).toBe(chunksIn(stored));
    console.log(`[time] resume after a cut link: ${elapsed(t0)}`);
  });

  // last: alice's browser does not come back
  it('11. after its source leaves and another appears, on OPFS: by itself', {
    timeout: 120_000,
  }, async () => {
    const t0 = Date.now();
    const { fx } = await startQuarter(bob, 'new source OPFS', [carol]);
    await alice.kill(); // the only source is gone, without a goodbye
    // bob gives up on the silent source (or fails for want of one); what it stored by then is all it has
    const deadline = Date.now() + 30_000;
    let item = await engineItem(bob.page, fx.contentId);
    while (item && item.state !== 'failed' && item.sources.length > 0 && Date.now() < deadline) {
      await bob.page.waitForTimeout(100);
      item = await engineItem(bob.page, fx.contentId);
    }
    expect(item?.state === 'failed' || item?.sources.length === 0).toBe(true);
    const storedBefore = chunksIn(item!.bytes);
    // carol shares the same bytes: the same content, a source bob did not have; nobody clicks anything
    await logSends(carol.page, fx);
    await shareLoose(carol.page, [fx]);
    // bob's download takes carol on (still running), or starts again by itself (it had failed)
    const by = Date.now() + 40_000;
    for (;;) {
      item = await engineItem(bob.page, fx.contentId);
      if (item?.hasBlob || (item?.state !== 'failed' && (item?.sources.length ?? 0) > 0)) break;
      if (Date.now() > by) throw new Error(`carol was never taken on: ${JSON.stringify(item)}`);
      await bob.page.waitForTimeout(100);
    }
    await expectResumed(bob, fx, carol, 'new source OPFS', storedBefore);
    console.log(`[time] resume from a new source: ${elapsed(t0)}`);
  });
});
