// The link between a LAN tracker's Worker and the relay in its Node front (worker/scripts/lanRelay.ts),
// both ways on loopback, authenticated by a random secret `npm start` makes for each run (a header, never
// in a URL). The front asks the tracker (`/api/internal/relay/<action>`: admit a socket, write presence,
// read rooms); the tracker tells the front (`<LAN_RELAY_URL>/<action>`: kick a device, a membership
// changed). A deployed tracker answers the first 404 and never calls the second.
import { z } from 'zod';
import type { RefusalType } from './signaling.ts';

export const RELAY_SECRET_HEADER = 'x-meshdrop-relay-secret';
export const RELAY_API_PREFIX = '/api/internal/relay/';
/** Items per request, well under the body cap. */
export const RELAY_MAX_BATCH = 200;

const peerId = z.string().max(64);

export const relayRequests = {
  /** The query of each upgrade (`key`, `id`, `token`): who may open a socket, or why not. */
  admit: z.object({ items: z.array(z.object({ query: z.string().max(4096) })).max(RELAY_MAX_BATCH) }),
  /** Presence changes (online since `since`, offline when null); answered with each device's rooms. */
  presence: z.object({
    items: z.array(z.object({ peer: peerId, since: z.number().int().nullable() })).max(RELAY_MAX_BATCH),
  }),
  /** The front starts with no socket: every device offline (presence left over from its last run). */
  reset: z.object({}),
  rooms: z.object({ items: z.array(z.object({ peer: peerId })).max(RELAY_MAX_BATCH) }),
  /** Connected devices as the catalog has them now (the front's sweep): credentials and rooms. */
  check: z.object({ items: z.array(z.object({ peer: peerId })).max(RELAY_MAX_BATCH) }),
  share: z.object({ a: peerId, b: peerId }),
} as const;
export type RelayAction = keyof typeof relayRequests;

/** Why an upgrade is refused: the one protocol message the client gets before the socket closes. */
export interface Refusal {
  type: RefusalType;
  msg: string;
}
export type AdmitResult = { id: string } | Refusal;
export interface RelayAnswers {
  /**
   * An admitted device comes with its rooms, so its first frame needs no question, and the tag of the
   * credentials it was admitted with (worker/lib/tickets.ts `keyTag`).
   */
  admit: { results: (Refusal | { id: string; rooms: string[]; keyTag: string })[] };
  /** Per device: null once it is forgotten. */
  check: { devices: ({ keyTag: string; rooms: string[] } | null)[] };
  presence: { rooms: string[][] };
  reset: { ok: true };
  rooms: { rooms: string[][] };
  share: { ok: boolean };
}

/** What the tracker tells the front. */
export const frontNotices = {
  kick: z.object({ peer: peerId, reason: z.string().max(120) }),
  membership: z.object({ peer: peerId }),
} as const;
export type FrontNotice = keyof typeof frontNotices;
