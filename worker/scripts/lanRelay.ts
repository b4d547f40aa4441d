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
import { SignalingHub } from '../signaling/hub.ts';
import { MemoryStore } from '../signaling/memoryStore.ts';
import { Presence } from '../signaling/presence.ts';
import { isSilent, refusalFrame } from '../signaling/rules.ts';
import { originForm } from './requestTarget.ts';

/** Longest `key`, `id` or `token` passed on for admission (ids are 26 characters, tickets 43). */
const ADMISSION_VALUE_MAX = 256;

/** The upgrade path this relay answers (anything else goes to the tracker). */
export const SIGNALING_PATH = '/peerjs/peerjs';
const SWEEP_MS = 20_000;
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
  since: number;
  heard: number;
  /** When its last HEARTBEAT was answered. */
  answered: number;
}

export interface LanRelayOptions {
  /** The `wrangler dev` behind the front, on 127.0.0.1. */
  upstreamPort: number;
  /** This run's secret, shared with the tracker through `--var LAN_RELAY_SECRET`. */
  secret: string;
  now?: () => number;
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
function trackerLink(upstreamPort: number, secret: string) {
  const call = async <A extends RelayAction>(action: A, body: unknown): Promise<RelayAnswers[A]> => {
    const res = await fetch(`http://127.0.0.1:${upstreamPort}${RELAY_API_PREFIX}${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [RELAY_SECRET_HEADER]: secret },
      body: JSON.stringify(body),
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
  return {
    admit: (query: string) => admit.call(query),
    presence: (peer: string, since: number | null) => presence.call({ peer, since }),
    reset: () => call('reset', {}),
    rooms: (peer: string) => rooms.call(peer),
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
  const link = trackerLink(options.upstreamPort, options.secret);
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
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
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

  const accept = (ws: WebSocket, peer: string) => {
    const at = now();
    const conn: Conn = { peer, since: at, heard: at, answered: Number.NEGATIVE_INFINITY };
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
    // rooms read with the admission are kept, unless a membership notice came in the meantime
    const roomsVersion = hub.rooms.version(url.searchParams.get('id') ?? '');
    ready
      .then(() => link.admit(admissionQuery(url.searchParams)))
      .then(
        (admitted) => {
          if (socket.destroyed) return;
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
              } else if ('id' in admitted) accept(ws, admitted.id);
            } catch (err) {
              fail(err);
              ws.terminate();
            }
          });
        },
        (err) => {
          fail(err);
          socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
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
    // presence the tracker could not take (it was restarting): tried again until it holds
    for (const peer of store.publishedPeers()) if (!socketOf(peer)) work.push(syncPresence(peer));
    hub.prune(at);
    Promise.all(work).catch(fail);
  }, SWEEP_MS);
  sweep.unref();

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
