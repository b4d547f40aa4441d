// Reads how this device's transfers travel: the WebRTC connections of the transfer channels with one
// remote device, from the current PeerJS Peer (its connection table, no hook inside the transfer
// engine), classified from their statistics.
import type { DataConnection } from 'peerjs';
import { type ConnectionPath, classifyStats, type StatsEntry } from '../state/connectionPath.ts';
import { TRANSFER_LABEL } from '../transfer/inbound.ts';
import type { Session } from './session.ts';

function transferConnections(session: Session, remote: string): RTCPeerConnection[] {
  const peer = session.signaling.get()?.peer.get();
  // `connections` maps a remote id to its DataConnections (peerjs 1.5; deprecated name, same table)
  const table = (peer?.connections ?? {}) as Record<string, DataConnection[] | undefined>;
  return (table[remote] ?? [])
    .filter((c) => c.label === TRANSFER_LABEL && c.open && c.peerConnection)
    .map((c) => c.peerConnection);
}

/** The path of each open transfer connection with each of `remotes` (none while they are connecting). */
export async function pathsTo(session: Session, remotes: string[]): Promise<ConnectionPath[]> {
  const paths: ConnectionPath[] = [];
  for (const remote of remotes) {
    for (const pc of transferConnections(session, remote)) {
      try {
        const report = await pc.getStats();
        const path = classifyStats(report.values() as Iterable<StatsEntry>);
        if (path) paths.push(path);
      } catch {
        // closed meanwhile
      }
    }
  }
  return paths;
}
