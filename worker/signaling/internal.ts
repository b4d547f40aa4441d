// POST /api/internal/relay/:action: what the relay in a LAN tracker's front (worker/scripts/lanRelay.ts)
// asks the tracker. Answered only when TRACKER_MODE is "lan" and the request carries this run's secret
// (LAN_RELAY_SECRET, passed by `npm start`); otherwise, and always on a deployed tracker, 404 as if
// nothing were here.
import type { IRequest } from 'itty-router';
import { clearPresence, listRoomsOfPeers, secretHashesOf } from '../db/peers.ts';
import { listRoomsOfPeer, shareARoom } from '../db/rooms.ts';
import type { Env } from '../env.ts';
import { notFound } from '../lib/errors.ts';
import { readJson } from '../lib/http.ts';
import { keyTag } from '../lib/tickets.ts';
import {
  RELAY_SECRET_HEADER,
  type RelayAction,
  type RelayAnswers,
  relayRequests,
} from '../protocol/relayLink.ts';
import { admitSignaling } from './connect.ts';
import { writePresenceMany } from './presenceWrite.ts';

const nothingHere = () => notFound('not_found', 'There is nothing at this address.');

/** Constant-time: both sides are hashed first, so neither length nor content leaks through timing. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', enc.encode(given)),
    crypto.subtle.digest('SHA-256', enc.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** Whether this request comes from this run's front (LAN trackers only). */
export async function fromLanFront(request: Request, env: Env): Promise<boolean> {
  const expected = env.LAN_RELAY_SECRET;
  if (env.TRACKER_MODE !== 'lan' || expected.length < 32) return false;
  return sameSecret(request.headers.get(RELAY_SECRET_HEADER) ?? '', expected);
}

export async function relayInternal(request: IRequest, env: Env): Promise<Response> {
  if (request.method !== 'POST' || !(await fromLanFront(request, env))) throw nothingHere();
  const action = request.params.action as RelayAction;
  if (!Object.hasOwn(relayRequests, action)) throw nothingHere();
  return Response.json(await answer(env, request, action));
}

async function answer(env: Env, request: Request, action: RelayAction): Promise<RelayAnswers[RelayAction]> {
  switch (action) {
    case 'admit': {
      const { items } = await readJson(request, relayRequests.admit);
      const results = await Promise.all(
        items.map(async (i) => {
          const admitted = await admitSignaling(env, new URLSearchParams(i.query));
          if (!('id' in admitted)) return admitted;
          return {
            id: admitted.id,
            rooms: await listRoomsOfPeer(env.DB, admitted.id),
            keyTag: admitted.keyTag,
          };
        }),
      );
      return { results };
    }
    case 'presence': {
      const { items } = await readJson(request, relayRequests.presence);
      return { rooms: await writePresenceMany(env, items) };
    }
    case 'reset': {
      await readJson(request, relayRequests.reset);
      await clearPresence(env.DB);
      return { ok: true };
    }
    case 'rooms': {
      const { items } = await readJson(request, relayRequests.rooms);
      // one query for the batch: the front re-reads every connected device's rooms each sweep
      return {
        rooms: await listRoomsOfPeers(
          env.DB,
          items.map((i) => i.peer),
        ),
      };
    }
    case 'check': {
      const { items } = await readJson(request, relayRequests.check);
      const peers = items.map((i) => i.peer);
      const [hashes, rooms] = await Promise.all([
        secretHashesOf(env.DB, peers),
        listRoomsOfPeers(env.DB, peers),
      ]);
      return {
        devices: peers.map((peer, i) => {
          const hash = hashes.get(peer);
          return hash === undefined ? null : { keyTag: keyTag(hash), rooms: rooms[i] ?? [] };
        }),
      };
    }
    case 'share': {
      const { a, b } = await readJson(request, relayRequests.share);
      return { ok: await shareARoom(env.DB, a, b) };
    }
  }
}
