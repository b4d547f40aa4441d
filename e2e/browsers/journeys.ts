// Journeys that run the same way whichever browser shares and whichever downloads, on either origin.
import { expect } from 'vitest';
import type { LanDevice } from '../lan/index.ts';
import { elapsed, type Fixture, type FixtureSet, MiB } from '../transfer/support.ts';
import {
  engineView,
  markPage,
  servedChunks,
  stillSamePage,
  stopWatchingChunks,
  watchServedChunks,
} from './pageProbe.ts';
import {
  clickDownload,
  downloadAllExact,
  expectSavedExact,
  shareFiles,
  shareFolder,
  waitConnected,
  waitDownloaded,
  waitListed,
} from './support.ts';
import { attr, type Ui, uiOf } from './ui.ts';

const BIG = 64 * MiB;

const arrow = (from: Ui, to: Ui) => `${from.device.kind} → ${to.device.kind}`;

/**
 * `from` shares edge sizes around the 1 MiB chunk (0, 1, chunk ± 1, exact multiples), non-ASCII names,
 * optionally a folder, and 64 MiB; `to` sees them arrive live, downloads each and saves exact bytes.
 * Both must be in the same room already.
 */
export async function crossJourney(o: {
  from: Ui;
  to: Ui;
  set: FixtureSet;
  folder: boolean;
  label: string;
}): Promise<void> {
  const { from, to, set } = o;
  const t0 = Date.now();
  const small = [
    set.add({ name: 'empty.bin', size: 0 }),
    set.add({ name: 'one byte.bin', size: 1 }),
    set.add({ name: 'chunk minus one.bin', size: MiB - 1 }),
    set.add({ name: 'Ünïcødé 文件 🎉.bin', size: MiB }),
    set.add({ name: 'chunk plus one ✓.bin', size: MiB + 1 }),
    set.add({ name: 'two chunks – naïve.bin', size: 2 * MiB }),
  ];
  if (o.folder) {
    small.push(
      set.add({ name: 'übersicht.txt', size: 3000, folder: '' }),
      set.add({ name: '日本語 photo.jpg', size: 300_000, folder: 'sub dir' }),
    );
  }
  const big = set.add({ name: `big 64 MiB ${o.label}.bin`, size: BIG + 4321 });
  expect(new Set(set.all.map((f) => f.contentId)).size).toBe(set.all.length);

  await markPage(to);
  await shareFiles(from, set.loose);
  if (o.folder) await shareFolder(from, set.folderDir);
  await waitListed(to, set.all, 60_000, from);
  expect(await stillSamePage(to), 'the files arrived without a reload').toBe(true);

  const failures = await downloadAllExact(to, small, 30_000);
  expect(failures, `${arrow(from, to)}: the small files`).toEqual([]);

  const clicked = Date.now();
  await clickDownload(to, big);
  await waitDownloaded(to, big, 90_000);
  const seconds = (Date.now() - clicked) / 1000;
  console.log(
    `[measure] ${arrow(from, to)} (${o.label}): ${(big.size / MiB).toFixed(0)} MiB in ${seconds.toFixed(1)} s ` +
      `from the click to "done", ${(big.size / 1e6 / seconds).toFixed(1)} MB/s`,
  );
  await expectSavedExact(to, big);
  console.log(`[time] ${arrow(from, to)} (${o.label}): ${elapsed(t0)}`);
}

/**
 * `receiver` downloads from `source` through a slowed link, reloads its page at about a third, then asks
 * again (Resume where the app offers it, Download otherwise) and gets exact bytes. Counts the chunks the
 * source had to send twice; with `resumes`, that may be no more than what was in flight at the reload.
 */
export async function resumeAfterReload(o: {
  source: Ui;
  receiver: LanDevice;
  fx: Fixture;
  resumes: boolean;
}): Promise<void> {
  const { source, receiver, fx } = o;
  const r = uiOf(receiver);
  const t0 = Date.now();
  await watchServedChunks(source, fx);
  try {
    await shareFiles(source, [fx]);
    await receiver.limitRate('40mbit');
    await clickDownload(r, fx);
    const deadline = Date.now() + 30_000;
    let bytes = 0;
    while (Date.now() < deadline && bytes < fx.size / 3) {
      bytes = (await engineView(r, fx))?.bytes ?? 0;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(bytes, 'a third arrived before the reload').toBeGreaterThanOrEqual(fx.size / 3);
    await r.reload();
    await waitConnected(r);
    await receiver.unlimit();
    await clickResumeOrDownload(r, fx);
    await waitDownloaded(r, fx, 40_000);
    await expectSavedExact(r, fx);
    const seen = await servedChunks(source);
    const chunks = Math.ceil(fx.size / MiB);
    console.log(
      `[resume] ${receiver.kind} reloaded at ${((bytes / fx.size) * 100).toFixed(0)} %: the source sent ` +
        `${seen.served} chunks for ${chunks}, ${seen.again} of them twice (${elapsed(t0)})`,
    );
    // what was in flight at the reload (the 8 MiB request window) may come again, nothing stored may
    if (o.resumes) expect(seen.again).toBeLessThanOrEqual(10);
  } finally {
    await receiver.unlimit();
    await stopWatchingChunks(source);
  }
}

async function clickResumeOrDownload(ui: Ui, fx: Fixture): Promise<void> {
  const resume = `button[aria-label=${attr(`Resume ${fx.name}`)}]`;
  const offered = await ui.evaluate((sel) => document.querySelector(sel) !== null, resume);
  if (offered) await ui.click(resume);
  else await clickDownload(ui, fx);
}
