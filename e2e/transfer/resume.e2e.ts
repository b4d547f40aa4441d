// Issue 11, resume: a download interrupted by a reload of the receiving page is listed again (paused,
// with a Resume button) and continues from the chunks already on disk, on both storage paths:
//   7. OPFS (secure origin)  8. IndexedDB (plain http)
// The sender logs every chunk it starts sending (the engine's test seam sees each block it reads), so
// the journey proves that no chunk found on disk is fetched again: chunks sent after the reload plus
// chunks resumed from disk are exactly the file's chunks, and the saved file is byte for byte the
// original.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device, Lan } from '../lan/index.ts';
import { checkPrerequisites, createLan } from '../lan/index.ts';
import { createRoom, ensureBuilt, waitConnected } from '../pwa/support.ts';
import {
  clickDownload,
  distBuiltAt,
  downloadRowOf,
  downloadsPanel,
  elapsed,
  engineItem,
  type Fixture,
  FixtureSet,
  MiB,
  saveAndHash,
  shareLoose,
  waitDownloaded,
  warnIfRebuilt,
} from './support.ts';

const skip = checkPrerequisites();
const SIZE = 48 * MiB + 333; // 49 chunks of 1 MiB: a few seconds on the test LAN

describe.skipIf(skip)('a download resumes after a reload', () => {
  let lan: Lan;
  let alice: Device;
  let bob: Device;
  let carol: Device;
  let builtAt = 0;
  const set = new FixtureSet();

  beforeAll(async () => {
    ensureBuilt();
    builtAt = distBuiltAt();
    lan = await createLan();
    await lan.startTracker({ secure: true });
    [alice, bob, carol] = await Promise.all([
      lan.startDevice('alice'),
      lan.startDevice('bob', { path: null }),
      lan.startDevice('carol', { path: null, secure: false }),
    ]);
  });

  afterAll(async () => {
    warnIfRebuilt(builtAt);
    await lan?.close();
    set.remove();
  });

  /** Alice logs the index of every chunk she starts sending for `fx` (its first block). */
  const logSends = (fx: Fixture) =>
    alice.page.evaluate((cid) => {
      const w = window as unknown as {
        __meshdropTamper?: (id: string, i: number, b: Uint8Array, offset: number) => Uint8Array;
        __sent: number[];
      };
      w.__sent = [];
      w.__meshdropTamper = (id, index, bytes, offset) => {
        if (id === cid && offset === 0) w.__sent.push(index);
        return bytes;
      };
    }, fx.contentId);
  const sent = () => alice.page.evaluate(() => (window as unknown as { __sent: number[] }).__sent);
  const clearSent = () =>
    alice.page.evaluate(() => {
      (window as unknown as { __sent: number[] }).__sent = [];
    });

  const journey = async (guest: Device, label: string) => {
    const t0 = Date.now();
    const fx = set.add({ name: `resumed ${label} 48 MiB.bin`, size: SIZE });
    const chunks = Math.ceil(SIZE / MiB);
    await alice.goto('/');
    const link = await createRoom(alice.page);
    const at = new URL(link);
    // the same room on the guest's own origin (HTTPS or plain http), with whatever the link carries
    await guest.goto(`${at.pathname}${at.search}${at.hash}`);
    await waitConnected(guest.page);
    await logSends(fx);
    await shareLoose(alice.page, [fx]);
    await clickDownload(guest.page, fx);

    // reload the downloader once a quarter of the file is stored
    const deadline = Date.now() + 60_000;
    for (;;) {
      const item = await engineItem(guest.page, fx.contentId);
      if (item && item.bytes >= SIZE / 4) break;
      if (item?.state === 'done' || item?.state === 'failed' || Date.now() > deadline)
        throw new Error(`no reload point: ${JSON.stringify(item)}`);
      await guest.page.waitForTimeout(50);
    }
    const beforeReload = await engineItem(guest.page, fx.contentId);
    expect(beforeReload?.state).toBe('downloading');
    await guest.page.reload();

    // the download is listed again, paused, with what it has; a partial never counts as done
    const row = downloadRowOf(guest.page, fx);
    await downloadsPanel(guest.page)
      .locator(`li[data-download="${fx.contentId}"][data-state="paused"]`)
      .waitFor({ timeout: 20_000 });
    await expect(row.textContent()).resolves.toContain('Paused');
    await waitConnected(guest.page);

    await clearSent();
    await row.getByRole('button', { name: `Resume ${fx.name}`, exact: true }).click();
    await waitDownloaded(guest.page, fx, 60_000, `resume-${label}`);
    const after = await engineItem(guest.page, fx.contentId);
    const again = await sent();
    console.log(
      `[resume ${label}] reloaded at ${(beforeReload!.bytes / MiB).toFixed(1)} MiB stored; ` +
        `resumed ${after?.resumedChunks} of ${chunks} chunks from disk; ${again.length} sent after the reload`,
    );
    // nothing found on disk was fetched again, and nothing was fetched twice
    expect(new Set(again).size).toBe(again.length);
    expect(after?.resumedChunks ?? 0).toBeGreaterThanOrEqual(4);
    expect(again.length + (after?.resumedChunks ?? 0)).toBe(chunks);
    expect(after?.rejectedChunks).toBe(0);
    const saved = await saveAndHash(guest.page, row, fx.name);
    expect(saved).toEqual({ sha256: fx.sha256, size: fx.size, suggestedFilename: fx.name });
    console.log(`[time] resume ${label}: ${elapsed(t0)}`);
  };

  it('7. on OPFS (secure origin)', { timeout: 120_000 }, async () => {
    await journey(bob, 'OPFS');
  });

  it('8. on IndexedDB (plain http)', { timeout: 120_000 }, async () => {
    await journey(carol, 'IndexedDB');
  });
});
