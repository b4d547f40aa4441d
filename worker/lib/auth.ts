// Device authentication (Bearer secret) and room membership checks.
import { findLobby } from '../db/lobby.ts';
import { findPeerBySecretHash, type PeerRow, touchPeer } from '../db/peers.ts';
import { findRoom, isMember } from '../db/rooms.ts';
import type { Env } from '../env.ts';
import { SECRET_PATTERN } from '../protocol/ids.ts';
import { sha256Hex } from './crypto.ts';
import { ApiError, notFound, unauthorized } from './errors.ts';

/** last_seen_at is refreshed at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export async function authenticate(request: Request, env: Env, ctx: ExecutionContext): Promise<PeerRow> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer ([^\s]+)$/.exec(header);
  if (!match || !SECRET_PATTERN.test(match[1]!)) throw unauthorized();
  const peer = await findPeerBySecretHash(env.DB, await sha256Hex(match[1]!));
  if (!peer) throw unauthorized();
  const now = Date.now();
  if (now - peer.last_seen_at > TOUCH_INTERVAL_MS) ctx.waitUntil(touchPeer(env.DB, peer.id, now));
  return peer;
}

/** requireMember, 403 `lobby_has_no_owner` on the lobby, and 403 `not_owner` unless the device owns the room. */
export async function requireOwner(env: Env, roomId: string, peerId: string): Promise<void> {
  await requireMember(env, roomId, peerId);
  // the lobby is the network's open room, with no invite: nobody owns it (its first device included)
  if ((await findLobby(env.DB)) === roomId) {
    throw new ApiError(
      403,
      'lobby_has_no_owner',
      'Nobody owns the lobby: members cannot be removed from it and it has no link to change.',
    );
  }
  const room = await findRoom(env.DB, roomId);
  if (room?.created_by !== peerId) {
    throw new ApiError(403, 'not_owner', "Only the room's owner can remove members or change the link.");
  }
}

/** 404 for an unknown room, 403 for a peer that is not a member. */
export async function requireMember(env: Env, roomId: string, peerId: string): Promise<void> {
  const [room, member] = await Promise.all([findRoom(env.DB, roomId), isMember(env.DB, roomId, peerId)]);
  if (!room)
    throw notFound('room_not_found', 'There is no room with that link. Check the link or create a room.');
  if (!member)
    throw new ApiError(403, 'not_member', 'This device has not joined the room. Open the room link to join.');
}
