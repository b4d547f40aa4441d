// Issue 10 item 7: nothing a peer (or a listing) says is acted on before it is checked: a manifest's
// numbers against the listed file before anything is allocated, a listing's sizes before the download
// allocates its bookkeeping, every piece against what was asked of that source.
import { describe, expect, it } from 'vitest';
import { Download } from '../src/transfer/download.ts';
import { encodeFrame, FrameKind } from '../src/transfer/frames.ts';
import {
  deps,
  expectExact,
  FakeClock,
  honestOpenThen,
  honestServer,
  network,
  newDownload,
  ROOM,
  randomBytes,
  scripted,
  served,
  settle,
} from './transferKit.ts';

const MiB = 1024 * 1024;
const arrayBuffers = () => process.memoryUsage().arrayBuffers;

describe('everything a peer sends is checked before it is acted on', { timeout: 30_000 }, () => {
  it('a manifest promising an enormous chunk count allocates nothing and fails cleanly', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(64 * 1024, 31), 1024);
    let before = 0;
    let after = 0;
    const net = network({
      huge: scripted(file, (s, msg) => {
        if (msg.t !== 'open') return;
        before = arrayBuffers();
        // 50 million hashes would be 1.6 GB to receive them into
        s.sendManifest({ chunkCount: 50_000_000 });
        setTimeout(() => {
          after = arrayBuffers();
        }, 5);
      }),
    });
    const d = newDownload(file, ['huge'], net.connect, clock);
    const r = await settle(d.start(), clock, { maxMs: 60_000, stepMs: 50 });
    expect(r).toMatchObject({ ok: false });
    expect(after - before).toBeLessThan(16 * MiB);
    expect(d.status().state).toBe('failed');
  });

  it.each([
    ['another chunk size', { chunkSize: 1024, chunkCount: 3072 }],
    ['a chunk count that is not ceil(size / chunkSize)', { chunkCount: 4 }],
    ['another size', { size: 3 * MiB + 1, chunkCount: 4 }],
    ['another content id', { contentId: 'ab'.repeat(32) }],
  ])('a manifest with %s is refused at once, before any hash is taken', async (_label, lie) => {
    const clock = new FakeClock();
    const file = await served(randomBytes(3 * MiB, 32));
    const net = network({
      // the manifest header only: a downloader that waited for the hashes before checking would wait
      liar: scripted(file, (s, msg) => {
        if (msg.t === 'open') s.sendManifest(lie);
      }),
    });
    const d = newDownload(file, ['liar'], net.connect, clock);
    const r = await settle(d.start(), clock, { maxMs: 30_000 });
    expect(r).toMatchObject({ ok: false });
    expect(r.ms).toBeLessThan(1000);
    expect(d.status().error?.code).toBe('verification_failed');
  });

  it('a listing with sizes no transfer can have fails in plain words, without allocating', () => {
    const clock = new FakeClock();
    const before = arrayBuffers();
    const spec = {
      contentId: 'ab'.repeat(32),
      roomId: ROOM,
      size: 2 ** 50,
      chunkSize: 1024,
      name: 'huge.bin',
      type: '',
    };
    let d: Download | undefined;
    expect(() => {
      d = new Download(
        spec,
        ['x'],
        deps(() => Promise.reject(new Error('offline')), clock),
      );
    }).not.toThrow();
    expect(arrayBuffers() - before).toBeLessThan(16 * MiB);
    return d!.start().then(
      () => expect.unreachable('it cannot download'),
      () => expect(d!.status().error?.code).toBe('unsupported'),
    );
  });

  it('pieces nobody asked for, out of place or too long are dropped unkept, and the source goes after a few', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(2 * MiB, 34);
    const file = await served(bytes);
    let junk = 0;
    const net = network({
      sprayer: honestOpenThen(file, (s, get) => {
        const first = get.chunks[0]!;
        const big = new Uint8Array(64 * 1024);
        for (let i = 0; i < 200; i++) {
          junk++;
          // unasked chunk, wrong offset, past the end: each one a full-size frame
          const [index, offset] = [
            [first + 1000, 0],
            [first, 4096],
            [first, file.chunkSize],
          ][i % 3]!;
          s.sendRaw(encodeFrame(FrameKind.Piece, s.id, index!, offset!, big));
        }
      }),
      good: honestServer(file, clock),
    });
    const d = newDownload(file, ['sprayer', 'good'], net.connect, clock);
    await expectExact(d.start(), clock, bytes, { maxMs: 60_000 });
    expect(junk).toBeGreaterThanOrEqual(200); // 200 per `get` (one, or two while 'good' connects)
    expect(d.status().dropped).toBeGreaterThan(0);
    // nothing held beyond what was asked of the sources (a window), whatever was sprayed
    expect(d.status().peakBuffered).toBeLessThanOrEqual(24 * MiB);
  });
});
