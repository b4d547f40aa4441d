// What the transfer tests share: seeded bytes, served files, an in-memory chunk store, a fake clock that
// runs deadlines in real milliseconds, honest sources (the real TransferServer) and scripted hostile
// ones speaking the protocol by hand over in-memory channels.
import { createCipheriv, createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { ControlMessage } from '../../worker/protocol/transfer.ts';
import type { Channel, ChannelData } from '../src/transfer/channel.ts';
import type { Clock } from '../src/transfer/clock.ts';
import { decodeControl, encodeControl } from '../src/transfer/control.ts';
import { Download, type DownloadDeps } from '../src/transfer/download.ts';
import type { DownloadSpec } from '../src/transfer/downloadTypes.ts';
import { encodeFrame, FrameKind } from '../src/transfer/frames.ts';
import { hashBlob, hashChunk, rootOf } from '../src/transfer/hashing.ts';
import { type ServedFile, type ServerOptions, TransferServer } from '../src/transfer/server.ts';
import type { ChunkStore } from '../src/transfer/store.ts';
import { channelPair } from './memoryChannel.ts';

export const ROOM = 'roomroomroomroomroomroomro';
export const OTHER_ROOM = 'otherotherotherotherothero';

/** Deterministic pseudo-random bytes (AES-CTR keystream of the seed): fast enough for 100+ MiB. */
export function randomBytes(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const key = createHash('sha256').update(`seed ${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const out = new Uint8Array(n);
  const block = 1 << 20;
  for (let at = 0; at < n; at += block) out.set(cipher.update(new Uint8Array(Math.min(block, n - at))), at);
  return out;
}

export class MemoryStore implements ChunkStore {
  chunks = new Map<number, Uint8Array>();
  writes = 0;
  discarded = false;
  async stored() {
    return [...this.chunks.keys()];
  }
  async write(index: number, bytes: Uint8Array) {
    this.writes++;
    this.chunks.set(index, bytes.slice());
  }
  async finish(type: string) {
    const keys = [...this.chunks.keys()].sort((a, b) => a - b);
    return new Blob(
      keys.map((k) => this.chunks.get(k)! as Uint8Array<ArrayBuffer>),
      { type },
    );
  }
  async discard() {
    this.discarded = true;
    this.chunks.clear();
  }
}

export async function served(bytes: Uint8Array<ArrayBuffer>, chunkSize?: number): Promise<ServedFile> {
  const blob = new Blob([bytes]);
  const h = await hashBlob(blob, chunkSize ? { chunkSize } : {});
  return { ...h, blob, name: 'test.bin' };
}

export function specOf(file: ServedFile, roomId = ROOM): DownloadSpec {
  return {
    contentId: file.contentId,
    roomId,
    size: file.size,
    chunkSize: file.chunkSize,
    name: file.name,
    type: 'application/octet-stream',
  };
}

/** SHA-256 of a blob or bytes: comparing digests keeps multi-MB assertions fast and their failures short. */
export async function digest(data: Blob | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data;
  return createHash('sha256').update(bytes).digest('hex');
}

/** A clock whose timers fire only when the test advances it. */
export class FakeClock implements Clock {
  t = 1_700_000_000_000;
  private readonly start = this.t;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  get elapsed(): number {
    return this.t - this.start;
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order (timers they set fire too, if due). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = end;
  }
}

// fake time moves at most `stepMs` per real millisecond: disk reads and hashing (thread pool) keep up
const realTick = () => new Promise<void>((r) => setTimeout(r, 1));
const immediate = () => new Promise<void>((r) => setImmediate(r));

/**
 * Runs `promise` to its end while fake time moves `stepMs` per real macrotask (so in-memory channels and
 * hashing make progress in between); gives up after `maxMs` of fake time.
 */
export async function settle<T>(
  promise: Promise<T>,
  clock: FakeClock,
  { stepMs = 10, maxMs = 10 * 60_000 } = {},
): Promise<
  | { ok: true; value: T; ms: number }
  | { ok: false; error: unknown; ms: number }
  | { timeout: true; ms: number }
> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | null = null;
  promise.then(
    (value) => {
      outcome = { ok: true, value };
    },
    (error: unknown) => {
      outcome = { ok: false, error };
    },
  );
  const from = clock.elapsed;
  while (!outcome && clock.elapsed - from < maxMs) {
    await realTick();
    clock.advance(stepMs);
  }
  const ms = clock.elapsed - from;
  return outcome ? ({ ...(outcome as object), ms } as never) : { timeout: true, ms };
}

/** Settles `download` and checks it produced exactly `bytes`; returns the fake time it took. */
export async function expectExact(
  download: Promise<Blob>,
  clock: FakeClock,
  bytes: Uint8Array<ArrayBuffer>,
  options: { stepMs?: number; maxMs?: number } = {},
): Promise<number> {
  const r = await settle(download, clock, options);
  expect(r, 'the download finishes').toMatchObject({ ok: true });
  if ('value' in r) expect(await digest(r.value)).toBe(await digest(bytes));
  return r.ms;
}

/** Real macrotasks (and no fake time): lets in-memory channels deliver. */
export async function ticks(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await immediate();
  await realTick();
}

/** A server that serves `file` to anyone in `ROOM` (the access rules are tested on their own). */
export function honestServer(
  file: ServedFile | null,
  clock?: Clock,
  extra: Partial<ServerOptions> = {},
): TransferServer {
  return new TransferServer({
    authorize: (r) => (file && file.contentId === r.contentId && r.roomId === ROOM ? file : null),
    ...(clock ? { clock } : {}),
    ...extra,
  });
}

export type Connect = (peerId: string) => Promise<Channel>;

/** Named sources, each either a real server or a script; connect() gives the downloader its channel end. */
export function network(sources: Record<string, TransferServer | ((remoteEnd: Channel) => void)>) {
  const channels: ReturnType<typeof channelPair>[] = [];
  const connect: Connect = async (peerId) => {
    const s = sources[peerId];
    if (!s) throw new Error('offline');
    const pair = channelPair('me', peerId, 256 * 1024, 'immediate');
    channels.push(pair);
    if (s instanceof TransferServer) s.attach(pair[1]);
    else s(pair[1]);
    return pair[0];
  };
  return { channels, connect };
}

export function deps(connect: Connect, clock: Clock, store: ChunkStore = new MemoryStore()): DownloadDeps {
  return { connect, store, hashChunk, rootOf, clock };
}

export function newDownload(
  file: ServedFile,
  sources: string[],
  connect: Connect,
  clock: Clock,
  store: ChunkStore = new MemoryStore(),
): Download {
  return new Download(specOf(file), sources, deps(connect, clock, store));
}

/** What a scripted source sees and can do on its end of the channel. */
export interface Script {
  channel: Channel;
  /** the transfer id of the downloader's `open` */
  id: number;
  file: ServedFile;
  sendManifest(overrides?: Partial<Extract<ControlMessage, { t: 'manifest' }>>): void;
  sendHashes(hashes?: Uint8Array): void;
  sendChunk(index: number, bytes?: Uint8Array, pieceSize?: number): void;
  sendRaw(data: ChannelData): void;
}

/**
 * A source that follows `behave` instead of the protocol: it gets the downloader's messages (the `open`
 * first) and decides what to send. Returned as a network entry.
 */
export function scripted(
  file: ServedFile,
  behave: (s: Script, msg: ControlMessage) => void,
): (remoteEnd: Channel) => void {
  return (channel) => {
    let id = 0;
    const chunkBytes = async (index: number) => {
      const start = index * file.chunkSize;
      return new Uint8Array(
        await file.blob!.slice(start, Math.min(file.size, start + file.chunkSize)).arrayBuffer(),
      );
    };
    const s: Script = {
      channel,
      get id() {
        return id;
      },
      file,
      sendManifest(overrides = {}) {
        s.sendRaw(
          encodeControl({
            t: 'manifest',
            id,
            contentId: file.contentId,
            size: file.size,
            chunkSize: file.chunkSize,
            chunkCount: file.chunkHashes.length / 32,
            partial: false,
            ...overrides,
          }),
        );
      },
      sendHashes(hashes = file.chunkHashes) {
        for (let first = 0; first * 32 < hashes.length; first += 2048) {
          s.sendRaw(
            encodeFrame(FrameKind.Hashes, id, first, 0, hashes.subarray(first * 32, (first + 2048) * 32)),
          );
        }
      },
      sendChunk(index, bytes, pieceSize = 64 * 1024) {
        const send = (b: Uint8Array) => {
          for (let off = 0; off < b.length; off += pieceSize)
            s.sendRaw(encodeFrame(FrameKind.Piece, id, index, off, b.subarray(off, off + pieceSize)));
        };
        if (bytes) send(bytes);
        else void chunkBytes(index).then(send);
      },
      sendRaw(data) {
        if (!channel.closed) channel.send(data);
      },
    };
    channel.onMessage((data) => {
      if (typeof data !== 'string') return;
      const msg = decodeControl(data);
      if (!msg) return;
      if (msg.t === 'open') id = msg.id;
      behave(s, msg);
    });
  };
}

/** The honest protocol, by hand: manifest and hashes on open, whole chunks on get. */
export function honestScript(s: Script, msg: ControlMessage): void {
  if (msg.t === 'open') {
    s.sendManifest();
    s.sendHashes();
  } else if (msg.t === 'get') {
    for (const i of msg.chunks) s.sendChunk(i);
  }
}

/**
 * A source that opens honestly (manifest and hashes) and then answers each `get` as `answer` says: the
 * misbehaving sources of the deadline and validation tests (silent when `answer` is left out).
 */
export function honestOpenThen(
  file: ServedFile,
  answer: (s: Script, get: Extract<ControlMessage, { t: 'get' }>) => void = () => {},
): (remoteEnd: Channel) => void {
  return scripted(file, (s, msg) => {
    if (msg.t === 'open') honestScript(s, msg);
    else if (msg.t === 'get') answer(s, msg);
  });
}
