// One Durable Object per peer id: holds that peer's PeerJS socket (hibernatable), relays its frames to
// other peers' objects, keeps frames for it while it is away, and owns its presence.
// The Worker authenticates before forwarding here (connect.ts); nothing else can reach this object.
import { DurableObject } from 'cloudflare:workers';
import { SignalingStore } from '../db/signalingStore.ts';
import type { Env } from '../env.ts';
import { CLOSE, HEARTBEAT, SIGNALING_LIMITS } from '../protocol/signaling.ts';
import { type DeliveryKind, Outbox } from './outbox.ts';
import { Presence } from './presence.ts';
import { RoomCheck } from './roomCheck.ts';
import {
  decideFrame,
  expiredSenders,
  expireFrame,
  isSilent,
  leaveFrame,
  OPEN_FRAME,
  type RateLimits,
  relayFrame,
  TokenBucket,
} from './rules.ts';
import { closeQuietly, info, type SocketInfo } from './sockets.ts';
import { PEER_HEADER, peerStub } from './stub.ts';

/** How often the alarm looks for silent sockets while any is open. */
const SWEEP_MS = 20_000;

export class PeerSocket extends DurableObject<Env> {
  /** Overridable in tests (runInDurableObject) to move this object's clock. */
  now = () => Date.now();
  rate: RateLimits = { burst: SIGNALING_LIMITS.burst, perSecond: SIGNALING_LIMITS.perSecond };

  private readonly store: SignalingStore;
  private readonly outbox: Outbox;
  private readonly presence: Presence;
  private readonly rooms: RoomCheck;
  private readonly buckets = new WeakMap<WebSocket, TokenBucket>();
  private readonly stubs = new Map<string, DurableObjectStub<PeerSocket>>();
  private cur: { conn: number; ws: WebSocket } | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SignalingStore(ctx.storage);
    this.presence = new Presence(env, this.store);
    this.rooms = new RoomCheck(env.DB);
    // heartbeats are answered by the runtime without waking this object; the peerjs client ignores
    // the echo (a message without payload is only logged at debug level)
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT, HEARTBEAT));
    this.outbox = new Outbox({
      allowed: (dst) => this.rooms.allowed(this.self(), dst, this.now()),
      deliver: (dst, kind, frames) => this.stub(dst).deliver(dst, this.self(), kind, frames),
      refused: (dst) => this.sendOwn([expireFrame(dst, this.self())]),
    });
  }

  /** The upgrade, already authenticated by the Worker. */
  override async fetch(request: Request): Promise<Response> {
    const peerId = request.headers.get(PEER_HEADER);
    if (!peerId) return new Response('missing peer id', { status: 400 });
    this.store.setSelf(peerId);
    const previous = this.current();
    const { 0: client, 1: server } = new WebSocketPair();
    const attachment: SocketInfo = { conn: this.store.nextConn(), since: this.now() };
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(attachment);
    if (previous) closeQuietly(previous, CLOSE.replaced, 'replaced by a newer connection for this id');
    // OPEN then the frames that waited, before anything else can run: order is kept
    this.sendOwn([OPEN_FRAME, ...this.store.takePending()]);
    await Promise.all([this.syncPresence(), this.schedule()]);
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * RPC from another peer's object: frames for this peer. Everything up to the first await is
   * synchronous, so calls through one stub are handled strictly in order.
   */
  async deliver(self: string, src: string, kind: DeliveryKind, frames: string[]): Promise<boolean> {
    this.store.setSelf(self);
    if (kind === 'relay') this.store.addContact(src);
    if (kind === 'leave') this.store.dropContact(src);
    if (this.sendOwn(frames) || kind !== 'relay') return true;
    // away: keep relayed frames for a while; notices for a peer that is gone mean nothing later
    const kept = this.store.enqueue(src, frames, this.now() + SIGNALING_LIMITS.queueMs);
    await this.schedule();
    // a full queue refuses: the sender hears EXPIRE at once
    return kept > 0;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (info(ws)?.conn !== this.store.currentConn()) {
      closeQuietly(ws, CLOSE.replaced, 'replaced by a newer connection for this id');
      return;
    }
    let bucket = this.buckets.get(ws);
    if (!bucket) {
      // a fresh bucket after hibernation is fine: hibernating takes longer than refilling one
      bucket = new TokenBucket(this.rate, this.now());
      this.buckets.set(ws, bucket);
    }
    const self = this.self();
    const decision = decideFrame(message, self, bucket, this.now());
    if (decision.kind === 'ignore') return;
    if (decision.kind === 'close') {
      closeQuietly(ws, decision.code, decision.reason);
      await this.dropped(ws);
      return;
    }
    this.store.addContact(decision.dst);
    await this.outbox.push(decision.dst, 'relay', relayFrame(decision, self));
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1000, 'closed');
    await this.dropped(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.dropped(ws);
  }

  /** Silent sockets, expired queues, and presence that must be put right (e.g. after a restart). */
  override async alarm(): Promise<void> {
    const now = this.now();
    const work: Promise<void>[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      const heard = Math.max(
        this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0,
        info(ws)?.since ?? 0,
      );
      if (isSilent(heard, now)) {
        closeQuietly(ws, CLOSE.silent, 'no heartbeat');
        work.push(this.dropped(ws));
      }
    }
    const expired = expiredSenders(this.store.queued(), now);
    this.store.dropFrom(expired);
    for (const src of expired) work.push(this.outbox.push(src, 'expire', expireFrame(this.self(), src)));
    work.push(this.syncPresence());
    await Promise.all(work);
    await this.schedule();
  }

  /** The socket that speaks for this peer now, if open (looked up once per instance, then remembered). */
  private current(): WebSocket | null {
    const conn = this.store.currentConn();
    if (conn === 0) return null;
    if (this.cur?.conn !== conn || this.cur.ws.readyState !== 1) {
      const ws = this.ctx.getWebSockets().find((w) => info(w)?.conn === conn && w.readyState === 1);
      this.cur = ws ? { conn, ws } : undefined;
    }
    return this.cur?.ws ?? null;
  }

  private self(): string {
    return this.store.self() ?? '';
  }

  /** Sends on the current socket; false when there is none (or it broke mid-way). */
  private sendOwn(frames: string[]): boolean {
    const ws = this.current();
    if (!ws) return false;
    try {
      for (const f of frames) ws.send(f);
      return true;
    } catch {
      return false;
    }
  }

  /** The socket is gone: if it was the current one, the peer is offline and its contacts are told. */
  private async dropped(ws: WebSocket): Promise<void> {
    if (info(ws)?.conn !== this.store.currentConn()) return;
    this.store.clearCurrent();
    const self = this.self();
    const leaves = this.store.takeContacts().map((c) => this.outbox.push(c, 'leave', leaveFrame(self, c)));
    await Promise.all([...leaves, this.syncPresence(), this.schedule()]);
  }

  private syncPresence(): Promise<void> {
    return this.presence.sync(() => {
      const ws = this.current();
      return ws ? (info(ws)?.since ?? this.now()) : null;
    });
  }

  private async schedule(): Promise<void> {
    const times: number[] = [];
    const expiry = this.store.nextExpiry();
    if (expiry !== null) times.push(expiry);
    if (this.ctx.getWebSockets().length > 0 || this.store.published()) times.push(Date.now() + SWEEP_MS);
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
