// GET /api/rooms/:roomId/live?ticket=: a member's live-events socket, served by the room's RoomHub.
// The checks are plain HTTP errors before the upgrade; the object only ever sees members.
import type { IRequest } from 'itty-router';
import { peerOfTicket } from '../db/tickets.ts';
import type { Env } from '../env.ts';
import { requireMember } from '../lib/auth.ts';
import { sha256Hex } from '../lib/crypto.ts';
import { errorJson } from '../lib/errors.ts';
import { parseParam } from '../lib/http.ts';
import { roomIdSchema } from '../protocol/api.ts';
import { SECRET_PATTERN } from '../protocol/ids.ts';
import { upgradeRequired } from '../signaling/connect.ts';
import { roomStub } from './publish.ts';

export const LIVE_PEER_HEADER = 'x-meshdrop-peer';
export const LIVE_ROOM_HEADER = 'x-meshdrop-room';

export async function connectLive(request: IRequest, env: Env): Promise<Response> {
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  const ticket = new URL(request.url).searchParams.get('ticket') ?? '';
  const peerId = SECRET_PATTERN.test(ticket)
    ? await peerOfTicket(env.DB, await sha256Hex(ticket), Date.now())
    : null;
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
    headers: { upgrade: 'websocket', [LIVE_PEER_HEADER]: peerId, [LIVE_ROOM_HEADER]: roomId },
  });
}
