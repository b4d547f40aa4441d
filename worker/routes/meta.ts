// Health and client configuration.
import type { Env } from '../env.ts';
import type { ConfigResponse } from '../protocol/api.ts';
import { LIMITS } from '../protocol/limits.ts';

export async function health(_request: Request, env: Env): Promise<Response> {
  // a real round trip, so "healthy" means the catalog answers, not just the isolate
  const row = await env.DB.prepare('SELECT 1 AS ok').first<{ ok: number }>();
  return Response.json({ ok: row?.ok === 1, time: Date.now() }, { headers: { 'cache-control': 'no-store' } });
}

export function getConfig(_request: Request, env: Env): Response {
  const response: ConfigResponse = {
    iceServers: parseIceServers(env.ICE_SERVERS),
    peerjs: { path: '/peerjs', key: 'peerjs' },
    limits: LIMITS,
  };
  return Response.json(response);
}

function parseIceServers(raw: string | undefined): ConfigResponse['iceServers'] {
  try {
    const value: unknown = JSON.parse(raw ?? '[]');
    return Array.isArray(value) ? (value as ConfigResponse['iceServers']) : [];
  } catch {
    console.error('ICE_SERVERS is not JSON; serving none');
    return [];
  }
}
