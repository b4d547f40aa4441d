// One source link on its own: pieces are assembled as they arrive, only where the chunk stands, only for
// chunks asked of this source; a chunk done elsewhere is let through unkept.
import { describe, expect, it } from 'vitest';
import { SERVED_PROTOCOL_VERSIONS, TRANSFER_PROTOCOL_VERSION } from '../../worker/protocol/transfer.ts';
import type { Channel } from '../src/transfer/channel.ts';
import { encodeControl } from '../src/transfer/control.ts';
import { DownloadError } from '../src/transfer/downloadTypes.ts';
import { encodeFrame, FrameKind } from '../src/transfer/frames.ts';
import { COMING_BURST, MANIFEST_MS, MAX_PROTOCOL_ERRORS, SourceLink } from '../src/transfer/sourceLink.ts';
import { channelPair } from './memoryChannel.ts';
import {
  FakeClock,
  honestScript,
  randomBytes,
  type Script,
  scripted,
  served,
  specOf,
  ticks,
} from './transferKit.ts';

async function linked(size = 10_000, chunkSize = 4096) {
  const file = await served(randomBytes(size, 61), chunkSize);
  const clock = new FakeClock();
  const chunks: [number, number[]][] = [];
  const pieces: number[] = [];
  const link = new SourceLink('src', specOf(file), clock, {
    onPiece: (i) => pieces.push(i),
    onChunk: (i, bytes) => chunks.push([i, [...bytes.subarray(0, 4)]]),
  });
  const [mine, theirs] = channelPair('me', 'src', 256 * 1024, 'immediate');
  let script!: Script;
  scripted(file, (s, msg) => {
    script = s;
    honestScript(s, msg);
  })(theirs);
  const manifest = link.open(mine, 5);
  await ticks();
  await manifest;
  const lengthOf = (i: number) => Math.min(chunkSize, size - i * chunkSize);
  return { file, link, chunks, pieces, script, lengthOf };
}

const frame = (s: Script, index: number, offset: number, bytes: number[] | Uint8Array) =>
  s.sendRaw(encodeFrame(FrameKind.Piece, s.id, index, offset, Uint8Array.from(bytes)));

describe('SourceLink', () => {
  it('assembles in-order pieces of an asked-for chunk and hands over whole chunks', async () => {
    const { link, chunks, pieces, script, lengthOf } = await linked();
    link.request([2], lengthOf);
    await ticks();
    // the source answers the get itself (honest); chunk 2 is the 1808-byte tail
    expect(chunks.map(([i]) => i)).toEqual([2]);
    expect(pieces.length).toBeGreaterThan(0);
    expect(link.bufferedBytes()).toBe(0);
    // a piece for a chunk never asked of this source, a gap and an overflow are each refused and counted
    link.request([0], lengthOf);
    frame(script, 1, 0, [1, 2, 3]);
    await ticks();
    const before = link.dropped;
    frame(script, 0, 100, [1]);
    frame(script, 0, 4095, [1, 2]);
    await ticks();
    expect(link.dropped - before).toBe(2);
  });

  it('a chunk no longer wanted is let through without being kept', async () => {
    const { link, chunks, script, lengthOf } = await linked(8192, 4096);
    // the script answers gets honestly; forget 0 before its pieces arrive
    link.request([0], lengthOf);
    link.forget(0);
    await ticks();
    expect(chunks).toEqual([]);
    expect(link.dropped).toBe(0);
    expect(link.bufferedBytes()).toBe(0);
    frame(script, 0, 0, [1]); // the whole chunk already arrived: nothing more is expected
    await ticks();
    expect(link.dropped).toBe(1);
  });

  it('too many malformed frames end the link', async () => {
    const { link, script } = await linked();
    let ended: DownloadError | null = null;
    link.onEnd((e) => {
      ended = e;
    });
    for (let i = 0; i <= MAX_PROTOCOL_ERRORS; i++) script.sendRaw(new ArrayBuffer(3));
    await ticks();
    expect(ended).toBeInstanceOf(DownloadError);
    expect(ended!.code).toBe('verification_failed');
  });

  it('a source that never sends its manifest is given up on after MANIFEST_MS of the clock it was given', async () => {
    const file = await served(randomBytes(10_000, 62), 4096);
    const clock = new FakeClock();
    const link = new SourceLink('src', specOf(file), clock, { onPiece: () => {}, onChunk: () => {} });
    const [mine] = channelPair('me', 'src', 256 * 1024, 'immediate'); // nobody answers on the other end
    const manifest = link.open(mine, 7);
    manifest.catch(() => undefined);
    clock.advance(MANIFEST_MS - 1);
    await ticks();
    expect(link.failure).toBeNull();
    clock.advance(1);
    await expect(manifest).rejects.toMatchObject({ code: 'source_left', message: 'no manifest' });
    expect(mine.closed).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('a source one version behind is asked again in the oldest version spoken, once, and serves', async () => {
    const file = await served(randomBytes(10_000, 63), 4096);
    const opens: number[] = [];
    // an app not updated yet: it answers any other version's `open` with `version`, as its server does
    const behind = (oldest: number) =>
      scripted(file, (s, msg) => {
        if (msg.t === 'open') opens.push(msg.v);
        if (msg.t === 'open' && msg.v !== oldest) {
          return s.sendRaw(
            encodeControl({ t: 'error', id: msg.id, code: 'version', message: 'Another protocol version.' }),
          );
        }
        honestScript(s, msg);
      });
    const open = async (source: (end: Channel) => void) => {
      const link = new SourceLink('src', specOf(file), new FakeClock(), {
        onPiece: () => {},
        onChunk: () => {},
      });
      const [mine, theirs] = channelPair('me', 'src', 256 * 1024, 'immediate');
      source(theirs);
      const manifest = link.open(mine, 9);
      manifest.catch(() => undefined);
      await ticks();
      return manifest;
    };
    const oldest = SERVED_PROTOCOL_VERSIONS[0];
    await expect(open(behind(oldest))).resolves.toMatchObject({ size: 10_000 });
    expect(opens).toEqual([TRANSFER_PROTOCOL_VERSION, oldest]);
    // a source that refuses every version we speak: told once more, then "update the app", no loop
    opens.length = 0;
    await expect(open(behind(-1))).rejects.toMatchObject({ code: 'version' });
    expect(opens).toEqual([TRANSFER_PROTOCOL_VERSION, oldest]);
  });

  it('a flood of `coming`: the same claim again changes nothing, and past the pace the link ends', async () => {
    const file = await served(randomBytes(10_000, 64), 4096);
    let rescheduled = 0;
    const link = new SourceLink('src', specOf(file), new FakeClock(), {
      onPiece: () => {},
      onChunk: () => {},
      onHave: () => rescheduled++,
    });
    const [mine, theirs] = channelPair('me', 'src', 256 * 1024, 'immediate');
    let script!: Script;
    scripted(file, (s, msg) => {
      script = s;
      if (msg.t === 'open') {
        s.sendManifest({ partial: true });
        s.sendHashes();
      }
    })(theirs);
    const manifest = link.open(mine, 11);
    await ticks();
    await manifest;
    const coming = (ranges: number[]) =>
      script.sendRaw(encodeControl({ t: 'coming', id: script.id, ranges }));
    for (let k = 0; k < 10; k++) coming([0, 1]);
    await ticks();
    expect(rescheduled).toBe(1);
    // the clock stands still: a burst's worth is taken, the rest are errors until the link ends
    for (let k = 0; k < 200; k++) coming(k % 2 ? [0, 1] : [1, 2]);
    await ticks();
    expect(rescheduled).toBeLessThanOrEqual(COMING_BURST);
    expect(link.failure).not.toBeNull();
  });
});
