// This device's signaling connection in Node: the app's own SignalingClient (reconnects with fresh
// tickets on the same Peer, so transfers outlive a tracker restart), given peerjs as Node loads it and the
// tracker's address. Incoming data connections are handed to `onConnection`, on every Peer it makes,
// through the app's InboundGuard, as in the page.
import type { DataConnection, Peer } from 'peerjs';
import { type SignalingClient as Client, SignalingClient } from '../../../pwa/src/net/signaling.ts';
import { type Clock, systemClock } from '../../../pwa/src/transfer/clock.ts';
import { type GuardedPeer, InboundGuard } from '../../../pwa/src/transfer/inbound.ts';
import { CliError } from '../errors.ts';
import { loadPeerJs, setIceServers } from './webrtc.ts';

export interface NodeSignalingOptions {
  /** The tracker, e.g. https://192.168.1.2:8788 */
  origin: string;
  peerId: string;
  getTicket: () => Promise<string>;
  iceServers: RTCIceServer[];
  onConnection: (conn: DataConnection) => void;
}

export interface NodeSignaling {
  readonly client: Client;
  /** The live Peer, or null between two of them. */
  peer(): Peer | null;
  /**
   * Resolves the first time this device is connected. Rejects with `device_busy` when the tracker gives
   * the id to another connection of this device. A tracker out of reach is retried: callers time out.
   */
  ready: Promise<void>;
  stop(): void;
}

export function connectSignaling(options: NodeSignalingOptions): NodeSignaling {
  setIceServers(options.iceServers);
  const { Peer: PeerJsPeer } = loadPeerJs();
  const url = new URL(options.origin);
  const secure = url.protocol === 'https:';
  const client = new SignalingClient({
    peerId: options.peerId,
    getTicket: options.getTicket,
    getIceServers: async () => options.iceServers,
    createPeer: (id, peerOptions) => new PeerJsPeer(id, peerOptions),
    server: { host: url.hostname, port: Number(url.port) || (secure ? 443 : 80), secure },
  });
  let guarded: Peer | null = null;
  let detach = () => {};
  const attach = () => {
    const peer = client.peer.get();
    if (!peer || peer === guarded) return;
    detach();
    guarded = peer;
    detach = guardInbound(peer, options.onConnection);
  };
  client.peer.subscribe(attach);
  const ready = new Promise<void>((resolve, reject) => {
    const look = () => {
      const status = client.status.get();
      if (status === 'connected') resolve();
      else if (status === 'taken') {
        client.stop();
        reject(new CliError('device_busy', 'the tracker gave this device’s connection to another process'));
      }
    };
    client.status.subscribe(look);
  });
  client.start();
  return {
    client,
    peer: () => client.peer.get(),
    ready,
    stop: () => {
      client.stop();
      detach();
    },
  };
}

/**
 * Hands `peer`'s inbound data connections to `onConnection`, keeping only what a MeshDrop peer opens: a
 * hostile room member's unknown labels, media calls, other serializations, more than a few connections
 * from one device or in total, and connections that never open are closed, and frames peerjs keeps for
 * connection ids it does not know are swept (pwa/src/transfer/inbound.ts). Returns the detach.
 */
export function guardInbound(
  peer: Peer,
  onConnection: (conn: DataConnection) => void,
  clock: Clock = systemClock,
): () => void {
  const guard = new InboundGuard(clock, (conn) => onConnection(conn as unknown as DataConnection));
  return guard.attach(peer as unknown as GuardedPeer);
}
