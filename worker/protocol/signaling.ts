// The PeerJS signaling wire protocol as this tracker speaks it (see docs/signaling.md).
// Client frames are validated with these schemas; server frames are built from the types below.
import { z } from 'zod';
import { ID_PATTERN } from './ids.ts';

/** The only `key` the relay accepts (the peerjs client's default). */
export const PEERJS_KEY = 'peerjs';

/** The client's keep-alive, answered with the same text without waking the relay object. */
export const HEARTBEAT = '{"type":"HEARTBEAT"}';

export const SIGNALING_LIMITS = {
  /** Largest text frame a client may send, in UTF-8 bytes. */
  maxFrameBytes: 64 * 1024,
  /** Token bucket per socket: a burst of CANDIDATEs fits, a flood does not. */
  burst: 300,
  perSecond: 100,
  /** How long messages for a peer that is not connected wait for it to come back. */
  queueMs: 5_000,
  /** A socket with no heartbeat for this long is considered dead (the client heartbeats every 5 s). */
  silentMs: 35_000,
} as const;

/** Message types a client may send; anything else closes its socket. */
export const CLIENT_TYPES = ['HEARTBEAT', 'OFFER', 'ANSWER', 'CANDIDATE'] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];

const relayed = (type: 'OFFER' | 'ANSWER' | 'CANDIDATE') =>
  // loose: the client may send a `src` (ignored, the server sets it) or future fields (dropped)
  z.looseObject({
    type: z.literal(type),
    dst: z.string().regex(ID_PATTERN, 'must be a peer id'),
    payload: z.record(z.string(), z.unknown()),
  });

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('HEARTBEAT') }),
  relayed('OFFER'),
  relayed('ANSWER'),
  relayed('CANDIDATE'),
]);
export type ClientFrame = z.output<typeof clientFrameSchema>;

export type RelayType = 'OFFER' | 'ANSWER' | 'CANDIDATE';

/** Everything the server sends on a signaling socket. */
export type ServerFrame =
  | { type: 'OPEN' }
  | { type: 'HEARTBEAT' }
  | { type: 'ERROR' | 'ID-TAKEN' | 'INVALID-KEY'; payload: { msg: string } }
  | { type: 'EXPIRE' | 'LEAVE'; src: string; dst: string }
  | { type: RelayType; src: string; dst: string; payload: Record<string, unknown> };

/** Close codes the relay uses (1000-1015 as RFC 6455 means them, 4xxx ours). */
export const CLOSE = {
  refused: 1008,
  unsupportedData: 1003,
  invalidData: 1007,
  policy: 1008,
  tooLarge: 1009,
  replaced: 4000,
  silent: 4001,
} as const;
