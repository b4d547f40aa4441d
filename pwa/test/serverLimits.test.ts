// Issue 10 item 6: a downloader must not lock a sender out. A real TransferServer, hostile downloaders
// speaking the protocol by hand over in-memory channels, time from a fake clock.
import { describe, expect, it } from 'vitest';
import type { ControlMessage } from '../../worker/protocol/transfer.ts';
import type { Channel, ChannelData } from '../src/transfer/channel.ts';
import { decodeControl } from '../src/transfer/control.ts';
import { decodeFrame, type Frame, FrameKind } from '../src/transfer/frames.ts';
import { SERVER_LIMITS, type TransferServer } from '../src/transfer/server.ts';
import { channelPair } from './memoryChannel.ts';
import { FakeClock, honestServer, ROOM, randomBytes, served, ticks } from './transferKit.ts';

interface Client {
  channel: Channel;
  controls: ControlMessage[];
  frames: Frame[];
  open(id: number, contentId: string): void;
  send(msg: object | string): void;
  errors(code?: string): ControlMessage[];
}

function client(server: TransferServer, remote: string): Client {
  const [me, them] = channelPair(remote, 'source', 256 * 1024, 'immediate');
  server.attach(them);
  const c: Client = {
    channel: me,
    controls: [],
    frames: [],
    open: (id, contentId) => c.send({ t: 'open', id, contentId, roomId: ROOM, v: 3 }),
    send: (msg) => {
      if (!me.closed) me.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
    },
    errors: (code) => c.controls.filter((m) => m.t === 'error' && (code === undefined || m.code === code)),
  };
  me.onMessage((data: ChannelData) => {
    if (typeof data === 'string') {
      const m = decodeControl(data);
      if (m) c.controls.push(m);
    } else {
      const f = decodeFrame(data);
      if (f) c.frames.push({ ...f, payload: f.payload.slice(0, 0) });
    }
  });
  return c;
}

const manifests = (c: Client) => c.controls.filter((m) => m.t === 'manifest').length;

describe('a downloader cannot lock a sender out', () => {
  it('eight idle opens from one device do not make everyone else busy', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(8192, 1), 1024);
    const server = honestServer(file, clock);
    const hog = client(server, 'hog');
    for (let id = 1; id <= 8; id++) hog.open(id, file.contentId);
    await ticks();
    expect(manifests(hog)).toBe(SERVER_LIMITS.maxTransfersPerRemote);
    expect(hog.errors('busy')).toHaveLength(8 - SERVER_LIMITS.maxTransfersPerRemote);
    // a second connection from the same device does not get around it
    const hog2 = client(server, 'hog');
    hog2.open(1, file.contentId);
    await ticks();
    expect(hog2.errors('busy')).toHaveLength(1);
    const nice = client(server, 'nice');
    nice.open(1, file.contentId);
    await ticks();
    expect(manifests(nice)).toBe(1);
  });

  it('idle transfers expire, and their slots come back', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(8192, 2), 1024);
    const server = honestServer(file, clock);
    const hogs = Array.from({ length: 4 }, (_, i) => client(server, `hog${i}`));
    for (const h of hogs) for (let id = 1; id <= 4; id++) h.open(id, file.contentId);
    await ticks();
    expect(server.activeTransfers).toBe(SERVER_LIMITS.maxTransfers);
    const late = client(server, 'late');
    late.open(1, file.contentId);
    await ticks();
    expect(late.errors('busy')).toHaveLength(1);
    clock.advance(SERVER_LIMITS.transferIdleMs + 1);
    await ticks();
    expect(server.activeTransfers).toBe(0);
    expect(hogs[0]!.errors('timeout')).toHaveLength(4);
    const again = client(server, 'late');
    again.open(2, file.contentId);
    await ticks();
    expect(manifests(again)).toBe(1);
  });

  it('a transfer in use is not expired', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(64 * 1024, 3), 1024);
    const server = honestServer(file, clock);
    const c = client(server, 'busy-but-honest');
    c.open(1, file.contentId);
    await ticks();
    for (let i = 0; i < 6; i++) {
      clock.advance(SERVER_LIMITS.transferIdleMs / 2);
      c.send({ t: 'get', id: 1, chunks: [i] });
      await ticks();
    }
    expect(c.errors()).toEqual([]);
    expect(server.activeTransfers).toBe(1);
  });

  it('duplicate chunk indices in a get are sent once', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(4096, 4), 1024);
    const server = honestServer(file, clock);
    const c = client(server, 'dup');
    c.open(1, file.contentId);
    await ticks();
    c.send({ t: 'get', id: 1, chunks: [...Array.from({ length: 61 }, () => 0), 1, 1, 0] });
    await ticks(40);
    const pieces = c.frames.filter((f) => f.kind === FrameKind.Piece);
    expect(pieces.map((f) => f.index).sort()).toEqual([0, 1]);
    expect(server.stats.duplicateChunks).toBe(62);
  });

  it('the queue of requested chunks per transfer is bounded', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(600 * 1024, 5), 1024);
    const server = honestServer(file, clock);
    const c = client(server, 'greedy');
    c.open(1, file.contentId);
    await ticks();
    // far more distinct chunks than any downloader keeps in flight, asked for at once
    for (let g = 0; g < 8; g++)
      c.send({ t: 'get', id: 1, chunks: Array.from({ length: 64 }, (_, i) => g * 64 + i) });
    await ticks(40);
    expect(c.errors('bad_request')).toHaveLength(1);
    expect(server.activeTransfers).toBe(0);
    const sent = new Set(c.frames.filter((f) => f.kind === FrameKind.Piece).map((f) => f.index));
    expect(sent.size).toBeLessThanOrEqual(SERVER_LIMITS.maxQueuedChunks + 64);
  });

  it('a connection that never opens a transfer is closed', async () => {
    const clock = new FakeClock();
    const server = honestServer(null, clock);
    const c = client(server, 'lurker');
    clock.advance(SERVER_LIMITS.channelIdleMs + 1);
    await ticks();
    expect(c.channel.closed).toBe(true);
  });

  it('a downloader that stops reading is cut off instead of holding the sender', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(8 * 1024 * 1024, 6));
    const server = honestServer(file, clock);
    // a channel whose queue never drains: the remote reads nothing
    let closed = false;
    let buffered = 0;
    const handlers: ((d: ChannelData) => void)[] = [];
    const closers: (() => void)[] = [];
    const stuck: Channel = {
      remote: 'sloth',
      send: (d) => {
        buffered += typeof d === 'string' ? d.length : d.byteLength;
      },
      bufferedAmount: () => buffered,
      drained: () => new Promise(() => {}),
      maxMessageSize: () => 65536,
      onMessage: (h) => handlers.push(h),
      onClose: (h) => closers.push(h),
      close: () => {
        closed = true;
        for (const h of closers) h();
      },
      get closed() {
        return closed;
      },
    };
    server.attach(stuck);
    for (const h of handlers)
      h(JSON.stringify({ t: 'open', id: 1, contentId: file.contentId, roomId: ROOM, v: 3 }));
    await ticks();
    for (const h of handlers) h(JSON.stringify({ t: 'get', id: 1, chunks: [0, 1, 2, 3, 4, 5, 6, 7] }));
    await ticks(40);
    expect(closed).toBe(false);
    clock.advance(SERVER_LIMITS.sendStallMs + 1);
    await ticks();
    expect(closed).toBe(true);
    expect(server.activeTransfers).toBe(0);
  });

  it('a stream of malformed messages closes the connection', async () => {
    const clock = new FakeClock();
    const server = honestServer(null, clock);
    const c = client(server, 'noisy');
    for (let i = 0; i < 100; i++) c.send(i % 2 ? 'not json' : { t: 'get', id: 9, chunks: [1] });
    await ticks();
    expect(c.channel.closed).toBe(true);
    expect(server.stats.dropped).toBeLessThanOrEqual(SERVER_LIMITS.maxProtocolErrors + 1);
  });

  it('an open of another protocol version gets an answer it can show', async () => {
    const file = await served(randomBytes(2048, 7), 1024);
    const server = honestServer(file);
    const c = client(server, 'old');
    c.send({ t: 'open', id: 3, contentId: file.contentId, v: 1 });
    await ticks();
    expect(c.errors('version')).toHaveLength(1);
  });
});
