// The transfer protocol's two ends on a Node Peer, as the app's engine wires them in the browser
// (pwa/src/transfer/engine.ts): downloads open a labelled raw DataConnection to a source; incoming
// connections with that label are handed to the TransferServer. Everything else on the Peer is ignored.
import type { DataConnection, Peer } from 'peerjs';
import type { Channel } from '../../../pwa/src/transfer/channel.ts';
import { DownloadError } from '../../../pwa/src/transfer/downloadTypes.ts';
import { TRANSFER_LABEL } from '../../../pwa/src/transfer/engine.ts';
import type { TransferServer } from '../../../pwa/src/transfer/server.ts';
import { nodeChannel } from './channel.ts';

const CONNECT_TIMEOUT_MS = 20_000;

/** Opens a transfer channel to `peerId` through the current Peer. */
export function connectTo(
  peer: Peer | null,
  peerId: string,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<Channel> {
  if (!peer || peer.disconnected) return Promise.reject(new Error('not connected to the tracker'));
  return new Promise((resolve, reject) => {
    const conn = peer.connect(peerId, { label: TRANSFER_LABEL, serialization: 'raw', reliable: true });
    const timer = setTimeout(() => fail(new Error('connection timed out')), timeoutMs);
    const onPeerError = (err: { type: string; message: string }) => {
      // the relay says that device is not connected (or shares no room with us)
      if (err.type === 'peer-unavailable' && err.message.includes(peerId))
        fail(new DownloadError('no_source', 'source offline'));
    };
    const fail = (err: Error) => {
      clearTimeout(timer);
      peer.off('error', onPeerError);
      conn.close();
      reject(err);
    };
    peer.on('error', onPeerError);
    conn.on('error', () => fail(new Error('connection failed')));
    conn.on('open', () => {
      clearTimeout(timer);
      peer.off('error', onPeerError);
      resolve(nodeChannel(conn));
    });
  });
}

/** Serves transfer connections that arrive at a Peer. */
export function acceptTransfers(server: TransferServer): (conn: DataConnection) => void {
  return (conn) => {
    if (conn.label !== TRANSFER_LABEL) return;
    if (conn.open) server.attach(nodeChannel(conn));
    else conn.on('open', () => server.attach(nodeChannel(conn)));
  };
}
