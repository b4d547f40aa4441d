// Bindings declared in wrangler.toml.

import type { RoomHub } from './rooms/RoomHub.ts';
import type { PeerSocket } from './signaling/PeerSocket.ts';

export interface Env {
  DB: D1Database;
  ASSETS: Fetcher;
  PEERS: DurableObjectNamespace<PeerSocket>;
  ROOMS: DurableObjectNamespace<RoomHub>;
  PEER_CREATE_LIMIT: RateLimit;
  WRITE_LIMIT: RateLimit;
  /** "lan" under `npm start`, "deployed" otherwise (wrangler.toml). */
  TRACKER_MODE: string;
  /** "off" lifts rate limits, honoured only when TRACKER_MODE is "lan". */
  RATE_LIMITS: string;
  /** "auto" (on exactly when TRACKER_MODE is "lan"), "on" or "off": the lobby room. */
  LOBBY: string;
  /** STUN URLs handed to devices of a deployed tracker (comma-separated); none on a LAN tracker. */
  STUN_URLS: string;
  /** coturn TURN URLs (comma-separated); used with the TURN_SECRET secret. */
  TURN_URLS: string;
  /** Lifetime of minted TURN credentials, in seconds. */
  TURN_TTL_SECONDS: string;
  /** Cloudflare TURN key id; used with the CF_TURN_API_TOKEN secret. */
  CF_TURN_KEY_ID: string;
  /** The HTTPS port of a LAN tracker's front (set by `npm start`); "" when it serves plain http only. */
  LAN_HTTPS_PORT: string;
  /** Where a LAN tracker's front takes notices for its signaling relay (loopback; set by `npm start`). */
  LAN_RELAY_URL: string;
  /** The per-run secret between a LAN tracker and its front (set by `npm start`; honoured only in lan mode). */
  LAN_RELAY_SECRET: string;
  /** Secret (`wrangler secret put`): coturn's static-auth-secret. */
  TURN_SECRET?: string;
  /** Secret (`wrangler secret put`): the API token of the Cloudflare TURN key. */
  CF_TURN_API_TOKEN?: string;
}

/** Env members that are secrets (set with `wrangler secret put`), not wrangler.toml bindings or vars. */
export const SECRET_NAMES = ['TURN_SECRET', 'CF_TURN_API_TOKEN'] as const;
