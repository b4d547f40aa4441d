// Device identity: register, read, rename, and issue signaling tickets.
import type { IRequest } from 'itty-router';
import { deletePeer, insertPeer, renamePeer, replaceSecret } from '../db/peers.ts';
import { findRoom, handOver, listRoomsOfPeer, listRoomsOwnedBy } from '../db/rooms.ts';
import { listSharesOfPeer, type ShareRow } from '../db/shares.ts';
import { insertTicket } from '../db/tickets.ts';
import type { Env } from '../env.ts';
import { authenticate } from '../lib/auth.ts';
import { randomId, randomSecret, sha256Hex } from '../lib/crypto.ts';
import { readJson } from '../lib/http.ts';
import { friendlyName } from '../lib/names.ts';
import { clientAddress, enforceLimit } from '../lib/rateLimit.ts';
import { keyTag } from '../lib/tickets.ts';
import {
  type CreatePeerResponse,
  createPeerBody,
  type PeerResponse,
  type SecretResponse,
  type TicketResponse,
  updatePeerBody,
} from '../protocol/api.ts';
import { LIMITS } from '../protocol/limits.ts';
import { publish } from '../rooms/publish.ts';
import { kickDevice, membershipChanged } from '../signaling/notify.ts';
import { announceDeparture } from './members.ts';

export async function createPeer(request: IRequest, env: Env): Promise<Response> {
  await enforceLimit(env, env.PEER_CREATE_LIMIT, `peer:${clientAddress(request)}`);
  const body = await readJson(request, createPeerBody, { optional: true });
  const peerId = randomId();
  const secret = randomSecret();
  const name = body.name ?? friendlyName();
  await insertPeer(env.DB, peerId, await sha256Hex(secret), name, Date.now());
  const response: CreatePeerResponse = { peerId, secret, name };
  return Response.json(response, { status: 201, headers: { 'cache-control': 'no-store' } });
}

export async function getMe(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  const response: PeerResponse = { peerId: peer.id, name: peer.name, createdAt: peer.created_at };
  return Response.json(response);
}

export async function updateMe(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const { name } = await readJson(request, updatePeerBody);
  if (name !== peer.name) {
    await renamePeer(env.DB, peer.id, name);
    await publish(env, await listRoomsOfPeer(env.DB, peer.id), { type: 'renamed', peerId: peer.id, name });
  }
  const response: PeerResponse = { peerId: peer.id, name, createdAt: peer.created_at };
  return Response.json(response);
}

/**
 * POST /api/peers/me/secret: a new secret for this device (say the old one leaked). The old secret and
 * every ticket stop working at once, and the device's signaling sockets close (its app reconnects).
 */
export async function rotateSecret(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const secret = randomSecret();
  const secretHash = await sha256Hex(secret);
  await replaceSecret(env.DB, peer.id, secretHash);
  await kickDevice(env, peer.id, 'the device changed its secret', keyTag(secretHash));
  const response: SecretResponse = { secret };
  return Response.json(response, { status: 201, headers: { 'cache-control': 'no-store' } });
}

/**
 * DELETE /api/peers/me: the tracker forgets this device: it leaves every room (rooms it owns pass to
 * their oldest member, or go when empty), its shares and tickets go, its sockets close.
 */
export async function forgetMe(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  const rooms = await listRoomsOfPeer(env.DB, peer.id);
  const departures: { roomId: string; shares: ShareRow[] }[] = [];
  for (const roomId of rooms) {
    if ((await findRoom(env.DB, roomId))?.created_by === peer.id)
      await handOver(env.DB, roomId, peer.id, true);
    departures.push({ roomId, shares: await listSharesOfPeer(env.DB, roomId, peer.id) });
  }
  // rooms it created but left earlier still name it as owner: hand them over too, or let them go
  for (const roomId of await listRoomsOwnedBy(env.DB, peer.id)) await handOver(env.DB, roomId, peer.id, true);
  await deletePeer(env.DB, peer.id);
  for (const d of departures) await announceDeparture(env, d.roomId, peer.id, d.shares, false);
  await kickDevice(env, peer.id, 'the tracker forgot this device', '');
  // it is in no room now: whatever a relay remembers of its rooms and contacts goes too
  await membershipChanged(env, peer.id);
  return new Response(null, { status: 204 });
}

/** A short-lived ticket for the signaling and live sockets, so the long-lived secret never goes in a URL. */
export async function createTicket(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const ticket = randomSecret();
  const now = Date.now();
  const expiresAt = now + LIMITS.ticketTtlMs;
  await insertTicket(env.DB, await sha256Hex(ticket), peer.id, expiresAt, now);
  const response: TicketResponse = { ticket, expiresAt };
  return Response.json(response, { status: 201, headers: { 'cache-control': 'no-store' } });
}
