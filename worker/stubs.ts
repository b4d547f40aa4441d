// The one place that names Durable Objects: which object serves a device's signaling or a room, and the
// headers the Worker uses to tell an object who it forwards (objects are reachable only through the
// Worker, so those headers cannot be forged).
//
// Signaling: a deployed tracker gives each device its own `PeerSocket`, so the load spreads over
// Cloudflare. A LAN tracker's sockets end in its Node front (worker/scripts/lanRelay.ts); should one
// reach the Worker anyway (a front without its relay), one object serves them all, in memory.
import type { Env } from './env.ts';

/** The authenticated device a forwarded upgrade speaks for. */
export const PEER_HEADER = 'x-meshdrop-peer';
/** The room a forwarded live-socket upgrade is for. */
export const ROOM_HEADER = 'x-meshdrop-room';

export function hubName(env: Pick<Env, 'TRACKER_MODE'>, peerId: string): string {
  return env.TRACKER_MODE === 'lan' ? 'lan-hub' : peerId;
}

export function hubId(env: Env, peerId: string): DurableObjectId {
  return env.PEERS.idFromName(hubName(env, peerId));
}

export function peerStub(env: Env, peerId: string) {
  return env.PEERS.get(hubId(env, peerId));
}

export function roomStub(env: Env, roomId: string) {
  return env.ROOMS.get(env.ROOMS.idFromName(roomId));
}
