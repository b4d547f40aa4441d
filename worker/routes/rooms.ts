// Rooms: create (with the invite of its link), read with members, join with the link, change the link.
import type { IRequest } from 'itty-router';
import { findLobby } from '../db/lobby.ts';
import { countRoomsOf, findRoom, insertRoom, isMember, listMembers, setInviteHash } from '../db/rooms.ts';
import type { Env } from '../env.ts';
import { authenticate, requireMember, requireOwner } from '../lib/auth.ts';
import { randomId, randomSecret, sha256Hex } from '../lib/crypto.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { parseParam, readJson } from '../lib/http.ts';
import { enforceLimit } from '../lib/rateLimit.ts';
import { toMember } from '../lib/rows.ts';
import {
  type CreateRoomResponse,
  type InviteResponse,
  joinRoomBody,
  type RoomResponse,
  roomIdSchema,
} from '../protocol/api.ts';
import { LIMITS } from '../protocol/limits.ts';
import { publish } from '../rooms/publish.ts';
import { admit, refuseRemoved } from './admit.ts';
import { lobbyEnabled, lobbyOff } from './lobby.ts';

const tooMany = (code: 'too_many_rooms' | 'too_many_memberships', message: string) =>
  new ApiError(413, code, message);

export async function createRoom(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const counts = await countRoomsOf(env.DB, peer.id);
  if (counts.owned >= LIMITS.maxRoomsOwned) {
    throw tooMany(
      'too_many_rooms',
      `This device already owns ${LIMITS.maxRoomsOwned} rooms. Leave one first.`,
    );
  }
  if (counts.member >= LIMITS.maxMemberships) {
    throw tooMany(
      'too_many_memberships',
      `This device is in ${LIMITS.maxMemberships} rooms. Leave one first.`,
    );
  }
  const roomId = randomId();
  const invite = randomSecret();
  await insertRoom(env.DB, roomId, peer.id, Date.now(), await sha256Hex(invite));
  const response: CreateRoomResponse = { roomId, invite };
  return Response.json(response, { status: 201, headers: { 'cache-control': 'no-store' } });
}

export async function getRoom(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  await requireMember(env, roomId, peer.id);
  const [room, members, lobby] = await Promise.all([
    findRoom(env.DB, roomId),
    listMembers(env.DB, roomId),
    findLobby(env.DB),
  ]);
  const response: RoomResponse = {
    roomId,
    createdAt: room!.created_at,
    // the lobby is the network's open room: nobody owns it
    ownerId: lobby === roomId ? null : room!.created_by,
    members: members.map(toMember),
  };
  return Response.json(response);
}

/**
 * Joining needs the room's current invite (the link's fragment); a member needs nothing more, so a
 * changed link never locks out who is already in. Joining twice is fine (200, not 201).
 */
export async function joinRoom(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  const { invite } = await readJson(request, joinRoomBody, { optional: true });
  const room = await findRoom(env.DB, roomId);
  if (!room)
    throw notFound('room_not_found', 'There is no room with that link. Check the link or create a room.');
  // the lobby's id lets a device in only while this tracker has a lobby (it has no invite to ask for)
  if (!lobbyEnabled(env) && (await findLobby(env.DB)) === roomId) throw lobbyOff();
  await refuseRemoved(env, roomId, peer.id);
  // a member keeps access whatever link it holds; anyone else needs the current invite
  const inviteOk =
    room.invite_hash === null || (invite !== undefined && (await sha256Hex(invite)) === room.invite_hash);
  if (!inviteOk) {
    const existing = await isMember(env.DB, roomId, peer.id);
    if (existing) return Response.json({ roomId, peerId: peer.id, joined: false }, { status: 200 });
    throw new ApiError(
      403,
      'invite_invalid',
      "This link does not let anyone in (any more). Ask the room's owner for the current link.",
    );
  }
  const joined = await admit(env, roomId, peer, Date.now());
  if (!joined) return Response.json({ roomId, peerId: peer.id, joined: false }, { status: 200 });
  return Response.json({ roomId, peerId: peer.id, joined: true }, { status: 201 });
}

/**
 * POST /api/rooms/:roomId/invite (owner): a new link. The old one stops letting anyone in at once;
 * members stay. Only the owner's answer carries the secret: the tracker keeps its hash and cannot tell
 * anyone else, so the owner shares the new link (members' apps hear `invite-changed` and say so).
 */
export async function rotateInvite(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  await requireOwner(env, roomId, peer.id);
  const invite = randomSecret();
  await setInviteHash(env.DB, roomId, await sha256Hex(invite));
  await publish(env, [roomId], { type: 'invite-changed' });
  const response: InviteResponse = { invite };
  return Response.json(response, { status: 201, headers: { 'cache-control': 'no-store' } });
}
