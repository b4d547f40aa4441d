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
    const bytes = randomBytes(6 * 1024 * 1024 + 9, 77);
    const file = await served(bytes, 4096);
    const net = network({ src: honestServer(file, clock) });
    const d = newDownload(file, ['src'], net.connect, clock);
    const seen: { t: number; s: DownloadStatus }[] = [];
    d.onChange((s) => seen.push({ t: clock.now(), s }));
    const ms = await expectExact(d.start(), clock, bytes, { stepMs: 25 });
    // events that carry nothing but progress (a state change and the first bytes go out at once)
    const progressOnly = seen.filter(
      (e, i) =>
        i > 0 &&
        e.s.state === 'downloading' &&
        seen[i - 1]!.s.state === 'downloading' &&
        seen[i - 1]!.s.progress.bytes > 0,
    );
    expect(ms, 'the download lasts long enough to tell the rate').toBeGreaterThan(1000);
    expect(progressOnly.length).toBeGreaterThan(2);
    const gaps = progressOnly.map((e) => e.t - seen[seen.indexOf(e) - 1]!.t);
    expect(Math.min(...gaps), `gaps between progress events (ms): ${gaps}`).toBeGreaterThanOrEqual(250);
    expect(PROGRESS_EMIT_MS).toBeGreaterThanOrEqual(250);
    // the first verified chunk is shown at once (time to first byte is what a person waits for)
    const started = seen.find((e) => e.s.state === 'downloading')!;
    const firstBytes = seen.find((e) => e.s.progress.bytes > 0)!;
    expect(firstBytes.t - started.t).toBeLessThan(PROGRESS_EMIT_MS);
  });
});
