// The transfer engine end to end over in-memory channels: real framing, hashing, scheduling and flow
// control; only the network and the disk are simulated.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chooseChunkSize } from '../../worker/protocol/content.ts';
import { Download, type DownloadDeps } from '../src/transfer/download.ts';
import { HIGH_WATER } from '../src/transfer/flow.ts';
import { hashBlob, hashChunk, rootOf } from '../src/transfer/hashing.ts';
import { type ServedFile, TransferServer } from '../src/transfer/server.ts';
import type { ChunkStore } from '../src/transfer/store.ts';
import { channelPair } from './memoryChannel.ts';

function randomBytes(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

class MemoryStore implements ChunkStore {
  chunks = new Map<number, Uint8Array>();
  writes = 0;
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
    this.chunks.clear();
  }
}

async function served(bytes: Uint8Array<ArrayBuffer>, chunkSize?: number): Promise<ServedFile> {
  const blob = new Blob([bytes]);
  const h = await hashBlob(blob, chunkSize ? { chunkSize } : {});
  return { ...h, blob, name: 'test.bin' };
}

/** A network of named sources, each with its own server; connect() gives the downloader a channel. */
function network(sources: Record<string, { file: ServedFile | null; tamper?: ServedFileTamper }>) {
  const servers: Record<string, TransferServer> = {};
  const channels: ReturnType<typeof channelPair>[] = [];
  for (const [name, s] of Object.entries(sources)) {
    servers[name] = new TransferServer({
      lookup: (id) => (s.file && s.file.contentId === id ? s.file : null),
      ...(s.tamper ? { tamper: s.tamper } : {}),
    });
  }
  const connect = async (peerId: string) => {
    const server = servers[peerId];
    if (!server) throw new Error('offline');
    const pair = channelPair('me', peerId);
    channels.push(pair);
    server.attach(pair[1]);
    return pair[0];
  };
  return { servers, channels, connect };
}
type ServedFileTamper = (contentId: string, index: number, bytes: Uint8Array) => Uint8Array;

function deps(
  connect: DownloadDeps['connect'],
  store = new MemoryStore(),
): DownloadDeps & { store: MemoryStore } {
  return { connect, store, hashChunk, rootOf, now: () => Date.now() };
}

/** SHA-256 of a blob or bytes: comparing digests keeps multi-MB assertions fast and their failures short. */
async function digest(data: Blob | Uint8Array<ArrayBuffer>) {
  const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data;
  return createHash('sha256').update(bytes).digest('hex');
}

describe('transfer engine', () => {
  it.each([
    ['0 bytes', 0],
    ['1 byte', 1],
    ['exactly one chunk', 1024 * 1024],
    ['one chunk + 1 byte', 1024 * 1024 + 1],
    ['about 5 MiB', 5 * 1024 * 1024 + 12345],
  ])('downloads %s exactly', async (_label, n) => {
    const bytes = randomBytes(n, n + 1);
    const file = await served(bytes);
    const net = network({ a: { file } });
    const d = new Download({ ...file, type: 'application/octet-stream' }, ['a'], deps(net.connect));
    const blob = await d.start();
    expect(await digest(blob)).toBe(await digest(bytes));
    expect(d.status()).toMatchObject({ state: 'done', rejectedChunks: 0, progress: { fraction: 1 } });
  });

  it('keeps the sender within its water marks', async () => {
    const bytes = randomBytes(12 * 1024 * 1024, 3);
    const file = await served(bytes);
    const net = network({ a: { file } });
    await new Download({ ...file, type: '' }, ['a'], deps(net.connect)).start();
    const senderSide = net.channels[0]![1];
    expect(senderSide.sent).toBeGreaterThan(bytes.length);
    expect(senderSide.peakBuffered).toBeLessThanOrEqual(HIGH_WATER + 64 * 1024 + 16);
  });

  it('rejects a chunk with a flipped bit, asks again, and ends with exact bytes', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 5, 9);
    const file = await served(bytes);
    let flipped = 0;
    const tamper: ServedFileTamper = (_id, index, chunk) => {
      if (index !== 1 || flipped > 0) return chunk;
      flipped++;
      const copy = chunk.slice();
      copy[1234]! ^= 0x10;
      return copy;
    };
    const net = network({ evil: { file, tamper } });
    const store = new MemoryStore();
    const d = new Download({ ...file, type: '' }, ['evil'], deps(net.connect, store));
    expect(await digest(await d.start())).toBe(await digest(bytes));
    expect(flipped).toBe(1);
    expect(d.status().rejectedChunks).toBe(1);
    // the bad chunk never reached storage: one write per chunk
    expect(store.writes).toBe(4);
  });

  it('drops a source that keeps lying and finishes from an honest one', async () => {
    const bytes = randomBytes(4 * 1024 * 1024, 5);
    const file = await served(bytes);
    const liar: ServedFileTamper = (_id, _i, chunk) => chunk.map((b) => b ^ 1);
    const net = network({ evil: { file, tamper: liar }, good: { file } });
    const d = new Download({ ...file, type: '' }, ['evil'], deps(net.connect));
    const result = d.start();
    setTimeout(() => d.addSource('good'), 5);
    expect(await digest(await result)).toBe(await digest(bytes));
    expect(d.status().rejectedChunks).toBeGreaterThanOrEqual(3);
  });

  it('refuses a manifest that does not hash to the content id', async () => {
    const bytes = randomBytes(2 * 1024 * 1024, 6);
    const real = await served(bytes);
    const other = await served(randomBytes(2 * 1024 * 1024, 7));
    // a source that answers for the real id with another file's hashes
    const net = network({ a: { file: { ...other, contentId: real.contentId } } });
    const d = new Download({ ...real, type: '' }, ['a'], deps(net.connect));
    await expect(d.start()).rejects.toThrow();
    expect(d.status().error?.code).toBe('verification_failed');
  });

  it('switches to another source when one leaves mid-way', async () => {
    const bytes = randomBytes(6 * 1024 * 1024, 8);
    const file = await served(bytes);
    const net = network({ a: { file }, b: { file } });
    const d = new Download({ ...file, type: '' }, ['a'], deps(net.connect));
    const result = d.start();
    // close a's channel once some data has arrived, then offer b
    const stop = d.onChange((s) => {
      if (s.progress.bytes > 0) {
        stop();
        net.channels[0]![1].close();
        d.addSource('b');
      }
    });
    expect(await digest(await result)).toBe(await digest(bytes));
  });

  it('stays done when a slow source answers after the last chunk arrived', async () => {
    const bytes = randomBytes(2 * 1024 * 1024, 11);
    const file = await served(bytes);
    const net = network({ fast: { file }, late: { file } });
    let finished: () => void = () => {};
    const done = new Promise<void>((r) => {
      finished = r;
    });
    let lateConnected = false;
    const connect = async (peerId: string) => {
      if (peerId === 'late') {
        await done; // answers only once the download is complete
        lateConnected = true;
      }
      return net.connect(peerId);
    };
    const d = new Download({ ...file, type: '' }, ['fast', 'late'], deps(connect));
    const blob = await d.start();
    finished();
    await new Promise((r) => setTimeout(r, 100));
    expect(lateConnected).toBe(true);
    expect(d.status().state).toBe('done');
    expect(await digest(blob)).toBe(await digest(bytes));
  });

  it('pulls from several sources at once', async () => {
    const bytes = randomBytes(10 * 1024 * 1024, 10);
    const file = await served(bytes);
    const net = network({ a: { file }, b: { file } });
    const d = new Download({ ...file, type: '' }, ['a', 'b'], deps(net.connect));
    expect(await digest(await d.start())).toBe(await digest(bytes));
    const [first, second] = net.channels;
    // both sources sent real chunk data, not just a manifest
    expect(first![1].sent).toBeGreaterThan(1024 * 1024);
    expect(second![1].sent).toBeGreaterThan(1024 * 1024);
  });

  it('fails in plain words when nobody has the file', async () => {
    const file = await served(randomBytes(2048, 2), 1024);
    const net = network({ a: { file: null } });
    const d = new Download({ ...file, type: '' }, ['a'], deps(net.connect));
    await expect(d.start()).rejects.toThrow();
    expect(d.status().error).toEqual({
      code: 'not_found',
      message: 'The device no longer shares this file.',
    });
    const nobody = new Download({ ...file, type: '' }, [], deps(net.connect));
    await expect(nobody.start()).rejects.toThrow();
    expect(nobody.status().error?.code).toBe('no_source');
  });

  it('server drops malformed messages and answers unknown chunks with bad_request', async () => {
    const file = await served(randomBytes(4096, 4), 1024);
    const server = new TransferServer({ lookup: () => file });
    const [me, them] = channelPair('me', 'src');
    server.attach(them);
    const received: string[] = [];
    me.onMessage((d) => typeof d === 'string' && received.push(d));
    me.send('garbage');
    me.send(new ArrayBuffer(40));
    me.send(JSON.stringify({ t: 'get', id: 99, chunks: [0] })); // no such transfer
    me.send(JSON.stringify({ t: 'open', id: 5, contentId: file.contentId, v: 1 }));
    me.send(JSON.stringify({ t: 'get', id: 5, chunks: [4] }));
    await new Promise((r) => setTimeout(r, 50));
    expect(server.dropped).toBe(3);
    expect(received.map((r) => JSON.parse(r).t)).toEqual(['manifest', 'error']);
    expect(JSON.parse(received[1]!).code).toBe('bad_request');
  });

  it('uses big chunks for big files without changing the protocol', () => {
    expect(chooseChunkSize(20 * 1024 * 1024)).toBe(1024 * 1024);
  });
});
