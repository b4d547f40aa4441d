// Device identity: register, read, rename, and issue signaling tickets.
import type { IRequest } from 'itty-router';
import { insertPeer, renamePeer } from '../db/peers.ts';
import { listRoomsOfPeer } from '../db/rooms.ts';
import { insertTicket } from '../db/tickets.ts';
import type { Env } from '../env.ts';
import { authenticate } from '../lib/auth.ts';
import { randomId, randomSecret, sha256Hex } from '../lib/crypto.ts';
import { readJson } from '../lib/http.ts';
import { friendlyName } from '../lib/names.ts';
import { clientAddress, enforceLimit } from '../lib/rateLimit.ts';
import {
  type CreatePeerResponse,
  createPeerBody,
  type PeerResponse,
  type TicketResponse,
  updatePeerBody,
} from '../protocol/api.ts';
import { LIMITS } from '../protocol/limits.ts';
import { publish } from '../rooms/publish.ts';

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
