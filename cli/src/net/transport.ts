// The transfer protocol's two ends on a Node Peer, as the app's engine wires them in the browser
// (pwa/src/transfer/engine.ts): downloads open a labelled raw DataConnection to a source; incoming
// connections with that label are handed to the TransferServer. Everything else on the Peer is ignored.
import type { DataConnection, Peer } from 'peerjs';
import type { Channel } from '../../../pwa/src/transfer/channel.ts';
import { TRANSFER_LABEL } from '../../../pwa/src/transfer/inbound.ts';
import type { TransferServer } from '../../../pwa/src/transfer/server.ts';
import { CONNECT_TIMEOUT_MS, openTransfer } from '../../../pwa/src/transfer/transferConnection.ts';
import { nodeChannel } from './channel.ts';

/** Opens a transfer channel to `peerId` through the current Peer (the app's engine opens them the same way). */
export function connectTo(
  peer: Peer | null,
  peerId: string,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<Channel> {
  return openTransfer(peer, peerId, nodeChannel, { timeoutMs });
}

/** Serves transfer connections that arrive at a Peer. */
export function acceptTransfers(server: TransferServer): (conn: DataConnection) => void {
  return (conn) => {
    if (conn.label !== TRANSFER_LABEL) return;
    if (conn.open) server.attach(nodeChannel(conn));
    else conn.on('open', () => server.attach(nodeChannel(conn)));
  };
}
