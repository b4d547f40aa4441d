// Issue 11, a file spreads while it moves: Alice shares a file over a slow link; Bob downloads it, and
// while he is still downloading, Carol's catalog lists Bob as a partial source and Carol gets verified
// chunks from him. Through the app's UI (secure origin, OPFS); three browsers, one journey.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../lan/index.ts';
import { checkPrerequisites } from '../lan/index.ts';
import { createRoom, waitConnected } from '../pwa/support.ts';
import { journeyLan } from './journeyLan.ts';
import {
  clickDownload,
  downloadRowOf,
  elapsed,
  engineItem,
  fileRowOf,
  MiB,
  saveAndHash,
  shareLoose,
  waitDownloaded,
} from './support.ts';

const skip = checkPrerequisites();

/** What Bob's page saw: bytes he sent to others while his own download of the file was not done. */
async function watchPartialUploads(page: Device['page'], contentId: string): Promise<void> {
  await page.evaluate((cid) => {
    interface Engine {
      downloads(): { contentId: string; status: { state: string; progress: { bytes: number } } }[];
      uploads(): { contentId: string; remote: string; bytesSent: number }[];
      subscribe(l: () => void): () => void;
    }
    const w = window as unknown as { __meshdrop: { engine: Engine }; __partialUploads?: number };
    w.__partialUploads = 0;
    const engine = w.__meshdrop.engine;
    engine.subscribe(() => {
      const mine = engine.downloads().find((d) => d.contentId === cid);
      if (!mine || mine.status.state === 'done') return;
      const sent = engine.uploads().filter((u) => u.contentId === cid);
      w.__partialUploads = Math.max(w.__partialUploads ?? 0, ...sent.map((u) => u.bytesSent));
    });
  }, contentId);
}

describe.skipIf(skip)('a file spreads while it moves (partial sources)', () => {
  const env = journeyLan({ secure: true, devices: { alice: {}, bob: {}, carol: {} } });
  const fixtures = env.set;
  let alice: Device;
  let bob: Device;
  let carol: Device;
  beforeAll(() => {
    ({ alice, bob, carol } = env.devices);
  });

  it('Carol gets verified chunks from Bob while Bob is still downloading', { timeout: 90_000 }, async () => {
    const t0 = Date.now();
    const fx = fixtures.add({ name: 'spreading 16 MiB.bin', size: 16 * MiB + 11 });
    await alice.goto('/');
    const link = await createRoom(alice.page);
    for (const d of [bob, carol]) {
      await d.page.goto(link);
      await waitConnected(d.page);
    }
    await shareLoose(alice.page, [fx]);
    await Promise.all([fileRowOf(bob.page, fx).waitFor(), fileRowOf(carol.page, fx).waitFor()]);

    // Alice's link is slow (~3 MB/s): Bob needs seconds, so Carol starts while he is partway
    await alice.limitRate('24mbit');
    await watchPartialUploads(bob.page, fx.contentId);
    await clickDownload(bob.page, fx);
    const partialRow = fileRowOf(carol.page, fx).filter({ hasText: '(partial)' });
    await partialRow.waitFor({ timeout: 20_000 });
    const bobBefore = await engineItem(bob.page, fx.contentId);
    expect(bobBefore?.state, 'Bob is still downloading when Carol starts').not.toBe('done');
    await clickDownload(carol.page, fx);

    await Promise.all([
      waitDownloaded(bob.page, fx, 60_000, 'spread-bob'),
      waitDownloaded(carol.page, fx, 60_000, 'spread-carol'),
    ]);
    const servedWhilePartial = await bob.page.evaluate(
      () => (window as unknown as { __partialUploads?: number }).__partialUploads ?? 0,
    );
    const carolItem = await engineItem(carol.page, fx.contentId);
    console.log(
      `[spread] Bob sent ${(servedWhilePartial / MiB).toFixed(1)} MiB to Carol while still downloading; ` +
        `Carol: rejected ${carolItem?.rejectedChunks}, dropped ${carolItem?.dropped}`,
    );
    expect(servedWhilePartial, 'Bob served chunks while partial').toBeGreaterThan(0);
    expect(carolItem?.rejectedChunks).toBe(0);

    // once Bob is done, he is listed as a complete source
    await fileRowOf(carol.page, fx).filter({ hasNotText: '(partial)' }).waitFor({ timeout: 20_000 });
    const saved = await saveAndHash(carol.page, downloadRowOf(carol.page, fx), fx.name);
    expect(saved).toEqual({ sha256: fx.sha256, size: fx.size, suggestedFilename: fx.name });
    console.log(`[time] spread journey: ${elapsed(t0)}`);
  });
});
