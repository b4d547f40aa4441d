// Rooms: create, read with members, join, leave.
import type { IRequest } from 'itty-router';
import { addMember, findRoom, insertRoom, listMembers, removeMember } from '../db/rooms.ts';
import { listSharesOfPeer } from '../db/shares.ts';
import type { Env } from '../env.ts';
import { authenticate, requireMember } from '../lib/auth.ts';
import { randomId } from '../lib/crypto.ts';
import { notFound } from '../lib/errors.ts';
import { parseParam } from '../lib/http.ts';
import { enforceLimit } from '../lib/rateLimit.ts';
import { toMember } from '../lib/rows.ts';
import { type RoomResponse, roomIdSchema } from '../protocol/api.ts';
import { publish } from '../rooms/publish.ts';

export async function createRoom(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const roomId = randomId();
  await insertRoom(env.DB, roomId, peer.id, Date.now());
  return Response.json({ roomId }, { status: 201 });
}

export async function getRoom(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  await requireMember(env, roomId, peer.id);
  const [room, members] = await Promise.all([findRoom(env.DB, roomId), listMembers(env.DB, roomId)]);
  const response: RoomResponse = { roomId, createdAt: room!.created_at, members: members.map(toMember) };
  return Response.json(response);
}

/** Holding the room id (the link) is what lets a device join. Joining twice is fine (200, not 201). */
export async function joinRoom(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  if (!(await findRoom(env.DB, roomId))) {
    throw notFound('room_not_found', 'There is no room with that link. Check the link or create a room.');
  }
  const now = Date.now();
  const added = await addMember(env.DB, roomId, peer.id, now);
  if (added) {
    const member = { peerId: peer.id, name: peer.name, online: peer.online_since !== null, joinedAt: now };
    await publish(env, [roomId], { type: 'member-joined', member });
  }
  return Response.json({ roomId, peerId: peer.id, joined: added }, { status: added ? 201 : 200 });
}

/** Leaving removes the device's shares from the room too. */
export async function leaveRoom(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  await requireMember(env, roomId, peer.id);
  const shares = await listSharesOfPeer(env.DB, roomId, peer.id);
  await removeMember(env.DB, roomId, peer.id);
  await publish(
    env,
    [roomId],
    ...shares.map((s) => ({
      type: 'share-removed' as const,
      shareId: s.id,
      contentId: s.content_id,
      peerId: peer.id,
    })),
    { type: 'member-left', peerId: peer.id },
  );
  return new Response(null, { status: 204 });
}
