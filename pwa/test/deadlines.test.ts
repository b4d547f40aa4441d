// Issue 10 item 5: a slow or lying source must not stall a download. Scripted sources over in-memory
// channels, time from a fake clock: a trickle, junk, silence and a late source, each beside (or without)
// an honest one.
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameKind } from '../src/transfer/frames.ts';
import { SOURCE_DEADLINES } from '../src/transfer/scheduler.ts';
import {
  expectExact,
  FakeClock,
  honestOpenThen,
  honestServer,
  network,
  newDownload,
  randomBytes,
  type Script,
  scripted,
  served,
  settle,
} from './transferKit.ts';

const MiB = 1024 * 1024;

/** Every `ms` of fake time, `fn` runs until it returns false. */
function repeat(clock: FakeClock, ms: number, fn: () => boolean) {
  const tick = () => {
    if (fn()) clock.setTimeout(tick, ms);
  };
  clock.setTimeout(tick, ms);
}

describe('a slow or lying source does not stall a download', { timeout: 30_000 }, () => {
  it('a source that answers every request with a trickle of junk does not hold chunks: the honest one finishes', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(6 * MiB + 77, 21);
    const file = await served(bytes);
    let junkSent = 0;
    const net = network({
      // manifest honestly, then never a chunk: a junk frame every half second keeps "some frame" arriving
      trickle: scripted(file, (s: Script, msg) => {
        if (msg.t === 'open') {
          s.sendManifest();
          s.sendHashes();
        }
        if (msg.t === 'get') {
          const junk = () => {
            s.sendRaw(encodeFrame(FrameKind.Piece, s.id, 999_999, 0, new Uint8Array(100)));
            junkSent++;
            return !s.channel.closed;
          };
          junk();
          repeat(clock, 500, junk);
        }
      }),
      good: honestServer(file, clock),
    });
    const d = newDownload(file, ['trickle', 'good'], net.connect, clock);
    await expectExact(d.start(), clock, bytes, { maxMs: 120_000 });
    expect(junkSent).toBeGreaterThan(0);
  });

  it('the last chunks are also asked of a second source (end-game); the first verified copy wins', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(4 * MiB, 22);
    const file = await served(bytes);
    // an honest but slow source: each chunk 8 s after it was asked for (inside its deadline)
    const net = network({
      slow: honestOpenThen(file, (s, get) => {
        for (const i of get.chunks) clock.setTimeout(() => s.sendChunk(i), 8000);
      }),
      fast: honestServer(file, clock),
    });
    const d = newDownload(file, ['slow', 'fast'], net.connect, clock);
    const ms = await expectExact(d.start(), clock, bytes, { maxMs: 60_000 });
    // done by the fast copies, long before the slow source would have delivered its first chunk
    expect(ms).toBeLessThan(8000);
  });

  it('drops a source that trickles valid bytes too slowly to deliver a verified chunk in time', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(2 * MiB, 23);
    const file = await served(bytes);
    let fed = 0;
    const net = network({
      // real bytes of the asked-for chunk, 1 KiB every half second (2 KiB/s): alive, never done
      trickle: honestOpenThen(file, (s, get) => {
        const first = get.chunks[0]!;
        repeat(clock, 500, () => {
          const piece = bytes.subarray(first * file.chunkSize + fed, first * file.chunkSize + fed + 1024);
          s.sendRaw(encodeFrame(FrameKind.Piece, s.id, first, fed, piece));
          fed += 1024;
          return !s.channel.closed && fed < file.chunkSize - 1024;
        });
      }),
    });
    const d = newDownload(file, ['trickle'], net.connect, clock);
    const r = await settle(d.start(), clock, { maxMs: 120_000, stepMs: 50 });
    expect(r, 'the download ends').not.toHaveProperty('timeout');
    expect(r).toMatchObject({ ok: false });
    expect(d.status()).toMatchObject({ state: 'failed', timedOut: 1, error: { code: 'source_left' } });
    const allowed = SOURCE_DEADLINES.progressGraceMs + (MiB * 1000) / SOURCE_DEADLINES.minRate;
    expect(r.ms).toBeGreaterThanOrEqual(allowed);
    expect(r.ms).toBeLessThan(allowed + 3000);
  });

  it('drops a source that goes silent after its manifest, within the silence deadline', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(3 * MiB, 24));
    const net = network({
      silent: honestOpenThen(file),
    });
    const d = newDownload(file, ['silent'], net.connect, clock);
    const r = await settle(d.start(), clock, { maxMs: 60_000, stepMs: 50 });
    expect(r).toMatchObject({ ok: false });
    expect(d.status()).toMatchObject({ state: 'failed', timedOut: 1 });
    expect(r.ms).toBeLessThan(SOURCE_DEADLINES.silenceMs + 2000);
  });

  it('a silent source beside an honest one: the download finishes and the silent one is dropped', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(5 * MiB + 3, 25);
    const file = await served(bytes);
    const net = network({
      silent: honestOpenThen(file),
      good: honestServer(file, clock),
    });
    const d = newDownload(file, ['silent', 'good'], net.connect, clock);
    await expectExact(d.start(), clock, bytes, { maxMs: 60_000 });
  });

  it('a source sending junk instead of chunks is dropped after a few and the rest comes from the honest one', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(3 * MiB, 26);
    const file = await served(bytes);
    let junkChunks = 0;
    const net = network({
      liar: honestOpenThen(file, (s, get) => {
        for (const i of get.chunks) {
          junkChunks++;
          s.sendChunk(i, randomBytes(Math.min(file.chunkSize, file.size - i * file.chunkSize), i + 100));
        }
      }),
      good: honestServer(file, clock),
    });
    const d = newDownload(file, ['liar', 'good'], net.connect, clock);
    await expectExact(d.start(), clock, bytes, { maxMs: 60_000 });
    expect(junkChunks).toBeGreaterThan(0);
    expect(d.status().rejectedChunks).toBeGreaterThan(0);
  });
});
