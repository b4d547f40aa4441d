// The signaling relay's rules, once, for both places that terminate PeerJS sockets: the `PeerSocket`
// Durable Object (a deployed tracker, one object per device) and the LAN front of `npm start`
// (worker/scripts/lanRelay.ts, every device in one Node process). What a hub does with a connection, a
// frame, a close, a membership change or a revocation is decided here; the sockets, the storage, the
// clock, the catalog and the other hubs come in as ports, so the rules run unchanged under workerd, under
// Node, and in unit tests with a fake clock.
import { SIGNALING_LIMITS } from '../protocol/signaling.ts';
import { DeviceLimits } from './deviceLimits.ts';
import { type DeliveryKind, Outbox } from './outbox.ts';
import { intersects, PeerRooms } from './peerRooms.ts';
import { decideFrame, expireFrame, leaveFrame, OPEN_FRAME, relayFrame } from './rules.ts';

/** What a hub keeps per device it serves: frames for a device that is away, and its contacts. */
export interface HubStore {
  /** Keeps frames for `dst` until `expiresAt`; returns how many were kept (a full queue keeps none). */
  enqueue(dst: string, src: string, frames: string[], expiresAt: number): number;
  /** Removes and returns the frames waiting for `dst`, oldest first. */
  takePending(dst: string): string[];
  /** Pairs whose waiting frames expired by `now` (dropped). */
  takeExpired(now: number): { dst: string; src: string }[];
  addContact(peer: string, contact: string): void;
  dropContact(peer: string, contact: string): void;
  listContacts(peer: string): Promise<string[]>;
  takeContacts(peer: string): Promise<string[]>;
}

/** Devices served by other hubs (a deployed tracker); absent when one hub serves every device. */
export interface RemoteHubs {
  isHere(peer: string): boolean;
  /** The sending side's room check for a destination elsewhere (never creates the other hub for nobody). */
  allowed(src: string, dst: string): Promise<boolean>;
  accept(
    dst: string,
    src: string,
    srcRooms: string[] | null,
    kind: DeliveryKind,
    frames: string[],
  ): Promise<boolean>;
}

export interface HubPorts<S> {
  now(): number;
  store: HubStore;
  /** The device's newest open socket on this hub. */
  socketOf(peer: string): S | null;
  send(ws: S, text: string): boolean;
  close(ws: S, code: number, reason: string): void;
  /** The catalog: a device's rooms, and whether two devices share one. */
  fetchRooms(peer: string): Promise<string[]>;
  shareARoom(a: string, b: string): Promise<boolean>;
  /** Brings the device's presence in line with whether it has a socket here. */
  syncPresence(peer: string): Promise<void>;
  /** Wakes the hub later for expiries and sweeps. */
  schedule(): Promise<void>;
  remote?: RemoteHubs;
}

export class SignalingHub<S> {
  readonly limits = new DeviceLimits();
  readonly rooms: PeerRooms;
  private readonly ports: HubPorts<S>;
  private readonly outbox: Outbox;
  /** Contacts recorded in this life of the hub, so each is written once. */
  private readonly contacts = new Map<string, Set<string>>();

  constructor(ports: HubPorts<S>) {
    this.ports = ports;
    this.rooms = new PeerRooms(ports.fetchRooms, ports.now);
    this.outbox = new Outbox({
      deliver: (dst, src, kind, frames) => this.forward(dst, src, kind, frames),
      refused: (dst, src) => this.sendTo(src, [expireFrame(dst, src)]),
    });
  }

  /** Whether the device may open one more signaling socket now (per device, across reconnects). */
  mayConnect(peer: string): boolean {
    return this.limits.connect(peer, this.ports.now());
  }

  /** The device's new socket is its current one: OPEN, then what waited for it, before anything else. */
  opened(peer: string, ws: S) {
    for (const f of [OPEN_FRAME, ...this.ports.store.takePending(peer)]) this.ports.send(ws, f);
  }

  /** A frame from `ws`, the current socket of `peer`. */
  async message(peer: string, ws: S, message: string | ArrayBuffer): Promise<void> {
    const now = this.ports.now();
    const decision = decideFrame(message, peer, this.limits.frameBucket(peer, now), now);
    switch (decision.kind) {
      case 'ignore':
        return;
      case 'close':
        this.ports.close(ws, decision.code, decision.reason);
        return this.dropped(peer);
      case 'expire':
        this.ports.send(ws, expireFrame(decision.dst, peer));
        return;
    }
    if (!this.limits.toPeer(peer, decision.dst, decision.type, now)) {
      this.ports.send(ws, expireFrame(decision.dst, peer));
      return;
    }
    const frame = relayFrame(decision, peer);
    if (this.relayHere(peer, decision.dst, frame)) return;
    await this.outbox.push(decision.dst, peer, 'relay', frame);
  }

  /**
   * A batch from `src` for `dst`, a device this hub serves. A relayed batch goes through only if they
   * share a room; `srcRooms` are the sender's rooms as its own hub knows them (null when `src` is served
   * here). Everything up to the first await is synchronous, so batches are handled strictly in order.
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
    const ws = this.ports.socketOf(dst);
    if (ws) {
      for (const f of frames) this.ports.send(ws, f);
      return true;
    }
    // notices for a device that is gone mean nothing later; relayed frames wait a while
    if (kind !== 'relay') return true;
    const kept = this.ports.store.enqueue(dst, src, frames, this.ports.now() + SIGNALING_LIMITS.queueMs);
    await this.ports.schedule();
    // a full queue refuses: the sender hears EXPIRE at once
    return kept > 0;
  }

  /**
   * A membership of `peer` changed: its rooms are read again before its next frame; contacts it no longer
   * shares a room with hear LEAVE (their peerjs drops its connections) and so does it, so a removal stops
   * signaling at once, both ways.
   */
  async membershipChanged(peer: string): Promise<void> {
    this.rooms.invalidate(peer);
    const contacts = new Set([
      ...(this.contacts.get(peer) ?? []),
      ...(await this.ports.store.listContacts(peer)),
    ]);
    const stale: string[] = [];
    for (const c of contacts) if (!(await this.ports.shareARoom(peer, c))) stale.push(c);
    for (const c of stale) {
      this.dropContact(peer, c);
      this.sendTo(peer, [leaveFrame(c, peer)]);
      void this.outbox.push(c, peer, 'leave', leaveFrame(peer, c));
    }
  }

  /** A socket of `peer` is gone: if the device has no other, it is offline and its contacts are told. */
  async dropped(peer: string): Promise<void> {
    if (this.ports.socketOf(peer)) return;
    this.contacts.delete(peer);
    const contacts = await this.ports.store.takeContacts(peer);
    if (this.ports.socketOf(peer)) return; // came back meanwhile
    const leaves = contacts.map((c) => this.outbox.push(c, peer, 'leave', leaveFrame(peer, c)));
    await Promise.all([...leaves, this.ports.syncPresence(peer), this.ports.schedule()]);
  }

  /** Frames that waited too long for an absent device: each sender hears EXPIRE once. */
  expire(now: number): Promise<void>[] {
    return this.ports.store
      .takeExpired(now)
      .map(({ dst, src }) => this.outbox.push(src, dst, 'expire', expireFrame(dst, src)));
  }

  /** Forgets what no longer matters (full buckets, rooms of devices not here). */
  prune(now: number) {
    this.limits.prune(now);
    this.rooms.prune((peer) => this.ports.socketOf(peer) !== null);
  }

  /** The fast path: both devices here and known to share a room. False: the frame must queue. */
  private relayHere(src: string, dst: string, frame: string): boolean {
    if (this.outbox.busy(dst)) return false;
    const ws = this.ports.socketOf(dst);
    if (!ws || this.rooms.check(src, dst) !== true) return false;
    this.noteContact(src, dst);
    this.noteContact(dst, src);
    return this.ports.send(ws, frame);
  }

  /** The outbox's port: to `dst` on this hub or on its own. */
  private async forward(dst: string, src: string, kind: DeliveryKind, frames: string[]): Promise<boolean> {
    const remote = this.ports.remote;
    if (!remote || remote.isHere(dst)) return this.accept(dst, src, null, kind, frames);
    if (kind === 'relay' && !(await remote.allowed(src, dst))) return false;
    const srcRooms = kind === 'relay' ? [...(await this.rooms.load(src)).rooms] : null;
    const taken = await remote.accept(dst, src, srcRooms, kind, frames);
    if (taken && kind === 'relay') this.noteContact(src, dst);
    return taken;
  }

  private async mayRelay(src: string, srcRooms: string[] | null, dst: string): Promise<boolean> {
    // rooms another hub sent may miss a join it was not told about: never the last word
    const mine = srcRooms ? { rooms: srcRooms, fresh: false } : await this.rooms.load(src);
    const theirs = await this.rooms.load(dst);
    if (intersects(mine.rooms, theirs.rooms)) return true;
    if (mine.fresh && theirs.fresh) return false;
    // remembered rooms say no: the catalog decides (a join nobody told this hub about must work at once)
    const ok = await this.ports.shareARoom(src, dst);
    if (ok) {
      this.rooms.invalidate(dst);
      if (srcRooms === null) this.rooms.invalidate(src);
    }
    return ok;
  }

  private sendTo(peer: string, frames: string[]) {
    const ws = this.ports.socketOf(peer);
    if (ws) for (const f of frames) this.ports.send(ws, f);
  }

  /** Remembers that `peer` (served here) exchanged signaling with `contact`, for its LEAVE later. */
  private noteContact(peer: string, contact: string) {
    if (!this.ports.socketOf(peer)) return;
    let set = this.contacts.get(peer);
    if (!set) {
      set = new Set();
      this.contacts.set(peer, set);
    }
    if (set.has(contact) || set.size >= SIGNALING_LIMITS.maxContacts) return;
    set.add(contact);
    this.ports.store.addContact(peer, contact);
  }

  private dropContact(peer: string, contact: string) {
    this.contacts.get(peer)?.delete(contact);
    this.ports.store.dropContact(peer, contact);
  }
}
