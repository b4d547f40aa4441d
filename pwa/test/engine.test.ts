// The transfer engine end to end over in-memory channels: real framing, hashing, scheduling and flow
// control; only the network and the disk are simulated.
import { describe, expect, it } from 'vitest';
import { chooseChunkSize } from '../../worker/protocol/content.ts';
import { systemClock } from '../src/transfer/clock.ts';
import { Download } from '../src/transfer/download.ts';
import { HIGH_WATER } from '../src/transfer/flow.ts';
import type { ServerOptions } from '../src/transfer/server.ts';
import { channelPair } from './memoryChannel.ts';
import {
  deps,
  digest,
  honestServer,
  MemoryStore,
  network,
  ROOM,
  randomBytes,
  served,
  specOf,
} from './transferKit.ts';

type ServedFileTamper = NonNullable<ServerOptions['tamper']>;
const clock = systemClock;

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
    const net = network({ a: honestServer(file) });
    const d = new Download(specOf(file), ['a'], deps(net.connect, clock));
    const blob = await d.start();
    expect(await digest(blob)).toBe(await digest(bytes));
    expect(d.status()).toMatchObject({ state: 'done', rejectedChunks: 0, progress: { fraction: 1 } });
  });

  it('keeps the sender within its water marks', async () => {
    const bytes = randomBytes(12 * 1024 * 1024, 3);
    const file = await served(bytes);
    const net = network({ a: honestServer(file) });
    await new Download(specOf(file), ['a'], deps(net.connect, clock)).start();
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
    const net = network({ evil: honestServer(file, clock, { tamper }) });
    const store = new MemoryStore();
    const d = new Download(specOf(file), ['evil'], deps(net.connect, clock, store));
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
    const net = network({ evil: honestServer(file, clock, { tamper: liar }), good: honestServer(file) });
    const d = new Download(specOf(file), ['evil'], deps(net.connect, clock));
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
    const net = network({ a: honestServer({ ...other, contentId: real.contentId }) });
    const d = new Download(specOf(real), ['a'], deps(net.connect, clock));
    await expect(d.start()).rejects.toThrow();
    expect(d.status().error?.code).toBe('verification_failed');
  });

  it('switches to another source when one leaves mid-way', async () => {
    const bytes = randomBytes(6 * 1024 * 1024, 8);
    const file = await served(bytes);
    const net = network({ a: honestServer(file), b: honestServer(file) });
    const d = new Download(specOf(file), ['a'], deps(net.connect, clock));
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
    const net = network({ fast: honestServer(file), late: honestServer(file) });
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
    const d = new Download(specOf(file), ['fast', 'late'], deps(connect, clock));
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
    const net = network({ a: honestServer(file), b: honestServer(file) });
    const d = new Download(specOf(file), ['a', 'b'], deps(net.connect, clock));
    expect(await digest(await d.start())).toBe(await digest(bytes));
    const [first, second] = net.channels;
    // both sources sent real chunk data, not just a manifest
    expect(first![1].sent).toBeGreaterThan(1024 * 1024);
    expect(second![1].sent).toBeGreaterThan(1024 * 1024);
  });

  it('fails in plain words when nobody has the file', async () => {
    const file = await served(randomBytes(2048, 2), 1024);
    const net = network({ a: honestServer(null) });
    const d = new Download(specOf(file), ['a'], deps(net.connect, clock));
    await expect(d.start()).rejects.toThrow();
    expect(d.status().error).toEqual({
      code: 'not_found',
      message: 'The device no longer shares this file.',
    });
    const nobody = new Download(specOf(file), [], deps(net.connect, clock));
    await expect(nobody.start()).rejects.toThrow();
    expect(nobody.status().error?.code).toBe('no_source');
  });

  it('server drops malformed messages and answers unknown chunks with bad_request', async () => {
    const file = await served(randomBytes(4096, 4), 1024);
    const server = honestServer(file);
    const [me, them] = channelPair('me', 'src');
    server.attach(them);
    const received: string[] = [];
    me.onMessage((d) => typeof d === 'string' && received.push(d));
    me.send('garbage');
    me.send(new ArrayBuffer(40));
    me.send(JSON.stringify({ t: 'get', id: 99, chunks: [0] })); // no such transfer
    me.send(JSON.stringify({ t: 'open', id: 5, contentId: file.contentId, roomId: ROOM, v: 3 }));
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
