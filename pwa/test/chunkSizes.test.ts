// Issue 10 item 8: every chunk size the tracker accepts (1 KiB to 64 MiB) downloads, with requests inside
// the protocol's limits and memory bounded by a window in bytes, not in chunks.
import { describe, expect, it } from 'vitest';
import { MAX_CHUNKS_PER_REQUEST, TRANSFER_LIMITS } from '../../worker/protocol/transfer.ts';
import type { ChannelData } from '../src/transfer/channel.ts';
import { decodeControl } from '../src/transfer/control.ts';
import { DOWNLOAD_WINDOW_BYTES } from '../src/transfer/download.ts';
import { decodeFrame, FrameKind } from '../src/transfer/frames.ts';
import {
  type Connect,
  expectExact,
  FakeClock,
  honestServer,
  network,
  newDownload,
  randomBytes,
  served,
} from './transferKit.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Watches every channel: the largest get, and the most chunk bytes asked for and not yet delivered. */
function watched(connect: Connect, lengthOf: (i: number) => number) {
  const stats = { largestGet: 0, peakOwed: 0, gets: 0 };
  let owed = 0;
  const wrapped: Connect = async (peerId) => {
    const ch = await connect(peerId);
    const remaining = new Map<number, number>();
    const pairEnd = ch as unknown as { peer?: { onMessage(h: (d: ChannelData) => void): void } };
    // requests: what the downloader sends (seen at the far end)
    pairEnd.peer?.onMessage((d) => {
      if (typeof d !== 'string') return;
      const m = decodeControl(d);
      if (m?.t !== 'get') return;
      stats.gets++;
      stats.largestGet = Math.max(stats.largestGet, m.chunks.length);
      for (const i of m.chunks) {
        remaining.set(i, (remaining.get(i) ?? 0) + lengthOf(i));
        owed += lengthOf(i);
      }
      stats.peakOwed = Math.max(stats.peakOwed, owed);
    });
    ch.onMessage((d) => {
      if (typeof d === 'string') return;
      const f = decodeFrame(d);
      if (f?.kind !== FrameKind.Piece || !remaining.has(f.index)) return;
      remaining.set(f.index, remaining.get(f.index)! - f.payload.length);
      owed -= f.payload.length;
    });
    return ch;
  };
  return { connect: wrapped, stats };
}

describe('every allowed chunk size downloads, within the request limits and a byte window', {
  timeout: 60_000,
}, () => {
  it.each([
    ['1 KiB', KiB, 300 * KiB + 7],
    ['4 KiB', 4 * KiB, MiB + 3],
    ['64 KiB', 64 * KiB, 3 * MiB + 1],
    ['1 MiB', MiB, 5 * MiB + 5],
    ['16 MiB', 16 * MiB, 33 * MiB],
    ['64 MiB', 64 * MiB, 64 * MiB + 1],
  ])('%s chunks', async (_label, chunkSize, size) => {
    const clock = new FakeClock();
    const bytes = randomBytes(size, chunkSize + 1);
    const file = await served(bytes, chunkSize);
    expect(file.chunkSize).toBe(chunkSize);
    const net = network({ a: honestServer(file, clock), b: honestServer(file, clock) });
    const lengthOf = (i: number) => Math.min(chunkSize, size - i * chunkSize);
    const w = watched(net.connect, lengthOf);
    const d = newDownload(file, ['a', 'b'], w.connect, clock);
    await expectExact(d.start(), clock, bytes, { maxMs: 120_000, stepMs: 5 });
    expect(w.stats.largestGet).toBeLessThanOrEqual(MAX_CHUNKS_PER_REQUEST);
    // requested-but-undelivered bytes, all sources together: a byte window (or one chunk, when bigger)
    const window = Math.max(DOWNLOAD_WINDOW_BYTES, chunkSize);
    expect(w.stats.peakOwed).toBeLessThanOrEqual(window);
    expect(d.status().peakBuffered).toBeLessThanOrEqual(window);
    // and never more chunks in flight at one source than it keeps queued
    expect(TRANSFER_LIMITS.maxChunksInFlight).toBeLessThanOrEqual(TRANSFER_LIMITS.maxQueuedChunks);
  });
});
