// Opening a transfer connection to a source, the one way the app's engine (browser) and the CLI (Node)
// both do it: a raw, reliable DataConnection with our label, through the current Peer, given up after a
// timeout, or at once when the relay says that device is not there. No DOM: the CLI imports this.
import type { DataConnection, Peer } from 'peerjs';
import type { Channel } from './channel.ts';
import { type Clock, systemClock } from './clock.ts';
import { DownloadError } from './downloadTypes.ts';
import { TRANSFER_LABEL } from './inbound.ts';

export const CONNECT_TIMEOUT_MS = 20_000;

/** The subset of a peerjs Peer this needs (tests pass a stand-in). */
export type ConnectingPeer = Pick<Peer, 'connect' | 'on' | 'off' | 'disconnected'>;

/**
 * Resolves with `wrap(conn)` once the connection to `peerId` is open; rejects with `no_source` when the
 * relay answers that the device is unavailable, or with an Error when the connection fails or times out.
 */
export function openTransfer(
  peer: ConnectingPeer | null,
  peerId: string,
  wrap: (conn: DataConnection) => Channel,
  options: { clock?: Clock; timeoutMs?: number } = {},
): Promise<Channel> {
  const { clock = systemClock, timeoutMs = CONNECT_TIMEOUT_MS } = options;
  if (!peer || peer.disconnected) return Promise.reject(new Error('not connected to the tracker'));
  return new Promise((resolve, reject) => {
    const conn = peer.connect(peerId, { label: TRANSFER_LABEL, serialization: 'raw', reliable: true });
    const timer = clock.setTimeout(() => fail(new Error('connection timed out')), timeoutMs);
    const onPeerError = (err: { type: string; message: string }) => {
      // the relay says it is not connected (or not in a room with us): nobody to download from there
      if (err.type === 'peer-unavailable' && err.message.includes(peerId))
        fail(new DownloadError('no_source', 'source offline'));
    };
    const fail = (err: Error) => {
      clock.clearTimeout(timer);
      peer.off('error', onPeerError);
      conn.close();
      reject(err);
    };
    peer.on('error', onPeerError);
    conn.on('error', () => fail(new Error('connection failed')));
    conn.on('open', () => {
      clock.clearTimeout(timer);
      peer.off('error', onPeerError);
      resolve(wrap(conn));
    });
  });
}

/** The remote's largest message (SCTP max-message-size), when the connection says. */
export function maxMessageSize(conn: DataConnection): number | null {
  const pc = conn.peerConnection as RTCPeerConnection | undefined;
  return pc?.sctp?.maxMessageSize ?? null;
}
