// The PeerJS server endpoints. The Worker checks the id and ticket against D1 and refuses bad upgrades
// itself (a WebSocketPair that says why, then closes), so no Durable Object wakes for them. The same
// checks admit the LAN front's sockets (admitSignaling).
import type { IRequest } from 'itty-router';
import { findPeerTakingTicket } from '../db/peers.ts';
import type { Env } from '../env.ts';
import { ApiError, errorJson, toErrorResponse } from '../lib/errors.ts';
import { keyTag, ticketHash } from '../lib/tickets.ts';
import { ID_PATTERN } from '../protocol/ids.ts';
import type { AdmitResult, Refusal } from '../protocol/relayLink.ts';
import { PEERJS_KEY } from '../protocol/signaling.ts';
import { PEER_HEADER, peerStub } from '../stubs.ts';
import { KEY_TAG_HEADER, refuseUpgrade as refuse } from './sockets.ts';

const REGISTER = 'Register with POST /api/peers and connect with the peerId it returns.';

/**
 * The checks of a signaling upgrade, for the Worker's own upgrade (a deployed tracker) and for the LAN
 * front's relay (through the internal endpoint, internal.ts): the device it may open, or why not.
 */
export async function admitSignaling(
  env: Env,
  query: URLSearchParams,
): Promise<(AdmitResult & { id: string; keyTag: string }) | Refusal> {
  const key = query.get('key') ?? '';
  const id = query.get('id') ?? '';
  const token = query.get('token') ?? '';
  if (key !== PEERJS_KEY) {
    return {
      type: 'INVALID-KEY',
      msg: `The key "${key.slice(0, 40)}" is not accepted here; use "${PEERJS_KEY}".`,
    };
  }
  if (!ID_PATTERN.test(id))
    return { type: 'ERROR', msg: `"${id.slice(0, 40)}" is not a peer id. ${REGISTER}` };
  // one D1 round trip: the id, its presence, and whether the ticket is its own and unexpired (used up)
  const peer = await findPeerTakingTicket(env.DB, id, await ticketHash(token), Date.now());
  if (!peer) return { type: 'ERROR', msg: `Unknown peer id. ${REGISTER}` };
  if (peer.ticket_ok) return { id, keyTag: keyTag(peer.secret_hash) };
  // a missing, expired or someone else's ticket never takes an id over
  if (peer.online_since !== null) {
    return {
      type: 'ID-TAKEN',
      msg: 'This id is connected elsewhere; only its owner, with a valid ticket, can replace it.',
    };
  }
  return {
    type: 'ERROR',
    msg: 'The token is not a valid signaling ticket for this id (missing or expired). Get a fresh one with POST /api/peers/me/ticket.',
  };
}

/** GET /peerjs/peerjs?key=&id=&token=&version=: the signaling socket. */
export async function connectSignaling(request: IRequest, env: Env): Promise<Response> {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return upgradeRequired();
  const admitted = await admitSignaling(env, new URL(request.url).searchParams);
  if (!('id' in admitted)) return refuse(admitted.type, admitted.msg);
  return peerStub(env, admitted.id).fetch('https://peer-socket/connect', {
    headers: { upgrade: 'websocket', [PEER_HEADER]: admitted.id, [KEY_TAG_HEADER]: admitted.keyTag },
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

/** A plain request where only a WebSocket is served: 426, its own code, through the one error funnel. */
export function upgradeRequired(): Response {
  return toErrorResponse(
    new ApiError(
      426,
      'upgrade_required',
      'This address only accepts WebSocket connections (Upgrade: websocket).',
      {
        upgrade: 'websocket',
      },
    ),
  );
}
