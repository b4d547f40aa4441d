// Property-based abuse of the transfer protocol's parsers, both ends: generated control messages and
// binary frames (random, and near-valid with one field wrong) into a real Download beside an honest
// source, into a Download with only the hostile one, and into a real TransferServer. Never a throw or an
// unhandled rejection; the download ends with exact bytes or a clear failure; what is held stays within
// the window; the server's slots all come back. The count of inputs is printed.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { TRANSFER_ERROR_CODES, TRANSFER_LIMITS } from '../../worker/protocol/transfer.ts';
import type { ChannelData } from '../src/transfer/channel.ts';
import { decodeControl } from '../src/transfer/control.ts';
import { DOWNLOAD_WINDOW_BYTES } from '../src/transfer/download.ts';
import type { DownloadErrorCode } from '../src/transfer/downloadTypes.ts';
import { decodeFrame, encodeFrame, FrameKind } from '../src/transfer/frames.ts';
import type { ServedFile } from '../src/transfer/server.ts';
import { channelPair } from './memoryChannel.ts';
import {
  digest,
  FakeClock,
  honestScript,
  honestServer,
  network,
  newDownload,
  ROOM,
  randomBytes,
  type Script,
  scripted,
  served,
  settle,
  ticks,
} from './transferKit.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const counts = { download: 0, downloadRuns: 0, server: 0, serverRuns: 0 };

afterAll(() => {
  const total = counts.download + counts.server;
  console.log(
    `[fuzz] transfer protocol: ${total} generated inputs (downloader: ${counts.download} in ${counts.downloadRuns} ` +
      `runs; source: ${counts.server} in ${counts.serverRuns} runs)`,
  );
});

/** One thing a hostile peer can send. `id` picks the live transfer id or another one. */
type Move =
  | { k: 'text'; text: string }
  | { k: 'json'; value: unknown }
  | { k: 'control'; t: string; rightId: boolean; fields: Record<string, unknown> }
  | { k: 'bytes'; bytes: Uint8Array }
  | {
      k: 'frame';
      kind: number;
      rightId: boolean;
      index: number;
      offset: number;
      length: number;
      real: boolean;
    }
  | { k: 'honest' };

const smallInt = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.constantFrom(-1, 1023, 1024, 1025, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53, Number.NaN, 1.5),
);
const anyValue = fc.oneof(
  smallInt,
  fc.string({ maxLength: 30 }),
  fc.constant(null),
  fc.boolean(),
  fc.jsonValue({ maxDepth: 2 }),
);

const move: fc.Arbitrary<Move> = fc.oneof(
  fc.record({ k: fc.constant('text' as const), text: fc.string({ unit: 'binary', maxLength: 200 }) }),
  fc.record({ k: fc.constant('json' as const), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({
    k: fc.constant('control' as const),
    t: fc.constantFrom('open', 'manifest', 'have', 'coming', 'get', 'cancel', 'error', 'hack'),
    rightId: fc.boolean(),
    fields: fc.dictionary(
      fc.constantFrom(
        'contentId',
        'size',
        'chunkSize',
        'chunkCount',
        'chunks',
        'code',
        'message',
        'roomId',
        'v',
        'partial',
        'ranges',
        'x',
      ),
      fc.oneof(
        anyValue,
        fc.array(smallInt, { maxLength: 70 }),
        // ascending, so some pass the schema and reach the have-map and claim checks
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 20 }).map((r) => r.sort((a, b) => a - b)),
        fc.constantFrom(...TRANSFER_ERROR_CODES),
      ),
      { maxKeys: 4 },
    ),
  }),
  fc.record({ k: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({
    k: fc.constant('frame' as const),
    kind: fc.constantFrom(FrameKind.Piece, FrameKind.Hashes, 0, 3),
    rightId: fc.boolean(),
    index: smallInt.map((n) => (Number.isInteger(n) && n >= 0 ? n % 2 ** 32 : 0)),
    offset: fc.constantFrom(0, 1, 512, 1023, 1024, 4096),
    length: fc.constantFrom(0, 1, 32, 64, 1000, 1024, 2048),
    real: fc.boolean(),
  }),
  fc.constant({ k: 'honest' as const }),
);

/** Sends `m` from a scripted peer; real=true frames carry the file's actual bytes or hashes. */
function play(s: Script, m: Move, file: ServedFile, bytes: Uint8Array) {
  const id = s.id;
  switch (m.k) {
    case 'text':
      return s.sendRaw(m.text);
    case 'json':
      return s.sendRaw(JSON.stringify(m.value));
    case 'control':
      return s.sendRaw(JSON.stringify({ t: m.t, id: m.rightId ? id : id + 1, ...m.fields }));
    case 'bytes':
      return s.sendRaw(m.bytes.slice().buffer);
    case 'frame': {
      const source = m.kind === FrameKind.Hashes ? file.chunkHashes : bytes;
      const at = m.kind === FrameKind.Hashes ? m.index * 32 : m.index * file.chunkSize + m.offset;
      const payload = m.real ? source.subarray(at, at + m.length) : randomBytes(m.length, m.index + 7);
      const buf = encodeFrame(FrameKind.Piece, m.rightId ? id : id ^ 1, m.index, m.offset, payload);
      new Uint8Array(buf)[0] = m.kind;
      return s.sendRaw(buf);
    }
    case 'honest':
      return honestScript(s, { t: 'open', id, contentId: file.contentId, roomId: ROOM, v: 3 });
  }
}

const KNOWN_FAILURES: DownloadErrorCode[] = [
  'source_left',
  'verification_failed',
  'not_found',
  'busy',
  'version',
  'idle',
];

/** A source that answers `open` with `onOpen` and every `get` with `onGet` (one generated run). */
function fuzzer(file: ServedFile, bytes: Uint8Array, onOpen: Move[], onGet: Move[]) {
  counts.downloadRuns++;
  return scripted(file, (s, msg) => {
    const moves = msg.t === 'open' ? onOpen : msg.t === 'get' ? onGet : [];
    for (const m of moves) play(s, m, file, bytes);
    counts.download += moves.length;
  });
}

describe('fuzzing the transfer protocol', { timeout: 300_000 }, () => {
  it('hostile frames beside an honest source: the download still ends with exact bytes', async () => {
    const bytes = randomBytes(20 * 1024 + 5, 71);
    const file = await served(bytes, 1024);
    const expected = await digest(bytes);
    await fc.assert(
      fc.asyncProperty(
        fc.array(move, { minLength: 1, maxLength: 30 }),
        fc.array(move, { maxLength: 10 }),
        fc.boolean(),
        async (onOpen, onGet, hostileFirst) => {
          const clock = new FakeClock();
          const net = network({ fuzz: fuzzer(file, bytes, onOpen, onGet), good: honestServer(file, clock) });
          const d = newDownload(file, hostileFirst ? ['fuzz', 'good'] : ['good', 'fuzz'], net.connect, clock);
          const r = await settle(d.start(), clock, { stepMs: 50, maxMs: 120_000 });
          expect(r).toMatchObject({ ok: true });
          if ('value' in r) expect(await digest(r.value)).toBe(expected);
          expect(d.status().peakBuffered).toBeLessThanOrEqual(DOWNLOAD_WINDOW_BYTES);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('hostile frames with no honest source: the download ends, exact or with a clear failure', async () => {
    const bytes = randomBytes(6 * 1024 + 1, 72);
    const file = await served(bytes, 1024);
    const expected = await digest(bytes);
    await fc.assert(
      fc.asyncProperty(
        fc.array(move, { minLength: 1, maxLength: 30 }),
        fc.array(move, { maxLength: 10 }),
        async (onOpen, onGet) => {
          const clock = new FakeClock();
          const net = network({ fuzz: fuzzer(file, bytes, onOpen, onGet) });
          const d = newDownload(file, ['fuzz'], net.connect, clock);
          const r = await settle(d.start(), clock, { stepMs: 1000, maxMs: 300_000 });
          expect(r, 'the download ends').not.toHaveProperty('timeout');
          if ('value' in r) expect(await digest(r.value)).toBe(expected);
          else expect(KNOWN_FAILURES).toContain(d.status().error?.code);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('hostile downloaders against a real server: no throw, only valid answers, every slot returned', async () => {
    const file = await served(randomBytes(40 * 1024 + 3, 73), 1024);
    const count = Math.ceil(file.size / file.chunkSize);
    const opener = (id: number) => ({ k: 'open' as const, id });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            remote: fc.constantFrom('m1', 'm2', 'm3'),
            move: fc.oneof(
              move,
              fc.integer({ min: 1, max: 6 }).map(opener),
              fc.record({
                k: fc.constant('get'),
                id: fc.integer({ min: 1, max: 6 }),
                chunks: fc.array(fc.integer({ min: 0, max: count + 2 }), { minLength: 1, maxLength: 64 }),
              }),
            ),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        async (plan) => {
          counts.serverRuns++;
          const clock = new FakeClock();
          const server = honestServer(file, clock);
          const ends = new Map<string, ReturnType<typeof channelPair>[0]>();
          const opened = new Map<string, Set<number>>();
          const bad: string[] = [];
          const endOf = (remote: string) => {
            let me = ends.get(remote);
            if (me) return me;
            const [mine, theirs] = channelPair(remote, 'src', 256 * 1024, 'immediate');
            server.attach(theirs);
            me = mine;
            ends.set(remote, me);
            opened.set(remote, new Set());
            me.onMessage((data: ChannelData) => {
              if (typeof data === 'string') {
                const c = decodeControl(data);
                if (!c) bad.push(`unparseable control ${data.slice(0, 80)}`);
                else if (c.t === 'manifest') opened.get(remote)!.add(c.id);
              } else {
                const f = decodeFrame(data);
                if (!f) bad.push('unparseable frame');
                else if (!opened.get(remote)!.has(f.transfer))
                  bad.push(`frame for transfer ${f.transfer} never opened`);
              }
            });
            return me;
          };
          for (const { remote, move: m } of plan) {
            const me = endOf(remote);
            if (me.closed) continue;
            counts.server++;
            if ('k' in m && m.k === 'honest')
              me.send(JSON.stringify({ t: 'open', id: 1, contentId: file.contentId, roomId: ROOM, v: 3 }));
            else if ('k' in m && m.k === 'open')
              me.send(JSON.stringify({ t: 'open', id: m.id, contentId: file.contentId, roomId: ROOM, v: 3 }));
            else if ('k' in m && m.k === 'get')
              me.send(JSON.stringify({ t: 'get', id: m.id, chunks: m.chunks }));
            else {
              const s = { id: 1, sendRaw: (d: ChannelData) => me.send(d) } as unknown as Script;
              play(s, m as Move, file, new Uint8Array(file.size));
            }
            if (server.activeTransfers > TRANSFER_LIMITS.maxTransfers) bad.push('over the total limit');
          }
          await ticks(10);
          clock.advance(TRANSFER_LIMITS.transferIdleMs + 1);
          await ticks(10);
          for (const me of ends.values()) me.close();
          await ticks(5);
          expect(bad).toEqual([]);
          expect(server.activeTransfers).toBe(0);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});
