// Letting a device into a room, one way for every door (a room's link, the lobby): a device the room
// removed stays out, the membership quota holds, and the room and the relay hear the join at once.

import type { PeerRow } from '../db/peers.ts';
import { addMember, countRoomsOf, isBanned, isMember } from '../db/rooms.ts';
import type { Env } from '../env.ts';
import { ApiError } from '../lib/errors.ts';
import { LIMITS } from '../protocol/limits.ts';
import { publish } from '../rooms/publish.ts';
import { membershipChanged } from '../signaling/notify.ts';

/** 403 `removed_from_room` for a device removed from the room, whatever way it tries to come back. */
export async function refuseRemoved(env: Env, roomId: string, peerId: string): Promise<void> {
  if (await isBanned(env.DB, roomId, peerId)) {
    throw new ApiError(403, 'removed_from_room', "The room's owner removed this device from the room.");
  }
}

/** Adds the device (true), or finds it already in (false); 413 `too_many_memberships` past the quota. */
export async function admit(env: Env, roomId: string, peer: PeerRow, now: number): Promise<boolean> {
  const counts = await countRoomsOf(env.DB, peer.id);
  const added = counts.member < LIMITS.maxMemberships && (await addMember(env.DB, roomId, peer.id, now));
  if (!added) {
    if (await isMember(env.DB, roomId, peer.id)) return false;
    throw new ApiError(
      413,
      'too_many_memberships',
      `This device is in ${LIMITS.maxMemberships} rooms. Leave one first.`,
    );
  }
  const member = { peerId: peer.id, name: peer.name, online: peer.online_since !== null, joinedAt: now };
  await publish(env, [roomId], { type: 'member-joined', member });
  await membershipChanged(env, peer.id);
  return true;
}
