// A signaling hub: holds the PeerJS sockets of the devices it serves (every device on a LAN tracker, one
// device per object when deployed: see stub.ts), relays their frames, keeps frames for a device that is
// away, and owns their presence. Two devices on one hub talk through memory; otherwise a batch goes to
// the other hub by RPC (`accept`). The Worker authenticates before forwarding here (connect.ts).
import { DurableObject } from 'cloudflare:workers';
import { listRoomsOfPeer, shareARoom } from '../db/rooms.ts';
import { SignalingStore } from '../db/signalingStore.ts';
import type { Env } from '../env.ts';
import { CLOSE, HEARTBEAT, SIGNALING_LIMITS } from '../protocol/signaling.ts';
import { DeviceLimits } from './deviceLimits.ts';
import { type DeliveryKind, Outbox } from './outbox.ts';
import { intersects, PeerRooms } from './peerRooms.ts';
import { Presence } from './presence.ts';
import { RoomCheck } from './roomCheck.ts';
import { decideFrame, expireFrame, isSilent, leaveFrame, OPEN_FRAME, relayFrame } from './rules.ts';
import { closeQuietly, info, keepInfo, refuseUpgrade, type SocketInfo, sendQuietly } from './sockets.ts';
import { hubId, PEER_HEADER, peerStub } from './stub.ts';

/** How often the alarm looks for silent sockets while any is open. */
const SWEEP_MS = 20_000;
const OPEN = 1;

export class PeerSocket extends DurableObject<Env> {
  /** Overridable in tests (runInDurableObject) to move this object's clock. */
  now = () => Date.now();
  readonly limits = new DeviceLimits();

  private readonly store: SignalingStore;
  private readonly outbox: Outbox;
  private readonly presence: Presence;
  private readonly rooms: PeerRooms;
  private readonly remoteCheck: RoomCheck;
  /** Each device's current socket (a cache of the newest open socket with its tag). */
  private readonly sockets = new Map<string, WebSocket>();
  /** Contacts recorded in this life of the object, so each is written once. */
  private readonly contacts = new Map<string, Set<string>>();
  private readonly stubs = new Map<string, DurableObjectStub<PeerSocket>>();
  /** Sockets of a hub that stays awake (not hibernatable, so getWebSockets() does not list them). */
  private readonly awake = new Set<WebSocket>();
  private readonly hibernate: boolean;
  private connSeq = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SignalingStore(ctx.storage);
    this.rooms = new PeerRooms((peer) => listRoomsOfPeer(env.DB, peer));
    this.presence = new Presence(env, this.store, this.rooms);
    this.remoteCheck = new RoomCheck(env.DB);
    this.hibernate = env.TRACKER_MODE !== 'lan';
    // heartbeats are answered by the runtime without waking this object; the peerjs client ignores
    // the echo (a message without payload is only logged at debug level)
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT, HEARTBEAT));
    this.outbox = new Outbox({
      deliver: (dst, src, kind, frames) => this.forward(dst, src, kind, frames),
      refused: (dst, src) => this.sendTo(src, [expireFrame(dst, src)]),
    });
  }

  /** The upgrade, already authenticated by the Worker. */
  override async fetch(request: Request): Promise<Response> {
    const peer = request.headers.get(PEER_HEADER);
    if (!peer) return new Response('missing peer id', { status: 400 });
    const now = this.now();
    if (!this.limits.connect(peer, now)) {
      return refuseUpgrade('ERROR', 'This device opened too many signaling connections. Wait a minute.');
    }
    const previous = this.socketOf(peer);
    const { 0: client, 1: server } = new WebSocketPair();
    const attachment: SocketInfo = { peer, conn: now * 1000 + (this.connSeq++ % 1000), since: now };
    this.acceptSocket(server, attachment);
    this.sockets.set(peer, server);
    if (previous) closeQuietly(previous, CLOSE.replaced, 'replaced by a newer connection for this id');
    // OPEN then the frames that waited, before anything else can run: order is kept
    for (const f of [OPEN_FRAME, ...this.store.takePending(peer)]) sendQuietly(server, f);
    await Promise.all([this.syncPresence(peer), this.schedule()]);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const peer = info(ws)?.peer;
    if (!peer || this.socketOf(peer) !== ws) {
      closeQuietly(ws, CLOSE.replaced, 'replaced by a newer connection for this id');
      return;
    }
    const now = this.now();
    const decision = decideFrame(message, peer, this.limits.frameBucket(peer, now), now);
    switch (decision.kind) {
      case 'ignore':
        return;
      case 'close':
        closeQuietly(ws, decision.code, decision.reason);
        return this.dropped(ws);
      case 'expire':
        sendQuietly(ws, expireFrame(decision.dst, peer));
        return;
    }
    if (!this.limits.toPeer(peer, decision.dst, decision.type, now)) {
      sendQuietly(ws, expireFrame(decision.dst, peer));
      return;
    }
    const frame = relayFrame(decision, peer);
    if (this.relayHere(peer, decision.dst, frame)) return;
    await this.outbox.push(decision.dst, peer, 'relay', frame);
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1000, 'closed');
    await this.dropped(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.dropped(ws);
  }

  /**
   * RPC (and the local path): a batch from `src` for `dst`, a device this hub serves. A relayed batch
   * goes through only if they share a room; `srcRooms` are the sender's rooms as its own hub knows them
   * (null when `src` is served here). Everything up to the first await is synchronous, so batches through
   * one stub are handled strictly in order.
   */
  async accept(
    dst: string,
    src: string,
    srcRooms: string[] | null,
    kind: DeliveryKind,
    frames: string[],
  ): Promise<boolean> {
    if (kind === 'relay') {
      if (!(await this.mayRelay(src, srcRooms, dst))) return false;
      this.noteContact(dst, src);
      if (srcRooms === null) this.noteContact(src, dst);
    }
    if (kind === 'leave') this.dropContact(dst, src);
    const ws = this.socketOf(dst);
    if (ws) {
      for (const f of frames) sendQuietly(ws, f);
      return true;
    }
    // notices for a device that is gone mean nothing later; relayed frames wait a while
    if (kind !== 'relay') return true;
    const kept = this.store.enqueue(dst, src, frames, this.now() + SIGNALING_LIMITS.queueMs);
    await this.schedule();
    // a full queue refuses: the sender hears EXPIRE at once
    return kept > 0;
  }

  /**
   * RPC from the routes: a membership of `peer` changed. Its rooms are read again before its next frame;
   * contacts it no longer shares a room with hear LEAVE (their peerjs drops its connections) and so
   * does it, so a removal stops signaling at once, both ways.
   */
  async membershipChanged(peer: string): Promise<void> {
    this.rooms.invalidate(peer);
    this.remoteCheck.forgetFrom(peer);
    const contacts = new Set([...(this.contacts.get(peer) ?? []), ...(await this.store.listContacts(peer))]);
    const stale: string[] = [];
    for (const c of contacts) if (!(await shareARoom(this.env.DB, peer, c))) stale.push(c);
    for (const c of stale) {
      this.dropContact(peer, c);
      this.sendTo(peer, [leaveFrame(c, peer)]);
      void this.outbox.push(c, peer, 'leave', leaveFrame(peer, c));
    }
  }

  /** RPC from the routes: the device was forgotten or changed its secret; its sockets close now. */
  async kick(peer: string, reason: string): Promise<void> {
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
    for (const { dst, src } of this.store.takeExpired(now)) {
      work.push(this.outbox.push(src, dst, 'expire', expireFrame(dst, src)));
    }
    const peers = new Set(await this.store.publishedPeers());
    for (const ws of this.allSockets()) {
      const peer = info(ws)?.peer;
      if (peer) peers.add(peer);
    }
    for (const peer of peers) work.push(this.syncPresence(peer));
    this.limits.prune(now);
    this.remoteCheck.prune(now);
    this.rooms.prune((peer) => this.socketOf(peer) !== null);
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

  /** The fast path: both devices here and known to share a room. False: the frame must queue. */
  private relayHere(src: string, dst: string, frame: string): boolean {
    if (this.outbox.busy(dst)) return false;
    const ws = this.socketOf(dst);
    if (!ws || this.rooms.check(src, dst) !== true) return false;
    this.noteContact(src, dst);
    this.noteContact(dst, src);
    return sendQuietly(ws, frame);
  }

  /** The outbox's port: to `dst` on this hub or on its own. */
  private async forward(dst: string, src: string, kind: DeliveryKind, frames: string[]): Promise<boolean> {
    if (this.isHere(dst)) return this.accept(dst, src, null, kind, frames);
    if (kind === 'relay' && !(await this.remoteCheck.allowed(src, dst, this.now()))) return false;
    const srcRooms = kind === 'relay' ? [...(await this.rooms.load(src)).rooms] : null;
    const taken = await this.stub(dst).accept(dst, src, srcRooms, kind, frames);
    if (taken && kind === 'relay') this.noteContact(src, dst);
    return taken;
  }

  private async mayRelay(src: string, srcRooms: string[] | null, dst: string): Promise<boolean> {
    // rooms another hub sent may miss a join it was not told about: never the last word
    const mine = srcRooms ? { rooms: srcRooms, fresh: false } : await this.rooms.load(src);
    const theirs = await this.rooms.load(dst);
    if (intersects(mine.rooms, theirs.rooms)) return true;
    if (mine.fresh && theirs.fresh) return false;
    // remembered rooms say no: D1 decides (a join nobody told this hub about must work at once)
    const ok = await shareARoom(this.env.DB, src, dst);
    if (ok) {
      this.rooms.invalidate(dst);
      if (srcRooms === null) this.rooms.invalidate(src);
    }
    return ok;
  }

  private isHere(peer: string): boolean {
    return this.socketOf(peer) !== null || hubId(this.env, peer).equals(this.ctx.id);
  }

  private sendTo(peer: string, frames: string[]) {
    const ws = this.socketOf(peer);
    if (ws) for (const f of frames) sendQuietly(ws, f);
  }

  /** Remembers that `peer` (served here) exchanged signaling with `contact`, for its LEAVE later. */
  private noteContact(peer: string, contact: string) {
    if (!this.socketOf(peer)) return;
    let set = this.contacts.get(peer);
    if (!set) {
      set = new Set();
      this.contacts.set(peer, set);
    }
    if (set.has(contact) || set.size >= SIGNALING_LIMITS.maxContacts) return;
    set.add(contact);
    this.store.addContact(peer, contact);
  }

  private dropContact(peer: string, contact: string) {
    this.contacts.get(peer)?.delete(contact);
    this.store.dropContact(peer, contact);
  }

  /** A socket is gone: if it was the device's current one, the device is offline and its contacts told. */
  private async dropped(ws: WebSocket): Promise<void> {
    const peer = info(ws)?.peer;
    if (!peer || this.socketOf(peer)) return;
    this.contacts.delete(peer);
    const contacts = await this.store.takeContacts(peer);
    if (this.socketOf(peer)) return; // came back meanwhile
    const leaves = contacts.map((c) => this.outbox.push(c, peer, 'leave', leaveFrame(peer, c)));
    await Promise.all([...leaves, this.syncPresence(peer), this.schedule()]);
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
