// Issue 11: progress reaches React at most a few times a second. Each event re-renders the downloads
// list; at 10 per second that rendering (and painting) took CPU the transport lacked on a 2-core machine.
import { describe, expect, it } from 'vitest';
import type { DownloadStatus } from '../src/transfer/download.ts';
import { PROGRESS_EMIT_MS } from '../src/transfer/progress.ts';
import {
  expectExact,
  FakeClock,
  honestServer,
  network,
  newDownload,
  randomBytes,
  served,
} from './transferKit.ts';

describe('progress events', () => {
  it('come at most 4 times a second while nothing but progress changes', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(3 * 1024 * 1024 + 9, 77);
    const file = await served(bytes, 4096);
    const net = network({ src: honestServer(file, clock) });
    const d = newDownload(file, ['src'], net.connect, clock);
    const seen: { t: number; s: DownloadStatus }[] = [];
    d.onChange((s) => seen.push({ t: clock.now(), s }));
    const ms = await expectExact(d.start(), clock, bytes, { stepMs: 25 });
    // events that carry nothing but progress (a state change goes out at once)
    const progressOnly = seen.filter(
      (e, i) => i > 0 && e.s.state === 'downloading' && seen[i - 1]!.s.state === 'downloading',
    );
    expect(ms, 'the download lasts long enough to tell the rate').toBeGreaterThan(2000);
    expect(progressOnly.length).toBeGreaterThan(2);
    const gaps = progressOnly.map((e) => e.t - seen[seen.indexOf(e) - 1]!.t);
    expect(Math.min(...gaps), `gaps between progress events (ms): ${gaps}`).toBeGreaterThanOrEqual(250);
    expect(PROGRESS_EMIT_MS).toBeGreaterThanOrEqual(250);
  });
});
