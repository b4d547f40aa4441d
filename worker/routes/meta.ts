// Health and client configuration.
import type { IRequest } from 'itty-router';
import type { Env } from '../env.ts';
import { authenticate } from '../lib/auth.ts';
import { iceConfig } from '../lib/ice.ts';
import { enforceLimit } from '../lib/rateLimit.ts';
import type { ConfigResponse } from '../protocol/api.ts';
import { LIMITS } from '../protocol/limits.ts';
import { lobbyEnabled } from './lobby.ts';

export async function health(_request: Request, env: Env): Promise<Response> {
  // a real round trip, so "healthy" means the catalog answers, not just the isolate
  const row = await env.DB.prepare('SELECT 1 AS ok').first<{ ok: number }>();
  return Response.json({ ok: row?.ok === 1, time: Date.now() }, { headers: { 'cache-control': 'no-store' } });
}

/** The device behind a valid Bearer secret, or null: the config itself is public, TURN is not. */
async function deviceOf(request: IRequest, env: Env, ctx: ExecutionContext): Promise<string | null> {
  if (!request.headers.get('authorization')) return null;
  try {
    return (await authenticate(request, env, ctx)).id;
  } catch {
    return null;
  }
}

export async function getConfig(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peerId = await deviceOf(request, env, ctx);
  // minting asks Cloudflare's API when that provider is used: no more than a device's write budget
  if (peerId && env.CF_TURN_KEY_ID) await enforceLimit(env, env.WRITE_LIMIT, `turn:${peerId}`);
  const ice = await iceConfig(env, peerId, Date.now());
  const httpsPort = Number(env.LAN_HTTPS_PORT);
  const response: ConfigResponse = {
    iceServers: ice.iceServers,
    iceExpiresAt: ice.expiresAt,
    peerjs: { path: '/peerjs', key: 'peerjs' },
    limits: LIMITS,
    lobby: lobbyEnabled(env),
    https:
      env.TRACKER_MODE === 'lan' && Number.isInteger(httpsPort) && httpsPort > 0
        ? { port: httpsPort, trustPath: '/trust' }
        : null,
  };
  // credentials are for this device only
  return Response.json(response, { headers: { 'cache-control': 'no-store, private' } });
}
