// Sharding: one PeerSocket object per peer id. The Worker names the authenticated peer in a header when
// it forwards the upgrade; objects are only reachable through the Worker, so the header cannot be forged.
import type { Env } from '../env.ts';

export const PEER_HEADER = 'x-meshdrop-peer';

export function peerStub(env: Env, peerId: string) {
  return env.PEERS.get(env.PEERS.idFromName(peerId));
}
