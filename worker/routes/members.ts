// Leaving a room, and the owner removing a member. Either way the device's shares leave with it, the
// room hears it at once (live sockets of the device close) and signaling between it and the room stops.
import type { IRequest } from 'itty-router';
import { banMember, findRoom, handOver, removeMember } from '../db/rooms.ts';
import { listSharesOfPeer } from '../db/shares.ts';
import type { Env } from '../env.ts';
import { authenticate, requireMember, requireOwner } from '../lib/auth.ts';
import { badRequest } from '../lib/errors.ts';
import { parseParam } from '../lib/http.ts';
import { enforceLimit } from '../lib/rateLimit.ts';
import { peerIdSchema, roomIdSchema } from '../protocol/api.ts';
import { publish } from '../rooms/publish.ts';
import { membershipChanged } from '../signaling/notify.ts';

/** DELETE /api/rooms/:roomId/members/me: leaves; an owner that leaves hands the room to the oldest member. */
export async function leaveRoom(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  await requireMember(env, roomId, peer.id);
  const room = await findRoom(env.DB, roomId);
  if (room?.created_by === peer.id) await handOver(env.DB, roomId, peer.id, false);
  await departed(env, roomId, peer.id, () => removeMember(env.DB, roomId, peer.id), false);
  return new Response(null, { status: 204 });
}

/** DELETE /api/rooms/:roomId/members/:peerId (owner): removes the member for good (it cannot rejoin). */
export async function removeMemberByOwner(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  const target = parseParam(request.params.peerId, peerIdSchema, 'device id');
  await requireOwner(env, roomId, peer.id);
  if (target === peer.id)
    throw badRequest('invalid_param', 'The owner cannot remove itself; leave the room instead.');
  await departed(env, roomId, target, () => banMember(env.DB, roomId, target, Date.now()), true);
  return new Response(null, { status: 204 });
}

/** Removes the device with `remove`, then tells the room (if it was in it) and the relay. */
async function departed(
  env: Env,
  roomId: string,
  peerId: string,
  remove: () => Promise<boolean>,
  removed: boolean,
): Promise<void> {
  const shares = await listSharesOfPeer(env.DB, roomId, peerId);
  if (!(await remove())) return;
  await announceDeparture(env, roomId, peerId, shares, removed);
  await membershipChanged(env, peerId);
}

export async function announceDeparture(
  env: Env,
  roomId: string,
  peerId: string,
  shares: { id: string; content_id: string }[],
  removed: boolean,
): Promise<void> {
  await publish(
    env,
    [roomId],
    ...shares.map((s) => ({
      type: 'share-removed' as const,
      shareId: s.id,
      contentId: s.content_id,
      peerId,
    })),
    removed ? { type: 'member-left', peerId, removed: true } : { type: 'member-left', peerId },
  );
}
