// The lobby: on a LAN tracker, the one room every device may join with no link. Its own join path
// (not POST /api/rooms/:roomId/members): a room's link or invite is never what lets a device in here.
import type { IRequest } from 'itty-router';
import { ensureLobby } from '../db/lobby.ts';
import { addMember } from '../db/rooms.ts';
import type { Env } from '../env.ts';
import { authenticate } from '../lib/auth.ts';
import { randomId } from '../lib/crypto.ts';
import { ApiError } from '../lib/errors.ts';
import { enforceLimit } from '../lib/rateLimit.ts';
import type { LobbyResponse } from '../protocol/api.ts';
import { publish } from '../rooms/publish.ts';

/**
 * On by default on a LAN tracker (everyone there is on the same network); on a deployed tracker only
 * when LOBBY is "on", because there it would be one public room for the whole internet.
 */
export function lobbyEnabled(env: Pick<Env, 'LOBBY' | 'TRACKER_MODE'>): boolean {
  if (env.LOBBY === 'on') return true;
  if (env.LOBBY === 'off') return false;
  return env.TRACKER_MODE === 'lan';
}

/** POST /api/lobby: joins the lobby (creating it on first use); 201 joined, 200 already a member. */
export async function joinLobby(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  if (!lobbyEnabled(env)) {
    throw new ApiError(
      404,
      'lobby_off',
      'This tracker has no lobby. Create a room and share its link instead.',
    );
  }
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const now = Date.now();
  const roomId = await ensureLobby(env.DB, randomId(), peer.id, now);
  const joined = await addMember(env.DB, roomId, peer.id, now);
  if (joined) {
    const member = { peerId: peer.id, name: peer.name, online: peer.online_since !== null, joinedAt: now };
    await publish(env, [roomId], { type: 'member-joined', member });
  }
  const response: LobbyResponse = { roomId, joined };
  return Response.json(response, { status: joined ? 201 : 200 });
}
