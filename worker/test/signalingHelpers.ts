// WebSocket clients for the signaling and live tests: real upgrades through the worker's fetch.
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import type { CreatePeerResponse } from '../protocol/api.ts';
import type { PeerSocket } from '../signaling/PeerSocket.ts';
import { peerStub } from '../stubs.ts';
import { call, join, newPeer, newRoom } from './helpers.ts';

const ORIGIN = 'http://tracker.test';

export interface Closed {
  code: number;
  reason: string;
}

/** Every socket a test opened and did not see closed: `settleSockets` closes them after each file. */
const openSockets = new Set<TestSocket>();

/**
 * Closes what a test file left open and waits until the tracker has handled every close (presence written
 * and published). A Durable Object still in `webSocketClose` when the file ends is torn down mid-call, and
 * vitest then fails the whole run with an unhandled "Closing rpc while … was pending".
 */
export async function settleSockets(timeoutMs = 5000): Promise<void> {
  const sockets = [...openSockets];
  for (const s of sockets) s.close();
  const deadline = Date.now() + timeoutMs;
  await Promise.race([
    Promise.all(sockets.map((s) => s.closed)),
    new Promise((resolve) => setTimeout(resolve, timeoutMs)),
  ]);
  while (Date.now() < deadline) {
    const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM peers WHERE online_since IS NOT NULL').first<{
      n: number;
    }>();
    if (!row || row.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // the offline write comes before the publish to the rooms: give that last hop a moment too
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/** A client socket that buffers what it receives, so tests can await messages in order. */
export class TestSocket {
  readonly ws: WebSocket;
  readonly closed: Promise<Closed>;
  private readonly inbox: string[] = [];
  private wake: (() => void) | null = null;
  private closeInfo: Closed | null = null;

  constructor(ws: WebSocket) {
    this.ws = ws;
    openSockets.add(this);
    this.closed = new Promise((resolve) => {
      ws.addEventListener('close', (e) => {
        openSockets.delete(this);
        this.closeInfo = { code: e.code, reason: e.reason };
        resolve(this.closeInfo);
        this.wake?.();
      });
    });
    ws.addEventListener('message', (e) => {
      this.inbox.push(typeof e.data === 'string' ? e.data : '<binary>');
      this.wake?.();
    });
    ws.accept();
  }

  static async open(path: string): Promise<TestSocket> {
    const res = await SELF.fetch(`${ORIGIN}${path}`, { headers: { upgrade: 'websocket' } });
    if (!res.webSocket) throw new Error(`no upgrade: ${res.status} ${await res.text()}`);
    return new TestSocket(res.webSocket);
  }

  send(value: unknown) {
    this.ws.send(typeof value === 'string' || value instanceof ArrayBuffer ? value : JSON.stringify(value));
  }

  /** The next message, parsed; fails after `ms` without one. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON they assert on
  async next(ms = 3000): Promise<any> {
    const deadline = Date.now() + ms;
    while (this.inbox.length === 0) {
      if (this.closeInfo) throw new Error(`socket closed (${this.closeInfo.code} ${this.closeInfo.reason})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no message in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return JSON.parse(this.inbox.shift()!);
  }

  /** Everything received so far, parsed (and removed from the buffer). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON they assert on
  drain(): any[] {
    return this.inbox.splice(0).map((t) => JSON.parse(t));
  }

  async closedWithin(ms = 3000): Promise<Closed> {
    return Promise.race([
      this.closed,
      new Promise<Closed>((_, reject) =>
        setTimeout(() => reject(new Error('socket not closed in time')), ms),
      ),
    ]);
  }

  close(code = 1000, reason = 'bye') {
    try {
      this.ws.close(code, reason);
    } catch {
      // already closed
    }
  }
}

export interface TestPeer extends CreatePeerResponse {
  ticket: string;
}

export async function ticketFor(secret: string): Promise<string> {
  const res = await call('POST', '/api/peers/me/ticket', { secret });
  if (res.status !== 201) throw new Error(`ticket failed: ${res.status}`);
  return res.json.ticket;
}

export async function newTestPeer(name?: string): Promise<TestPeer> {
  const peer = await newPeer(name);
  return { ...peer, ticket: await ticketFor(peer.secret) };
}

export const signalingPath = (id: string, token: string, key = 'peerjs') =>
  `/peerjs/peerjs?key=${key}&id=${id}&token=${token}&version=1.5.5`;

/** Opens the peer's signaling socket (with a fresh ticket: each opens one socket) and consumes its OPEN. */
export async function connect(peer: TestPeer): Promise<TestSocket> {
  const socket = await TestSocket.open(signalingPath(peer.peerId, await ticketFor(peer.secret)));
  const first = await socket.next();
  if (first.type !== 'OPEN') throw new Error(`expected OPEN, got ${JSON.stringify(first)}`);
  return socket;
}

/** A room created by the first peer and joined by the others. */
export async function roomOf(...peers: TestPeer[]): Promise<string> {
  const roomId = await newRoom(peers[0]!.secret);
  for (const p of peers.slice(1)) {
    const res = await join(roomId, p.secret);
    if (res.status !== 201) throw new Error(`join failed: ${res.status}`);
  }
  return roomId;
}

/** Two new devices in one room: the start of most signaling tests (they may signal each other). */
export async function pairInRoom(): Promise<[TestPeer, TestPeer]> {
  const a = await newTestPeer();
  const b = await newTestPeer();
  await roomOf(a, b);
  return [a, b];
}

export async function openLive(roomId: string, peer: TestPeer): Promise<TestSocket> {
  return TestSocket.open(`/api/rooms/${roomId}/live?ticket=${await ticketFor(peer.secret)}`);
}

export const stubOf = (peerId: string) => peerStub(env, peerId);

/** Moves one peer object's clock (the instance in memory now; set it again after an eviction). */
export async function skewClock(peerId: string, ms: number) {
  await runInDurableObject(stubOf(peerId), (instance: PeerSocket) => {
    instance.now = () => Date.now() + ms;
  });
}

export async function onlineSince(peerId: string): Promise<number | null> {
  const row = await env.DB.prepare('SELECT online_since FROM peers WHERE id = ?1')
    .bind(peerId)
    .first<{ online_since: number | null }>();
  return row?.online_since ?? null;
}

export const candidate = (dst: string, i: number) => ({
  type: 'CANDIDATE',
  dst,
  payload: {
    candidate: { candidate: `candidate:${i}`, sdpMid: '0', sdpMLineIndex: 0 },
    connectionId: 'dc_1',
  },
});

export const offer = (dst: string, extra: Record<string, unknown> = {}) => ({
  type: 'OFFER',
  dst,
  payload: { sdp: { type: 'offer', sdp: 'v=0' }, type: 'data', connectionId: 'dc_1', ...extra },
});

/** Lifts a hub's per-device limits (for tests that measure or fill queues, not limits). */
const lifted = { burst: 1e9, perSecond: 1e9 };
export const UNLIMITED = { frames: lifted, connects: lifted, offersPerPair: lifted, framesPerPair: lifted };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Frames waiting in a peer's object for it to come back. */
export async function queuedFor(peerId: string): Promise<number> {
  return runInDurableObject(stubOf(peerId), (_: PeerSocket, state) => {
    return state.storage.sql
      .exec<{ n: number }>('SELECT count(*) AS n FROM pending_frames WHERE dst = ?1', peerId)
      .one().n;
  });
}

/** Polls until `check` holds (for effects that happen after the call that caused them returned). */
export async function until(check: () => Promise<boolean> | boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** Stops one peer object's clock, so nothing refills while a test waits on a busy machine. */
export async function freezeClock(peerId: string) {
  const frozen = Date.now();
  await runInDurableObject(stubOf(peerId), (instance: PeerSocket) => {
    instance.now = () => frozen;
  });
}

/** Pretends the peer's sockets were opened `ms` ago (their attachment), without touching heartbeats. */
export async function ageSockets(peerId: string, ms: number) {
  await runInDurableObject(stubOf(peerId), (_: PeerSocket, state) => {
    for (const ws of state.getWebSockets()) {
      const info = ws.deserializeAttachment() as { conn: number; since: number };
      ws.serializeAttachment({ ...info, since: info.since - ms });
    }
  });
}
