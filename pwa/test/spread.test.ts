// A file spreading while it moves, over in-memory channels: B downloads from A and serves the chunks it
// has verified (a real Download behind a real TransferServer); C downloads from A and B. Hostile partial
// sources claim chunks they do not send, or send junk, or send malformed have-maps.
import { describe, expect, it } from 'vitest';
import type { ControlMessage } from '../../worker/protocol/transfer.ts';
import { HAVE_ANNOUNCE_MS } from '../../worker/protocol/transfer.ts';
import { systemClock } from '../src/transfer/clock.ts';
import { decodeControl, encodeControl } from '../src/transfer/control.ts';
import { Download } from '../src/transfer/download.ts';
import { partialFileOf } from '../src/transfer/partialSource.ts';
import { SOURCE_DEADLINES } from '../src/transfer/scheduler.ts';
import { type ServedFile, TransferServer, type UploadInfo } from '../src/transfer/server.ts';
import { channelPair } from './memoryChannel.ts';
import { gatedSource } from './spreadKit.ts';
import {
  deps,
  digest,
  expectExact,
  FakeClock,
  honestServer,
  MemoryStore,
  network,
  ROOM,
  randomBytes,
  type Script,
  scripted,
  served,
  settle,
  specOf,
  ticks,
} from './transferKit.ts';

const CHUNK = 64 * 1024;

class ReadableStore extends MemoryStore {
  reads: number[] = [];
  async read(index: number, offset: number, length: number) {
    this.reads.push(index);
    const chunk = this.chunks.get(index);
    if (!chunk) throw new Error('not stored');
    return chunk.slice(offset, offset + length);
  }
}

/** B: downloads `file` from a gated A and serves what it verified (and, once done, the whole file). */
async function partialDevice(file: ServedFile, open: number, clock = systemClock) {
  const gate = gatedSource(file, open);
  const store = new ReadableStore();
  const d = new Download(specOf(file), ['a'], deps(network({ a: gate.script }).connect, clock, store));
  const uploads: UploadInfo[] = [];
  let finished: Blob | null = null;
  const done = d.start().then((blob) => {
    finished = blob;
    return blob;
  });
  const server = new TransferServer({
    clock,
    onUploadChange: (u) => uploads.push({ ...u }),
    authorize: (r) => {
      if (r.contentId !== file.contentId || r.roomId !== ROOM) return null;
      if (finished) {
        const { contentId, size, chunkSize, chunkHashes, name } = file;
        return { contentId, size, chunkSize, chunkHashes, name, blob: finished };
      }
      return partialFileOf(d, store);
    },
  });
  return { d, store, server, gate, uploads, done };
}

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 2000 && !check(); i++) await ticks(1);
  expect(check(), what).toBe(true);
}

describe('spreading while it moves', () => {
  it('C gets verified chunks from B while B is still downloading, and the rest from A', async () => {
    const bytes = randomBytes(32 * CHUNK + 7, 21);
    const file = await served(bytes, CHUNK);
    const b = await partialDevice(file, 12);
    await until(() => b.d.have.size === 12, 'B holds its first 12 chunks');

    const net = network({ a: honestServer(file), b: b.server });
    const c = new Download(specOf(file), ['a', 'b'], deps(net.connect, systemClock));
    expect(await digest(await c.start())).toBe(await digest(bytes));
    // B served only what it held, and A spent its upload on what B could not give (rarest first)
    expect(b.store.reads.length).toBeGreaterThan(0);
    expect(new Set(b.store.reads).size).toBeGreaterThanOrEqual(6);
    expect(b.store.reads.every((i) => i < 12)).toBe(true);
    expect(c.status().rejectedChunks).toBe(0);
    b.gate.release();
    expect(await digest(await b.done)).toBe(await digest(bytes));
  });

  it('C, with only B as a source, follows B as its have-map grows, then gets the rest once B is done', async () => {
    const bytes = randomBytes(24 * CHUNK, 22);
    const file = await served(bytes, CHUNK);
    const b = await partialDevice(file, 8);
    await until(() => b.d.have.size === 8, 'B holds 8 chunks');
    const net = network({ b: b.server });
    const c = new Download(specOf(file), ['b'], deps(net.connect, systemClock));
    const got = c.start();
    await until(() => c.status().progress.bytes === 8 * CHUNK, 'C got what B holds');
    expect(c.status().state).toBe('downloading');
    b.gate.release();
    // B finishes, its partial transfer ends with `timeout`, C asks again and gets the complete file
    expect(await digest(await got)).toBe(await digest(bytes));
    const fromB = b.uploads.filter((u) => !u.active);
    expect(fromB.length).toBeGreaterThanOrEqual(1);
  });

  it('announces new haves at a bounded rate, refuses chunks it does not hold, and never calls itself complete', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(40 * CHUNK, 23);
    const file = await served(bytes, CHUNK);
    const b = await partialDevice(file, 4, clock);
    const r = await settle(
      new Promise<void>((resolve) => {
        const look = () => (b.d.have.size >= 4 ? resolve() : setTimeout(look, 1));
        look();
      }),
      clock,
      { stepMs: 1 },
    );
    expect(r).toHaveProperty('ok', true);
    const [me, them] = channelPair('c', 'b', 256 * 1024, 'immediate');
    b.server.attach(them);
    const got: ControlMessage[] = [];
    me.onMessage((data) => {
      if (typeof data !== 'string') return;
      const m = decodeControl(data);
      if (m) got.push(m);
    });
    me.send(encodeControl({ t: 'open', id: 3, contentId: file.contentId, roomId: ROOM, v: 3 }));
    await ticks(50);
    expect(got[0]).toMatchObject({ t: 'manifest', partial: true, chunkCount: 40 });
    expect(got.filter((m) => m.t === 'have')).toEqual([{ t: 'have', id: 3, ranges: [0, 4] }]);

    // the other 36 chunks arrive at B within one announcement period: one `have` tells them all
    b.gate.release();
    await until(() => b.d.have.size === 40 || b.d.status().state !== 'downloading', 'B verified them');
    const before = got.filter((m) => m.t === 'have').length;
    clock.advance(HAVE_ANNOUNCE_MS);
    await ticks(20);
    const haves = got.filter((m) => m.t === 'have');
    expect(haves.length - before).toBeLessThanOrEqual(1);
    // B is done: the partial transfer ended (retryable), and nothing claimed it complete
    expect(got.some((m) => m.t === 'error' && m.code === 'timeout')).toBe(true);
    expect(got.filter((m) => m.t === 'manifest').every((m) => m.t === 'manifest' && m.partial)).toBe(true);
  });

  it('ends a transfer that asks a partial source for a chunk it does not hold', async () => {
    const bytes = randomBytes(16 * CHUNK, 24);
    const file = await served(bytes, CHUNK);
    const b = await partialDevice(file, 3);
    await until(() => b.d.have.size === 3, 'B holds 3 chunks');
    const [me, them] = channelPair('c', 'b', 256 * 1024, 'immediate');
    b.server.attach(them);
    const got: ControlMessage[] = [];
    me.onMessage((data) => {
      const m = typeof data === 'string' ? decodeControl(data) : null;
      if (m) got.push(m);
    });
    me.send(encodeControl({ t: 'open', id: 4, contentId: file.contentId, roomId: ROOM, v: 3 }));
    await ticks(30);
    me.send(encodeControl({ t: 'get', id: 4, chunks: [1, 9] }));
    await ticks(30);
    expect(got.at(-1)).toMatchObject({ t: 'error', code: 'bad_request' });
    expect(b.server.stats.badRequests).toBe(1);
    expect(b.store.reads).toEqual([]); // nothing was read, not even the chunk it holds
    b.gate.release();
    await b.done;
  });
});

describe('hostile partial sources', () => {
  /** Says it holds every chunk; `onGet` decides what it sends. */
  const claimer = (file: ServedFile, onGet: (s: Script, chunks: number[]) => void) =>
    scripted(file, (s, msg) => {
      if (msg.t === 'open') {
        s.sendManifest({ partial: true });
        s.sendHashes();
        s.sendRaw(encodeControl({ t: 'have', id: s.id, ranges: [0, file.chunkHashes.length / 32] }));
      } else if (msg.t === 'get') onGet(s, msg.chunks);
    });

  it('one that claims chunks and never sends them does not stall the download: A gets them', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(20 * CHUNK, 31);
    const file = await served(bytes, CHUNK);
    const net = network({ liar: claimer(file, () => {}), a: honestServer(file, clock) });
    const d = new Download(specOf(file), ['liar', 'a'], deps(net.connect, clock));
    // the liar's chunks are copied from A (end-game) long before any deadline
    const ms = await expectExact(d.start(), clock, bytes, { stepMs: 5 });
    expect(ms).toBeLessThan(SOURCE_DEADLINES.silenceMs);
  });

  it('one that claims chunks and never sends them is dropped at the silence deadline', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(20 * CHUNK, 34), CHUNK);
    const d = new Download(
      specOf(file),
      ['liar'],
      deps(network({ liar: claimer(file, () => {}) }).connect, clock),
    );
    const r = await settle(d.start(), clock, { stepMs: 50 });
    expect(r).toMatchObject({ ok: false });
    expect(d.status().timedOut).toBe(1);
    expect(r.ms).toBeGreaterThanOrEqual(SOURCE_DEADLINES.silenceMs);
    expect(r.ms).toBeLessThan(SOURCE_DEADLINES.silenceMs + 3000);
  });

  it('one that says it is partial and never says what it holds cannot keep the download waiting', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(4 * CHUNK, 35), CHUNK);
    const mute = scripted(file, (s, msg) => {
      if (msg.t !== 'open') return;
      s.sendManifest({ partial: true });
      s.sendHashes();
    });
    const d = new Download(specOf(file), ['mute'], deps(network({ mute }).connect, clock));
    const r = await settle(d.start(), clock, { stepMs: 1000 });
    expect(r).toMatchObject({ ok: false });
    expect(r.ms).toBeGreaterThanOrEqual(SOURCE_DEADLINES.uselessMs);
    expect(r.ms).toBeLessThan(SOURCE_DEADLINES.uselessMs + 5000);
    expect(d.status().error?.code).toBe('source_left');
  });

  it('one that sends junk for what it claims is banned; nothing of it is stored', async () => {
    const bytes = randomBytes(20 * CHUNK, 32);
    const file = await served(bytes, CHUNK);
    const junk = claimer(file, (s, chunks) => {
      for (const i of chunks) s.sendChunk(i, new Uint8Array(CHUNK).fill(7));
    });
    const store = new MemoryStore();
    const net = network({ junk, a: honestServer(file) });
    const d = new Download(specOf(file), ['junk', 'a'], deps(net.connect, systemClock, store));
    expect(await digest(await d.start())).toBe(await digest(bytes));
    expect(d.status().rejectedChunks).toBeGreaterThanOrEqual(3);
    expect(store.writes).toBe(20);
  });

  it('malformed have-maps are dropped without allocating anything, and the download still finishes', async () => {
    const bytes = randomBytes(8 * CHUNK, 33);
    const file = await served(bytes, CHUNK);
    const count = 8;
    const odd = scripted(file, (s, msg) => {
      if (msg.t === 'open') {
        s.sendManifest({ partial: true });
        s.sendHashes();
        s.sendRaw(encodeControl({ t: 'have', id: s.id, ranges: [0, count + 1] })); // beyond the manifest
        s.sendRaw(encodeControl({ t: 'have', id: s.id, ranges: [4, 6, 2, 3] })); // not ascending
        s.sendRaw(JSON.stringify({ t: 'have', id: s.id, ranges: Array.from({ length: 1000 }, (_, k) => k) }));
        s.sendRaw(encodeControl({ t: 'have', id: s.id, ranges: [0, 2] })); // a valid one
      } else if (msg.t === 'get') {
        for (const i of msg.chunks) s.sendChunk(i);
      }
    });
    const complete = scripted(file, (s, msg) => {
      if (msg.t === 'open') {
        s.sendManifest();
        s.sendHashes();
        s.sendRaw(encodeControl({ t: 'have', id: s.id, ranges: [0, 1] })); // a complete source has no map
      } else if (msg.t === 'get') for (const i of msg.chunks) s.sendChunk(i);
    });
    const net = network({ odd, complete });
    const d = new Download(specOf(file), ['odd', 'complete'], deps(net.connect, systemClock));
    expect(await digest(await d.start())).toBe(await digest(bytes));
    expect(d.status().dropped).toBeGreaterThanOrEqual(4);
  });
});
