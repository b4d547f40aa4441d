// The signaling relay of a LAN tracker (`npm start`), in its Node front: the `/peerjs/peerjs` WebSockets
// end here instead of in a `PeerSocket` Durable Object behind wrangler's dev proxy. Every device of a LAN
// is in this one process, so a relayed frame goes socket to socket in memory (measured: the Durable Object
// path spends ~180-230 µs of workerd CPU plus ~130 µs of proxying per message, and cannot reach the load
// floor on 2 cores; see docs/signaling.md). The rules are the same code as the Durable Object's
// (worker/signaling/hub.ts); the tracker stays the authority: it admits each socket (ticket), writes
// presence, answers room questions, and tells this relay at once when a device must be kicked or a
// membership changed (the loopback notice server, frontNotices).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import {
  type FrontNotice,
  frontNotices,
  RELAY_API_PREFIX,
  RELAY_MAX_BATCH,
  RELAY_SECRET_HEADER,
  type RelayAction,
  type RelayAnswers,
} from '../protocol/relayLink.ts';
import { CLOSE, HEARTBEAT, SIGNALING_LIMITS } from '../protocol/signaling.ts';
import { type RateLimits, TokenBucket } from '../protocol/tokenBucket.ts';
import { SignalingHub } from '../signaling/hub.ts';
import { MemoryStore } from '../signaling/memoryStore.ts';
import { Presence } from '../signaling/presence.ts';
import { closeReason, isSilent, REVOKED_MEANWHILE, refusalFrame } from '../signaling/rules.ts';
import { originForm } from './requestTarget.ts';

/** Longest `key`, `id` or `token` passed on for admission (ids are 26 characters, tickets 43). */
const ADMISSION_VALUE_MAX = 256;

/** The upgrade path this relay answers (anything else goes to the tracker). */
export const SIGNALING_PATH = '/peerjs/peerjs';
const SWEEP_MS = 20_000;
/** A tracker request that takes longer fails: an upgrade never waits on a stuck tracker for good. */
const TRACKER_TIMEOUT_MS = 10_000;
/**
 * Upgrades waiting for their admission (or for the tracker to come up), front-wide: past it an upgrade is
 * refused at once (503) instead of holding memory. Above the 1,000 sockets the load bench opens at once.
 */
const MAX_IN_FLIGHT = 2_048;
/** Upgrades per client address before admission: a burst, then a steady rate. */
const PER_ADDRESS = { burst: 120, perSecond: 2 };
/**
 * Frames above this never reach the rules (ws closes with 1009); below it the rules say why. The margin
 * lets a frame just over the cap reach the rules, which answer it with their own reason.
 */
const WS_MAX_PAYLOAD = SIGNALING_LIMITS.maxFrameBytes + 1024;
/** A client that does not read: past this much queued for it, its socket closes (CLOSE.tooSlow). */
const MAX_BUFFERED_BYTES = 1 << 20;
/** HEARTBEATs answered per socket, at most one per this many ms (PeerJS sends one every 5 s). */
const HEARTBEAT_ANSWER_MS = 1_000;

interface Conn {
  peer: string;
  /** The credentials it was admitted with (a tag of the secret's hash, from the tracker). */
  keyTag: string;
  since: number;
  heard: number;
  /** When its last HEARTBEAT was answered. */
  answered: number;
}

export interface LanRelayOptions {
  /** The `wrangler dev` behind the front, on 127.0.0.1. */
  upstreamPort: number;
  /** This run's secret, shared with the tracker through a 0600 env file (start.ts). */
  secret: string;
  now?: () => number;
  /** How often silent sockets, presence and remembered rooms are checked (tests shorten it). */
  sweepMs?: number;
  trackerTimeoutMs?: number;
  maxInFlight?: number;
  /** Upgrades per client address; null lifts it (`MESHDROP_RATE_LIMITS=off`, like the tracker's limits). */
  perAddress?: { burst: number; perSecond: number } | null;
}

export interface LanRelay {
  /** Takes a signaling upgrade; false when it is not one (the caller passes it on). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The loopback address the tracker sends notices to (`--var LAN_RELAY_URL`). */
  noticeUrl: string;
  /** Sockets open now (tests, diagnostics). */
  socketCount(): number;
  close(): Promise<void>;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest();

/** Calls of one action made in the same tick go as one request (1,000 devices connecting at once). */
class Batcher<I, O> {
  private items: { item: I; done: (o: O) => void; fail: (e: unknown) => void }[] = [];
  private readonly send: (items: I[]) => Promise<O[]>;

  constructor(send: (items: I[]) => Promise<O[]>) {
    this.send = send;
  }

  call(item: I): Promise<O> {
    return new Promise<O>((done, fail) => {
      if (this.items.length === 0) setImmediate(() => this.flush());
      this.items.push({ item, done, fail });
    });
  }

  private flush() {
    const all = this.items;
    this.items = [];
    for (let i = 0; i < all.length; i += RELAY_MAX_BATCH) {
      const part = all.slice(i, i + RELAY_MAX_BATCH);
      this.send(part.map((p) => p.item)).then(
        (out) => {
          for (const [k, p] of part.entries()) p.done(out[k]!);
        },
        (err) => {
          for (const p of part) p.fail(err);
        },
      );
    }
  }
}

/** The tracker's internal endpoint (worker/signaling/internal.ts). */
function trackerLink(upstreamPort: number, secret: string, timeoutMs: number) {
  const call = async <A extends RelayAction>(action: A, body: unknown): Promise<RelayAnswers[A]> => {
    const res = await fetch(`http://127.0.0.1:${upstreamPort}${RELAY_API_PREFIX}${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [RELAY_SECRET_HEADER]: secret },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`tracker answered ${res.status} to ${action}`);
    return (await res.json()) as RelayAnswers[A];
  };
  const admit = new Batcher<string, RelayAnswers['admit']['results'][number]>(
    async (queries) => (await call('admit', { items: queries.map((query) => ({ query })) })).results,
  );
  const presence = new Batcher<{ peer: string; since: number | null }, string[]>(
    async (items) => (await call('presence', { items })).rooms,
  );
  const rooms = new Batcher<string, string[]>(
    async (peers) => (await call('rooms', { items: peers.map((peer) => ({ peer })) })).rooms,
  );
  const check = new Batcher<string, RelayAnswers['check']['devices'][number]>(
    async (peers) => (await call('check', { items: peers.map((peer) => ({ peer })) })).devices,
  );
  return {
    admit: (query: string) => admit.call(query),
    presence: (peer: string, since: number | null) => presence.call({ peer, since }),
    reset: () => call('reset', {}),
    rooms: (peer: string) => rooms.call(peer),
    check: (peer: string) => check.call(peer),
    share: async (a: string, b: string) => (await call('share', { a, b })).ok,
  };
}

/** The target as a URL, or null when it is not origin-form (`new URL` throws on `http://x:99999/`). */
function parseTarget(target: string | undefined): URL | null {
  if (!originForm(target)) return null;
  try {
    return new URL(target, 'http://front');
  } catch {
    return null;
  }
}

/**
 * Upgrades per client, a token bucket each (forgotten once full again). A client is an IPv4 address or
 * an IPv6 /64: one host holds a whole /64 and could otherwise take a fresh bucket per address. Past
 * MAX_ADDRESSES clients at once, new ones share one bucket (the in-flight cap still bounds them all).
 */
export class AddressBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly rate: RateLimits;

  constructor(rate: RateLimits) {
    this.rate = rate;
  }

  take(address: string, now: number): boolean {
    let key = addressKey(address);
    if (!this.buckets.has(key) && this.buckets.size >= MAX_ADDRESSES) key = 'overflow';
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.rate, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  prune(now: number) {
    for (const [key, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(key);
  }
}

/** Clients tracked one by one in AddressBuckets. */
export const MAX_ADDRESSES = 10_000;

/** What one client controls of its address: an IPv4 address (also IPv4-mapped IPv6), or an IPv6 /64. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const front = head ? head.split(':') : [];
  const back = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...front, ...Array(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back]
    : front;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** `promise`, or a failure after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the tracker did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** An HTTP refusal on a socket that asked for an upgrade. */
function refuseHttp(socket: Duplex, status: 429 | 502 | 503, text: string) {
  const body = JSON.stringify({
    error: { code: status === 429 ? 'rate_limited' : 'tracker_unavailable', message: text },
  });
  const reason = { 429: 'Too Many Requests', 502: 'Bad Gateway', 503: 'Service Unavailable' }[status];
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `retry-after: ${status === 429 ? 10 : 2}\r\ncache-control: no-store\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Same rule as the Worker's `secured`: a page of another origin gets the tracker's 403, not a socket. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export async function startLanRelay(options: LanRelayOptions): Promise<LanRelay> {
  const now = options.now ?? Date.now;
  const trackerTimeoutMs = options.trackerTimeoutMs ?? TRACKER_TIMEOUT_MS;
  const link = trackerLink(options.upstreamPort, options.secret, trackerTimeoutMs);
  const maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
  const perAddress =
    options.perAddress === null ? null : new AddressBuckets(options.perAddress ?? PER_ADDRESS);
  let inFlight = 0;
  /**
   * Admissions on their way, per device id: a kick that comes meanwhile marks them, and the answer (read
   * from the catalog before the kick) then opens nothing.
   */
  const pending = new Map<string, Set<{ revoked: boolean }>>();
  const store = new MemoryStore();
  const sockets = new Map<string, WebSocket>();
  const conns = new WeakMap<WebSocket, Conn>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  const fail = (err: unknown) => console.error('signaling relay:', err);
  let closed = false;
  // presence left from the last run is cleared once the tracker answers, before any socket is admitted
  const ready = (async () => {
    while (!closed) {
      try {
        await link.reset();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
  })();

  const socketOf = (peer: string): WebSocket | null => {
    const ws = sockets.get(peer);
    return ws?.readyState === WebSocket.OPEN ? ws : null;
  };
  const closeWs = (ws: WebSocket, code: number, reason: string) => {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)
      ws.close(code, closeReason(reason));
  };
  const send = (ws: WebSocket, text: string): boolean => {
    if (ws.readyState !== WebSocket.OPEN) return false;
    // everything queued for a client that does not read is this process's memory: it stops here
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      closeWs(ws, CLOSE.tooSlow, 'too slow: not reading what it is sent');
      return false;
    }
    ws.send(text);
    return true;
  };

  let expiryTimer: NodeJS.Timeout | null = null;
  let expiryAt = Number.POSITIVE_INFINITY;
  const schedule = async () => {
    const next = store.nextExpiry();
    if (next === null || next >= expiryAt) return;
    if (expiryTimer) clearTimeout(expiryTimer);
    expiryAt = next;
    expiryTimer = setTimeout(
      () => {
        expiryTimer = null;
        expiryAt = Number.POSITIVE_INFINITY;
        Promise.all(hub.expire(now()))
          .then(() => schedule())
          .catch(fail);
      },
      Math.max(0, next - now()),
    );
  };

  const hub: SignalingHub<WebSocket> = new SignalingHub<WebSocket>({
    now,
    store,
    socketOf,
    send,
    close: closeWs,
    fetchRooms: link.rooms,
    shareARoom: link.share,
    syncPresence: (peer) => syncPresence(peer),
    schedule,
  });
  const presence = new Presence(
    {
      published: (peer) => store.published(peer),
      setPublished: (peer, online) => store.setPublished(peer, online),
      write: link.presence,
    },
    hub.rooms,
  );
  const syncPresence = (peer: string) =>
    presence.sync(peer, () => {
      const ws = socketOf(peer);
      return ws ? (conns.get(ws)?.since ?? now()) : null;
    });

  const dropped = (ws: WebSocket) => {
    const conn = conns.get(ws);
    if (!conn) return Promise.resolve();
    if (sockets.get(conn.peer) === ws && ws.readyState !== WebSocket.OPEN) sockets.delete(conn.peer);
    return hub.dropped(conn.peer);
  };

  const accept = (ws: WebSocket, peer: string, keyTag: string) => {
    const at = now();
    const conn: Conn = { peer, keyTag, since: at, heard: at, answered: Number.NEGATIVE_INFINITY };
    conns.set(ws, conn);
    const previous = socketOf(peer);
    sockets.set(peer, ws);
    if (previous) closeWs(previous, CLOSE.replaced, 'replaced by a newer connection for this id');
    hub.opened(peer, ws);
    ws.on('message', (data, isBinary) => {
      conn.heard = now();
      if (sockets.get(peer) !== ws) {
        closeWs(ws, CLOSE.replaced, 'replaced by a newer connection for this id');
        return;
      }
      const text = isBinary ? null : data.toString();
      if (text === HEARTBEAT) {
        // it keeps the socket alive either way; only the echo is budgeted (it costs this process memory)
        if (conn.heard - conn.answered >= HEARTBEAT_ANSWER_MS) {
          conn.answered = conn.heard;
          send(ws, HEARTBEAT);
        }
        return;
      }
      hub.message(peer, ws, text ?? new ArrayBuffer(0)).catch(fail);
    });
    ws.on('close', () => dropped(ws).catch(fail));
    syncPresence(peer).catch(fail);
  };

  /**
   * What the tracker needs to admit an upgrade and nothing more: the admission goes in a batch with other
   * devices' (one request per tick), and a query the tracker refuses as too long would refuse all of
   * them. A value longer than any real one goes as '' and gets this socket alone refused.
   */
  const admissionQuery = (params: URLSearchParams): string => {
    const pick = (name: string) => {
      const value = params.get(name) ?? '';
      return value.length <= ADMISSION_VALUE_MAX ? value : '';
    };
    return `?${new URLSearchParams({ key: pick('key'), id: pick('id'), token: pick('token') })}`;
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const url = parseTarget(req.url);
    if (!url || url.pathname !== SIGNALING_PATH || !sameOrigin(req)) return false;
    // before anything costs the tracker a question: one address, and everyone together, are bounded
    if (perAddress && !perAddress.take(req.socket.remoteAddress ?? 'unknown', now())) {
      refuseHttp(socket, 429, 'Too many signaling connections from this address. Wait a little.');
      return true;
    }
    if (inFlight >= maxInFlight) {
      refuseHttp(socket, 503, 'The tracker is busy admitting other devices. Try again in a moment.');
      return true;
    }
    inFlight += 1;
    const peer = url.searchParams.get('id') ?? '';
    const mark = { revoked: false };
    let marks = pending.get(peer);
    if (!marks) {
      marks = new Set();
      pending.set(peer, marks);
    }
    marks.add(mark);
    const settled = () => {
      inFlight -= 1;
      marks.delete(mark);
      if (marks.size === 0 && pending.get(peer) === marks) pending.delete(peer);
    };
    // rooms read with the admission are kept, unless a membership notice came in the meantime
    const roomsVersion = hub.rooms.version(peer);
    // a tracker that is not up yet holds an upgrade for the same while as one that does not answer
    within(ready, trackerTimeoutMs)
      .then(() => link.admit(admissionQuery(url.searchParams)))
      .then(
        (answer) => {
          settled();
          if (socket.destroyed) return;
          // the device was kicked while the catalog's answer was on its way: that answer is void
          const admitted = mark.revoked ? REVOKED : answer;
          if ('id' in admitted && admitted.rooms.length > 0)
            hub.rooms.set(admitted.id, admitted.rooms, roomsVersion);
          wss.handleUpgrade(req, socket, head, (ws) => {
            // first, for every socket (refused ones too): without it a malformed frame ends the process
            ws.on('error', () => ws.terminate());
            try {
              let refusal = 'id' in admitted ? null : admitted;
              if (!refusal && 'id' in admitted && !hub.mayConnect(admitted.id)) {
                refusal = {
                  type: 'ERROR',
                  msg: 'This device opened too many signaling connections. Wait a minute.',
                };
              }
              if (refusal) {
                ws.send(refusalFrame(refusal.type, refusal.msg));
                ws.close(CLOSE.refused, refusal.type.toLowerCase());
              } else if ('id' in admitted) accept(ws, admitted.id, admitted.keyTag);
            } catch (err) {
              fail(err);
              ws.terminate();
            }
          });
        },
        (err) => {
          settled();
          fail(err);
          refuseHttp(socket, 502, 'The tracker is not answering.');
        },
      )
      // a throw above (or in the upgrade callback) would be an unhandled rejection: the end of Node
      .catch((err) => {
        fail(err);
        socket.destroy();
      });
    return true;
  };

  const kick = (peer: string, reason: string) => {
    for (const mark of pending.get(peer) ?? []) mark.revoked = true;
    // what was known of its rooms came with the old credentials
    hub.rooms.invalidate(peer);
    const ws = sockets.get(peer);
    if (!ws) return Promise.resolve();
    closeWs(ws, CLOSE.revoked, reason);
    return dropped(ws);
  };

  const sweep = setInterval(() => {
    const at = now();
    const work: Promise<void>[] = [...hub.expire(at)];
    for (const ws of sockets.values()) {
      const conn = conns.get(ws);
      if (conn && ws.readyState === WebSocket.OPEN && isSilent(conn.heard, at)) {
        closeWs(ws, CLOSE.silent, 'no heartbeat');
        work.push(dropped(ws));
      }
    }
    // presence the tracker could not take (it was restarting): tried again until it holds, both ways
    for (const peer of store.publishedPeers()) if (!socketOf(peer)) work.push(syncPresence(peer));
    for (const peer of sockets.keys()) if (socketOf(peer)) work.push(syncPresence(peer));
    work.push(...[...sockets.keys()].filter((peer) => socketOf(peer)).map(recheck));
    hub.prune(at);
    perAddress?.prune(at);
    Promise.all(work).catch(fail);
  }, options.sweepMs ?? SWEEP_MS);
  sweep.unref();

  /**
   * A connected device as the catalog has it now, against what this relay holds: a kick or a membership
   * notice that never arrived (the tracker could not reach the front) is made good by the next sweep. A
   * device whose credentials changed, or that was forgotten, is kicked; one whose rooms changed is
   * handled as on the notice (its contacts hear LEAVE).
   */
  async function recheck(peer: string): Promise<void> {
    const ws = socketOf(peer);
    const admittedWith = ws ? conns.get(ws)?.keyTag : undefined;
    if (!ws || admittedWith === undefined) return;
    const version = hub.rooms.version(peer);
    const now = await link.check(peer);
    if (socketOf(peer) !== ws) return; // replaced or gone meanwhile: its successor is checked next time
    if (now === null || now.keyTag !== admittedWith) {
      return kick(peer, now === null ? 'the tracker forgot this device' : 'the device changed its secret');
    }
    const known = hub.rooms.get(peer);
    if (hub.rooms.version(peer) !== version) return; // a notice came meanwhile: it did the work
    if (known && known.size === now.rooms.length && now.rooms.every((r) => known.has(r))) {
      // the same: trusted for another while (PeerRooms forgets rooms it has not heard of for ROOMS_TTL_MS)
      return hub.rooms.set(peer, now.rooms, version);
    }
    if (known) await hub.membershipChanged(peer);
    else hub.rooms.set(peer, now.rooms, version);
  }

  const expected = hashOf(options.secret);
  const notices: Server = createServer((req, res) => {
    serveNotice(req, res, expected, { kick, membership: (peer) => hub.membershipChanged(peer) }).catch(
      (err) => {
        fail(err);
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    notices.once('error', reject);
    notices.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = notices.address() as AddressInfo;

  return {
    upgrade,
    noticeUrl: `http://127.0.0.1:${port}`,
    socketCount: () => [...sockets.values()].filter((ws) => ws.readyState === WebSocket.OPEN).length,
    close: async () => {
      closed = true;
      clearInterval(sweep);
      if (expiryTimer) clearTimeout(expiryTimer);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      notices.closeAllConnections();
      await new Promise<void>((resolve) => notices.close(() => resolve()));
    },
  };
}

interface NoticeHandlers {
  kick(peer: string, reason: string): Promise<void>;
  membership(peer: string): Promise<void>;
}

const REVOKED = { type: 'ERROR', msg: REVOKED_MEANWHILE } as const;

/** A notice from the tracker: this run's secret (constant-time), a known notice, a valid body. */
async function serveNotice(
  req: IncomingMessage,
  res: ServerResponse,
  expected: Buffer,
  handlers: NoticeHandlers,
): Promise<void> {
  const given = req.headers[RELAY_SECRET_HEADER];
  const ok = typeof given === 'string' && timingSafeEqual(hashOf(given), expected);
  const notice = (req.url ?? '').slice(1) as FrontNotice;
  if (!ok || req.method !== 'POST' || !Object.hasOwn(frontNotices, notice)) {
    req.resume();
    res.writeHead(404).end();
    return;
  }
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 4096) {
      res.writeHead(413).end();
      return;
    }
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (notice === 'kick') {
    const parsed = frontNotices.kick.safeParse(body);
    if (!parsed.success) return void res.writeHead(400).end();
    await handlers.kick(parsed.data.peer, parsed.data.reason);
  } else {
    const parsed = frontNotices.membership.safeParse(body);
    if (!parsed.success) return void res.writeHead(400).end();
    await handlers.membership(parsed.data.peer);
  }
  res.writeHead(204).end();
}
