// A signaling hub as a Durable Object: holds the PeerJS sockets of the devices it serves (one device per
// object on a deployed tracker, see stub.ts), and runs the relay's rules (hub.ts) over them: its sockets
// (hibernatable when deployed), its own storage, D1, and the other hubs by RPC (`accept`). The Worker
// authenticates before forwarding here (connect.ts). A LAN tracker (`npm start`) terminates the sockets in
// its Node front instead (worker/scripts/lanRelay.ts), with the same rules.
import { DurableObject } from 'cloudflare:workers';
import { listRoomsOfPeer, shareARoom } from '../db/rooms.ts';
import { SignalingStore } from '../db/signalingStore.ts';
import type { Env } from '../env.ts';
import { CLOSE, HEARTBEAT } from '../protocol/signaling.ts';
import { hubId, PEER_HEADER, peerStub } from '../stubs.ts';
import { SignalingHub } from './hub.ts';
import type { DeliveryKind } from './outbox.ts';
import { Presence } from './presence.ts';
import { writePresence } from './presenceWrite.ts';
import { RoomCheck } from './roomCheck.ts';
import { isSilent, REVOKED_MEANWHILE } from './rules.ts';
import {
  closeQuietly,
  info,
  KEY_TAG_HEADER,
  keepInfo,
  refuseUpgrade,
  type SocketInfo,
  sendQuietly,
} from './sockets.ts';

/** How often the alarm looks for silent sockets while any is open. */
const SWEEP_MS = 20_000;
const OPEN = 1;
const keyTagKey = (peer: string) => `key-tag:${peer}`;

export class PeerSocket extends DurableObject<Env> {
  /** Overridable in tests (runInDurableObject) to move this object's clock. */
  now = () => Date.now();
  private readonly hub: SignalingHub<WebSocket>;
  private readonly store: SignalingStore;
  private readonly presence: Presence;
  private readonly remoteCheck: RoomCheck;
  /** Each device's current socket (a cache of the newest open socket with its tag). */
  private readonly sockets = new Map<string, WebSocket>();
  private readonly stubs = new Map<string, DurableObjectStub<PeerSocket>>();
  /** Sockets of a hub that stays awake (not hibernatable, so getWebSockets() does not list them). */
  private readonly awake = new Set<WebSocket>();
  private readonly hibernate: boolean;
  private connSeq = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SignalingStore(ctx.storage);
    this.remoteCheck = new RoomCheck(env.DB);
    this.hibernate = env.TRACKER_MODE !== 'lan';
    // heartbeats are answered by the runtime without waking this object; the peerjs client ignores
    // the echo (a message without payload is only logged at debug level)
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT, HEARTBEAT));
    this.hub = new SignalingHub<WebSocket>({
      now: () => this.now(),
      store: this.store,
      socketOf: (peer) => this.socketOf(peer),
      send: sendQuietly,
      close: closeQuietly,
      fetchRooms: (peer) => listRoomsOfPeer(env.DB, peer),
      shareARoom: (a, b) => shareARoom(env.DB, a, b),
      syncPresence: (peer) => this.syncPresence(peer),
      schedule: () => this.schedule(),
      remote: {
        isHere: (peer) => this.socketOf(peer) !== null || hubId(this.env, peer).equals(this.ctx.id),
        allowed: (src, dst) => this.remoteCheck.allowed(src, dst, this.now()),
        accept: (dst, src, srcRooms, kind, frames) => this.stub(dst).accept(dst, src, srcRooms, kind, frames),
      },
    });
    this.presence = new Presence(
      {
        published: (peer) => this.store.published(peer),
        setPublished: (peer, online) => this.store.setPublished(peer, online),
        write: (peer, openedAt) => writePresence(env, peer, openedAt),
      },
      this.hub.rooms,
    );
  }

  /** The device's limits (tests lift them). */
  get limits() {
    return this.hub.limits;
  }

  /** The upgrade, already authenticated by the Worker. */
  override async fetch(request: Request): Promise<Response> {
    const peer = request.headers.get(PEER_HEADER);
    if (!peer) return new Response('missing peer id', { status: 400 });
    // admitted with credentials that a kick since replaced (the kick came between admission and here)
    const current = await this.ctx.storage.get<string>(keyTagKey(peer));
    if (current !== undefined && current !== request.headers.get(KEY_TAG_HEADER)) {
      return refuseUpgrade('ERROR', REVOKED_MEANWHILE);
    }
    if (!this.hub.mayConnect(peer)) {
      return refuseUpgrade('ERROR', 'This device opened too many signaling connections. Wait a minute.');
    }
    const now = this.now();
    const previous = this.socketOf(peer);
    const { 0: client, 1: server } = new WebSocketPair();
    const attachment: SocketInfo = { peer, conn: now * 1000 + (this.connSeq++ % 1000), since: now };
    this.acceptSocket(server, attachment);
    this.sockets.set(peer, server);
    if (previous) closeQuietly(previous, CLOSE.replaced, 'replaced by a newer connection for this id');
    this.hub.opened(peer, server);
    await Promise.all([this.syncPresence(peer), this.schedule()]);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const peer = info(ws)?.peer;
    if (!peer || this.socketOf(peer) !== ws) {
      closeQuietly(ws, CLOSE.replaced, 'replaced by a newer connection for this id');
      return;
    }
    await this.hub.message(peer, ws, message);
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    closeQuietly(ws, CLOSE.normal, 'closed');
    await this.dropped(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.dropped(ws);
  }

  /** RPC from another hub: a batch for a device served here (see SignalingHub.accept). */
  accept(dst: string, src: string, srcRooms: string[] | null, kind: DeliveryKind, frames: string[]) {
    return this.hub.accept(dst, src, srcRooms, kind, frames);
  }

  /** RPC from the routes: a membership of `peer` changed (see SignalingHub.membershipChanged). */
  async membershipChanged(peer: string): Promise<void> {
    this.remoteCheck.forgetFrom(peer);
    await this.hub.membershipChanged(peer);
  }

  /** RPC from the routes: the device was forgotten or changed its secret; its sockets close now. */
  async kick(peer: string, reason: string, keyTag = ''): Promise<void> {
    // an admission made with the old credentials that reaches this object later opens nothing
    await this.ctx.storage.put(keyTagKey(peer), keyTag);
    // what was known of its rooms came with the old credentials
    this.hub.rooms.invalidate(peer);
    const work: Promise<void>[] = [];
    for (const ws of this.allSockets(peer)) {
      closeQuietly(ws, CLOSE.revoked, reason);
      work.push(this.dropped(ws));
    }
    await Promise.all(work);
  }

  /** Silent sockets, expired queues, and presence that must be put right (e.g. after a restart). */
  override async alarm(): Promise<void> {
    const now = this.now();
    const work: Promise<void>[] = [];
    for (const ws of this.allSockets()) {
      const meta = info(ws);
      const heard = Math.max(
        this.hibernate ? (this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0) : 0,
        meta?.heard ?? 0,
        meta?.since ?? 0,
      );
      if (ws.readyState === OPEN && isSilent(heard, now)) {
        closeQuietly(ws, CLOSE.silent, 'no heartbeat');
        work.push(this.dropped(ws));
      }
    }
    work.push(...this.hub.expire(now));
    const peers = new Set(await this.store.publishedPeers());
    for (const ws of this.allSockets()) {
      const peer = info(ws)?.peer;
      if (peer) peers.add(peer);
    }
    for (const peer of peers) work.push(this.syncPresence(peer));
    this.hub.prune(now);
    this.remoteCheck.prune(now);
    await Promise.all(work);
    await this.schedule();
  }

  private acceptSocket(ws: WebSocket, attachment: SocketInfo) {
    if (this.hibernate) {
      this.ctx.acceptWebSocket(ws, [attachment.peer]);
      ws.serializeAttachment(attachment);
      return;
    }
    // A LAN hub serves one household or office from a laptop: it stays awake while sockets are open, and
    // a message then costs a plain event instead of a hibernation dispatch (about 5x less under workerd).
    ws.accept();
    keepInfo(ws, attachment);
    this.awake.add(ws);
    const fail = (err: unknown) => console.error('signaling handler failed', err);
    ws.addEventListener('message', (event) => {
      attachment.heard = this.now();
      if (event.data === HEARTBEAT) sendQuietly(ws, HEARTBEAT);
      else this.webSocketMessage(ws, event.data as string | ArrayBuffer).catch(fail);
    });
    ws.addEventListener('close', () => {
      this.awake.delete(ws);
      this.webSocketClose(ws).catch(fail);
    });
    ws.addEventListener('error', () => {
      this.awake.delete(ws);
      this.webSocketError(ws).catch(fail);
    });
  }

  /** Every socket of this hub, or one device's. */
  private allSockets(peer?: string): WebSocket[] {
    const hibernating = peer === undefined ? this.ctx.getWebSockets() : this.ctx.getWebSockets(peer);
    const live = [...this.awake].filter((ws) => peer === undefined || info(ws)?.peer === peer);
    return [...hibernating, ...live];
  }

  /** The device's newest open socket here, or null. */
  private socketOf(peer: string): WebSocket | null {
    const cached = this.sockets.get(peer);
    if (cached?.readyState === OPEN) return cached;
    // an awake hub's map is complete; after hibernation it is empty and the tag finds the sockets
    if (!this.hibernate) return null;
    let best: WebSocket | null = null;
    let bestConn = -1;
    for (const ws of this.allSockets(peer)) {
      const conn = info(ws)?.conn ?? -1;
      if (ws.readyState === OPEN && conn > bestConn) {
        best = ws;
        bestConn = conn;
      }
    }
    if (best) this.sockets.set(peer, best);
    else this.sockets.delete(peer);
    return best;
  }

  /** A socket is gone: the hub decides whether its device went offline. */
  private async dropped(ws: WebSocket): Promise<void> {
    const peer = info(ws)?.peer;
    if (peer) await this.hub.dropped(peer);
  }

  private syncPresence(peer: string): Promise<void> {
    return this.presence.sync(peer, () => {
      const ws = this.socketOf(peer);
      return ws ? (info(ws)?.since ?? this.now()) : null;
    });
  }

  private async schedule(): Promise<void> {
    const times: number[] = [];
    const expiry = this.store.nextExpiry();
    if (expiry !== null) times.push(expiry);
    const anySocket = this.sockets.size > 0 || this.awake.size > 0 || this.ctx.getWebSockets().length > 0;
    if (anySocket || (await this.store.publishedPeers()).length > 0) {
      times.push(Date.now() + SWEEP_MS);
    }
    if (times.length === 0) return;
    const next = Math.min(...times);
    const existing = await this.ctx.storage.getAlarm();
    if (existing === null || existing > next) await this.ctx.storage.setAlarm(next);
  }

  private stub(dst: string): DurableObjectStub<PeerSocket> {
    let stub = this.stubs.get(dst);
    if (!stub) {
      stub = peerStub(this.env, dst);
      this.stubs.set(dst, stub);
    }
    return stub;
  }
}
