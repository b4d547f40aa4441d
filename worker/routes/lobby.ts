// The lobby: on a LAN tracker, the one room every device may join with no link. Its own join path
// (not POST /api/rooms/:roomId/members): a room's link or invite is never what lets a device in here.
import type { IRequest } from 'itty-router';
import { ensureLobby } from '../db/lobby.ts';
import type { Env } from '../env.ts';
import { authenticate } from '../lib/auth.ts';
import { randomId } from '../lib/crypto.ts';
import { ApiError } from '../lib/errors.ts';
import { enforceLimit } from '../lib/rateLimit.ts';
import type { LobbyResponse } from '../protocol/api.ts';
import { admit, refuseRemoved } from './admit.ts';

/**
 * On by default on a LAN tracker (everyone there is on the same network); on a deployed tracker only
 * when LOBBY is "on", because there it would be one public room for the whole internet.
 */
export function lobbyEnabled(env: Pick<Env, 'LOBBY' | 'TRACKER_MODE'>): boolean {
  if (env.LOBBY === 'on') return true;
  if (env.LOBBY === 'off') return false;
  return env.TRACKER_MODE === 'lan';
}

export const lobbyOff = () =>
  new ApiError(404, 'lobby_off', 'This tracker has no lobby. Create a room and share its link instead.');

/** POST /api/lobby: joins the lobby (creating it on first use); 201 joined, 200 already a member. */
export async function joinLobby(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  if (!lobbyEnabled(env)) throw lobbyOff();
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const now = Date.now();
  const roomId = await ensureLobby(env.DB, randomId(), peer.id, now);
  // the same rules as any join: a removed device stays out, the quota holds, the relay hears it
  await refuseRemoved(env, roomId, peer.id);
  const joined = await admit(env, roomId, peer, now);
  const response: LobbyResponse = { roomId, joined };
  return Response.json(response, { status: joined ? 201 : 200 });
}
