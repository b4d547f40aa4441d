// Which signaling hub (a PeerSocket Durable Object) serves a device. A LAN tracker is one process on one
// laptop: one hub holds every socket and relays in memory, with no hop between objects. A deployed
// tracker gives each device its own object, so the load spreads over Cloudflare. The Worker names the
// authenticated device in a header when it forwards the upgrade; objects are only reachable through the
// Worker, so the header cannot be forged.
import type { Env } from '../env.ts';

export const PEER_HEADER = 'x-meshdrop-peer';

export function hubName(env: Pick<Env, 'TRACKER_MODE'>, peerId: string): string {
  return env.TRACKER_MODE === 'lan' ? 'lan-hub' : peerId;
}

export function hubId(env: Env, peerId: string): DurableObjectId {
  return env.PEERS.idFromName(hubName(env, peerId));
}

export function peerStub(env: Env, peerId: string) {
  return env.PEERS.get(hubId(env, peerId));
}
