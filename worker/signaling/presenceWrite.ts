// Writing a presence change: D1 and a `presence` event in each of the device's rooms. Called by the
// `PeerSocket` hubs and, for the LAN front's relay, by the tracker's internal endpoint (internal.ts).
import { setPresenceListRooms } from '../db/peers.ts';
import type { Env } from '../env.ts';
import { publish } from '../rooms/publish.ts';

/** Online since `openedAt` (or offline when null); returns the device's rooms. */
export async function writePresence(env: Env, peer: string, openedAt: number | null): Promise<string[]> {
  const rooms = await setPresenceListRooms(env.DB, peer, openedAt);
  // presence is not news to a room nobody watches: RoomHub skips it then (see RoomHub.publish)
  await publish(env, rooms, { type: 'presence', peerId: peer, online: openedAt !== null });
  return rooms;
}
