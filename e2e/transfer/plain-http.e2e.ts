// Downloads on a plain-http LAN origin: no secure context, so no OPFS; chunks go to IndexedDB.
//   2. the edge sizes and a 20 MiB file arrive byte for byte, saved through a normal browser download;
//      downloading one again offers the kept copy at once
//   6. with nobody online to send it, a download fails in plain words; Retry works once the sharer is back
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../lan/index.ts';
import { checkPrerequisites } from '../lan/index.ts';
import { createRoom, waitConnected } from '../pwa/support.ts';
import { journeyLan } from './journeyLan.ts';
import {
  clickDownload,
  downloadRowOf,
  elapsed,
  fileRowOf,
  heapWords,
  MiB,
  recordTransitions,
  saveAndHash,
  shareLoose,
  startHeapSampler,
  transitions,
  waitDownloaded,
} from './support.ts';

const skip = checkPrerequisites();

describe.skipIf(skip)('downloading between devices (plain http, IndexedDB)', () => {
  const env = journeyLan({ secure: false });
  const { set } = env;
  let alice: Device;
  let bob: Device;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([
      env.lan.startDevice('alice'),
      env.lan.startDevice('bob', { path: null }),
    ]);
  });

  it('2. edge sizes and 20 MiB arrive byte for byte without a secure context', {
    timeout: 90_000,
  }, async () => {
    const t0 = Date.now();
    const small = [
      set.add({ name: 'empty.bin', size: 0 }),
      set.add({ name: 'one byte.bin', size: 1 }),
      set.add({ name: 'Ünïcødé 文件.bin', size: MiB }),
      set.add({ name: 'chunk plus one ✓.bin', size: MiB + 1 }),
    ];
    const big = set.add({ name: 'big – café 20 MiB.bin', size: 20 * MiB + 4321 });

    await alice.goto('/');
    const link = await createRoom(alice.page);
    await bob.page.goto(link);
    await waitConnected(bob.page);
    expect(await bob.page.evaluate(() => isSecureContext)).toBe(false);

    await shareLoose(alice.page, set.all);
    for (const fx of set.all) await fileRowOf(bob.page, fx).waitFor({ timeout: 30_000 });
    await recordTransitions(bob.page);

    for (const fx of small) await clickDownload(bob.page, fx);
    for (const fx of small) await waitDownloaded(bob.page, fx, 30_000, 'j2');

    const heap = await startHeapSampler(bob.page, 200);
    await clickDownload(bob.page, big);
    await waitDownloaded(bob.page, big, 60_000, 'j2');
    const report = await heap.stop();
    const steps = await transitions(bob.page, big.contentId);
    const started = steps.find((s) => s.state === 'downloading')?.t;
    const done = steps.find((s) => s.state === 'done')?.t;
    if (started !== undefined && done !== undefined) {
      const seconds = (done - started) / 1000;
      console.log(
        `[measure] 20 MiB download (plain http, IndexedDB): ${(big.size / 1e6 / seconds).toFixed(1)} MB/s ` +
          `(${seconds.toFixed(2)} s from 'downloading' to 'done')`,
      );
    }
    console.log(`[measure] Bob's JS heap during the 20 MiB download (plain http): ${heapWords(report)}`);

    for (const fx of set.all) {
      const saved = await saveAndHash(bob.page, downloadRowOf(bob.page, fx), fx.name);
      expect(saved, `Bob saved "${fx.name}"`).toEqual({
        sha256: fx.sha256,
        size: fx.size,
        suggestedFilename: fx.name,
      });
    }
    // downloading again what the library holds (IndexedDB: it used to hang): the kept copy, at once
    const again = small[3]!;
    await clickDownload(bob.page, again);
    const row = downloadRowOf(bob.page, again);
    await row
      .and(bob.page.locator('[data-state="done"]'))
      .filter({ hasText: 'Already on this device' })
      .waitFor({ timeout: 10_000 });
    expect(await saveAndHash(bob.page, row, again.name)).toEqual({
      sha256: again.sha256,
      size: again.size,
      suggestedFilename: again.name,
    });
    console.log(`[time] journey 2: ${elapsed(t0)}`);
  });

  it('6. with the sharer gone a download fails in plain words, and continues by itself once it is back', {
    timeout: 60_000,
  }, async () => {
    const t0 = Date.now();
    const fx = set.add({ name: 'später 文件.bin', size: 2 * MiB + 3 });
    await alice.goto('/');
    const link = await createRoom(alice.page);
    await bob.page.goto(link);
    await waitConnected(bob.page);
    await shareLoose(alice.page, [fx]);
    const row = fileRowOf(bob.page, fx);
    await row.waitFor({ timeout: 20_000 });

    // Alice's browser crashes: the file stays listed at Bob, with nobody online to send it
    await alice.kill();
    await row.filter({ hasText: 'No device online' }).waitFor({ timeout: 20_000 });
    await clickDownload(bob.page, fx);
    const download = downloadRowOf(bob.page, fx);
    await download.and(bob.page.locator('[data-state="failed"]')).waitFor({ timeout: 30_000 });
    const message = ((await download.getByRole('alert').textContent()) ?? '').trim();
    console.log(`[failed] Bob is told: "${message}"`);
    expect(message).toMatch(/^[A-Z][^{}<>]*\.$/); // a sentence, not an error dump
    expect(message).not.toMatch(/error|exception|undefined|null|peer/i);

    // Alice is back (same profile), opens the room and shares the same file again: Bob's download,
    // failed for want of a source, continues by itself (issue 11), with no Retry pressed
    await alice.restart();
    await alice.goto(new URL(link).pathname);
    await waitConnected(alice.page);
    await shareLoose(alice.page, [fx]);
    // Bob may already be sharing what he fetched again (2 MiB take a moment), so the row may say "2
    // devices online", not "1" (this waited 20 s in 1 run of 4). Then the row must leave failed by itself:
    // when Alice's presence came back before she shared the file again, Bob's engine tried at once, was
    // told not_found, and never tried again (CI failed here twice; engine.ts retryStranded).
    await row.filter({ hasText: /[1-9]\d* devices? online/ }).waitFor({ timeout: 20_000 });
    await download.and(bob.page.locator(':not([data-state="failed"])')).waitFor({ timeout: 20_000 });
    await waitDownloaded(bob.page, fx, 30_000, 'j6');
    const saved = await saveAndHash(bob.page, download, fx.name);
    expect(saved).toEqual({ sha256: fx.sha256, size: fx.size, suggestedFilename: fx.name });
    console.log(`[time] journey 6: ${elapsed(t0)}`);
  });
});
