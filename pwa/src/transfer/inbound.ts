// Inbound connections: which ones the app keeps. The unmodified peerjs client builds a peer connection
// for every OFFER the relay passes and keeps signaling frames for connection ids it does not know; from
// the app we close what we did not expect (unknown label, other serialization, media calls, more than a
// few from one device or in total, never opening) quickly, and sweep the client's store of orphaned
// frames. The decision is a pure function; the guard applies it to a Peer.
import type { Clock } from './clock.ts';
import { every } from './clock.ts';

/** DataConnection label that marks our transfer channels. */
export const TRANSFER_LABEL = 'meshdrop-transfer';

export const INBOUND_LIMITS = {
  /** Connections one device may hold to us at once (a downloader opens one per file it fetches). */
  perRemote: 6,
  /** Connections from everyone together. */
  total: 32,
  /** A connection must open within this long, or it is closed. */
  openWithinMs: 15_000,
  /** Orphaned signaling frames are dropped after this long (peerjs would keep them forever). */
  orphanMs: 10_000,
  /** and never more than this many connection ids' worth at once */
  maxOrphans: 64,
} as const;

export type Refusal = 'label' | 'serialization' | 'unreliable' | 'per_remote' | 'total';

export interface Offer {
  remote: unknown;
  label: unknown;
  serialization: unknown;
  reliable: unknown;
}

/** Why an inbound data connection is refused, or null to accept it. */
export function refusalOf(offer: Offer, open: { fromRemote: number; total: number }): Refusal | null {
  if (offer.label !== TRANSFER_LABEL || typeof offer.remote !== 'string') return 'label';
  if (offer.serialization !== 'raw') return 'serialization';
  if (offer.reliable !== true) return 'unreliable';
  if (open.fromRemote >= INBOUND_LIMITS.perRemote) return 'per_remote';
  if (open.total >= INBOUND_LIMITS.total) return 'total';
  return null;
}

/** The parts of a peerjs DataConnection / MediaConnection the guard touches. */
export interface InboundConnection {
  peer?: unknown;
  label?: unknown;
  serialization?: unknown;
  reliable?: unknown;
  open?: boolean;
  close?: () => void;
  on?: (event: string, fn: () => void) => unknown;
}

/** The parts of a peerjs Peer the guard touches (`_lostMessages` and `_connections` are peerjs 1.5 internals). */
export interface GuardedPeer {
  on(event: 'connection' | 'call', fn: (conn: InboundConnection) => void): unknown;
  off(event: 'connection' | 'call', fn: (conn: InboundConnection) => void): unknown;
  _lostMessages?: Map<string, unknown[]>;
  _connections?: Map<string, unknown[]>;
}

export interface InboundStats {
  accepted: number;
  refused: Record<Refusal | 'media' | 'never_opened', number>;
  /** orphaned signaling frames dropped from the peerjs client's store */
  orphansSwept: number;
}

export class InboundGuard {
  readonly stats: InboundStats = {
    accepted: 0,
    refused: {
      label: 0,
      serialization: 0,
      unreliable: 0,
      per_remote: 0,
      total: 0,
      media: 0,
      never_opened: 0,
    },
    orphansSwept: 0,
  };
  private readonly live = new Map<string, Set<InboundConnection>>();
  private total = 0;
  private readonly clock: Clock;
  private readonly accept: (conn: InboundConnection) => void;

  constructor(clock: Clock, accept: (conn: InboundConnection) => void) {
    this.clock = clock;
    this.accept = accept;
  }

  /** Guards `peer` until the returned function is called. */
  attach(peer: GuardedPeer): () => void {
    const onConnection = (conn: InboundConnection) => this.admit(peer, conn);
    const onCall = (call: InboundConnection) => {
      this.stats.refused.media++;
      this.closeSoon(peer, call);
    };
    peer.on('connection', onConnection);
    peer.on('call', onCall);
    const firstSeen = new Map<string, number>();
    const stopSweeping = every(this.clock, 2000, () => this.sweep(peer, firstSeen));
    return () => {
      peer.off('connection', onConnection);
      peer.off('call', onCall);
      stopSweeping();
    };
  }

  private admit(peer: GuardedPeer, conn: InboundConnection) {
    const remote = typeof conn?.peer === 'string' ? conn.peer : '';
    const mine = this.live.get(remote);
    const refusal = refusalOf(
      {
        remote: conn?.peer,
        label: conn?.label,
        serialization: conn?.serialization,
        reliable: conn?.reliable,
      },
      { fromRemote: mine?.size ?? 0, total: this.total },
    );
    if (refusal) {
      this.stats.refused[refusal]++;
      return this.closeSoon(peer, conn);
    }
    this.stats.accepted++;
    const set = mine ?? new Set<InboundConnection>();
    set.add(conn);
    this.live.set(remote, set);
    this.total++;
    let gone = false;
    const forget = () => {
      if (gone) return;
      gone = true;
      this.clock.clearTimeout(timer);
      set.delete(conn);
      if (set.size === 0 && this.live.get(remote) === set) this.live.delete(remote);
      this.total--;
    };
    const timer = this.clock.setTimeout(() => {
      if (conn.open) return;
      this.stats.refused.never_opened++;
      forget();
      this.closeSoon(peer, conn);
    }, INBOUND_LIMITS.openWithinMs);
    conn.on?.('close', forget);
    conn.on?.('error', forget);
    this.accept(conn);
  }

  /**
   * Closes after the current event: peerjs hands the connection its queued frames right after emitting
   * it, and would throw on a connection already closed. Something that is not a connection at all is
   * taken out of the client's table directly.
   */
  private closeSoon(peer: GuardedPeer, conn: InboundConnection) {
    queueMicrotask(() => {
      try {
        if (typeof conn?.close === 'function') return conn.close();
      } catch {
        // fall through: remove it by hand
      }
      for (const list of peer._connections?.values() ?? []) {
        const i = list.indexOf(conn);
        if (i !== -1) list.splice(i, 1);
      }
    });
  }

  /** Drops frames the peerjs client keeps for connection ids it does not know, after a short grace. */
  private sweep(peer: GuardedPeer, firstSeen: Map<string, number>) {
    const lost = peer._lostMessages;
    if (!(lost instanceof Map)) return;
    const now = this.clock.now();
    for (const id of firstSeen.keys()) if (!lost.has(id)) firstSeen.delete(id);
    const overflow = lost.size > INBOUND_LIMITS.maxOrphans;
    for (const [id, frames] of lost) {
      const seen = firstSeen.get(id);
      if (seen === undefined && !overflow) {
        firstSeen.set(id, now);
        continue;
      }
      if (overflow || now - (seen ?? now) >= INBOUND_LIMITS.orphanMs) {
        this.stats.orphansSwept += Array.isArray(frames) ? frames.length : 1;
        lost.delete(id);
        firstSeen.delete(id);
      }
    }
  }
}
