// The PeerJS server endpoints. The Worker checks the id and ticket against D1 and refuses bad upgrades
// itself (a WebSocketPair that says why, then closes), so no Durable Object wakes for them.
import type { IRequest } from 'itty-router';
import { findPeerWithTicket } from '../db/peers.ts';
import type { Env } from '../env.ts';
import { sha256Hex } from '../lib/crypto.ts';
import { errorJson } from '../lib/errors.ts';
import { ID_PATTERN, SECRET_PATTERN } from '../protocol/ids.ts';
import { PEERJS_KEY } from '../protocol/signaling.ts';
import { refuseUpgrade as refuse } from './sockets.ts';
import { PEER_HEADER, peerStub } from './stub.ts';

const REGISTER = 'Register with POST /api/peers and connect with the peerId it returns.';

/** GET /peerjs/peerjs?key=&id=&token=&version=: the signaling socket. */
export async function connectSignaling(request: IRequest, env: Env): Promise<Response> {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return upgradeRequired();
  const query = new URL(request.url).searchParams;
  const key = query.get('key') ?? '';
  const id = query.get('id') ?? '';
  const token = query.get('token') ?? '';
  if (key !== PEERJS_KEY) {
    return refuse('INVALID-KEY', `The key "${key.slice(0, 40)}" is not accepted here; use "${PEERJS_KEY}".`);
  }
  if (!ID_PATTERN.test(id)) return refuse('ERROR', `"${id.slice(0, 40)}" is not a peer id. ${REGISTER}`);
  // one D1 round trip: the id, its presence, and whether the ticket is its own and unexpired
  const ticketHash = SECRET_PATTERN.test(token) ? await sha256Hex(token) : null;
  const peer = await findPeerWithTicket(env.DB, id, ticketHash, Date.now());
  if (!peer) return refuse('ERROR', `Unknown peer id. ${REGISTER}`);
  if (!peer.ticket_ok) {
    // a missing, expired or someone else's ticket never takes an id over
    if (peer.online_since !== null) {
      return refuse(
        'ID-TAKEN',
        'This id is connected elsewhere; only its owner, with a valid ticket, can replace it.',
      );
    }
    return refuse(
      'ERROR',
      'The token is not a valid signaling ticket for this id (missing or expired). Get a fresh one with POST /api/peers/me/ticket.',
    );
  }
  return peerStub(env, id).fetch('https://peer-socket/connect', {
    headers: { upgrade: 'websocket', [PEER_HEADER]: id },
  });
}

/** GET /peerjs/peerjs/id: the peerjs client's "give me an id", which this tracker never does. */
export function refuseIdRequest(): Response {
  return new Response(
    `Peer ids are issued by this tracker, not chosen here. ${REGISTER} Pass it to new Peer(id, { token: <ticket from POST /api/peers/me/ticket> }).\n`,
    { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } },
  );
}

/** GET /peerjs/peerjs/peers: discovery is off; peers find each other through rooms. */
export function refusePeerList(): Response {
  return errorJson(
    401,
    'unauthorized',
    'Peer discovery is off. Peers find each other through the rooms they join.',
  );
}

export function upgradeRequired(): Response {
  const res = errorJson(
    426,
    'method_not_allowed',
    'This address only accepts WebSocket connections (Upgrade: websocket).',
  );
  res.headers.set('upgrade', 'websocket');
  return res;
}
