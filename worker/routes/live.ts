// GET /api/rooms/:roomId/live?ticket=: a member's live-events socket, served by the room's RoomHub.
// The checks are plain HTTP errors before the upgrade; the object only ever sees members.
import type { IRequest } from 'itty-router';
import { takeTicket } from '../db/tickets.ts';
import type { Env } from '../env.ts';
import { requireMember } from '../lib/auth.ts';
import { errorJson } from '../lib/errors.ts';
import { parseParam } from '../lib/http.ts';
import { ticketHash } from '../lib/tickets.ts';
import { roomIdSchema } from '../protocol/api.ts';
import { upgradeRequired } from '../signaling/connect.ts';
import { PEER_HEADER, ROOM_HEADER, roomStub } from '../stubs.ts';

export async function connectLive(request: IRequest, env: Env): Promise<Response> {
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  const ticket = new URL(request.url).searchParams.get('ticket') ?? '';
  const hash = await ticketHash(ticket);
  const peerId = hash ? await takeTicket(env.DB, hash, Date.now()) : null;
  if (!peerId) {
    return errorJson(
      401,
      'unauthorized',
      'The ticket is missing or expired. Get a fresh one with POST /api/peers/me/ticket.',
    );
  }
  await requireMember(env, roomId, peerId);
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return upgradeRequired();
  return roomStub(env, roomId).fetch('https://room-hub/live', {
    headers: { upgrade: 'websocket', [PEER_HEADER]: peerId, [ROOM_HEADER]: roomId },
  });
}
