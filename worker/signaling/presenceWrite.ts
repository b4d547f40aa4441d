// Writing a presence change: D1 and a `presence` event in each of the device's rooms. Called by the
// `PeerSocket` hubs and, for the LAN front's relay, by the tracker's internal endpoint (internal.ts).
import { setPresenceListRooms, setPresenceManyListRooms } from '../db/peers.ts';
import type { Env } from '../env.ts';
import type { RoomChange } from '../protocol/live.ts';
import { publish } from '../rooms/publish.ts';

/** Online since `openedAt` (or offline when null); returns the device's rooms. */
export async function writePresence(env: Env, peer: string, openedAt: number | null): Promise<string[]> {
  const rooms = await setPresenceListRooms(env.DB, peer, openedAt);
  // presence is not news to a room nobody watches: RoomHub skips it then (see RoomHub.publish)
  await publish(env, rooms, { type: 'presence', peerId: peer, online: openedAt !== null });
  return rooms;
}

/**
 * Many devices' changes at once (the LAN front batches them): one D1 round trip, and one publish per room
 * carrying that room's changes in order. Returns each device's rooms.
 */
export async function writePresenceMany(
  env: Env,
  items: { peer: string; since: number | null }[],
): Promise<string[][]> {
  const rooms = await setPresenceManyListRooms(env.DB, items);
  const byRoom = new Map<string, RoomChange[]>();
  for (const [i, { peer, since }] of items.entries()) {
    for (const room of rooms[i] ?? []) {
      let changes = byRoom.get(room);
      if (!changes) {
        changes = [];
        byRoom.set(room, changes);
      }
      changes.push({ type: 'presence', peerId: peer, online: since !== null });
    }
  }
  await Promise.all([...byRoom].map(([room, changes]) => publish(env, [room], ...changes)));
  return rooms;
}
