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
  /** JSON array of RTCIceServer objects; "[]" means LAN mode. */
  ICE_SERVERS: string;
  /** "lan" under `npm start`, "deployed" otherwise (wrangler.toml). */
  TRACKER_MODE: string;
  /** "off" lifts rate limits, honoured only when TRACKER_MODE is "lan". */
  RATE_LIMITS: string;
}
