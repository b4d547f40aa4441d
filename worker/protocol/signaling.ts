// The PeerJS signaling wire protocol as this tracker speaks it (see docs/signaling.md).
// Client frames are validated with these schemas; server frames are built from the types below.
import { z } from 'zod';
import { ID_PATTERN } from './ids.ts';

export { HEARTBEAT, PEERJS_KEY } from './signalingKeys.ts';

export const SIGNALING_LIMITS = {
  /** Largest text frame a client may send, in UTF-8 bytes. */
  maxFrameBytes: 64 * 1024,
  /** Token bucket per device (kept across its reconnects): a burst of CANDIDATEs fits, a flood does not. */
  burst: 300,
  perSecond: 100,
  /** Largest payload by type, in UTF-8 bytes of the whole frame: an SDP is a few KiB, a candidate far less. */
  maxOfferBytes: 32 * 1024,
  maxCandidateBytes: 4 * 1024,
  /**
   * OFFERs one device may send one other device: a burst, then one every `offerRefillMs`. The app opens a
   * connection per file and source, so a folder of small files from one device needs many in a row; the
   * receiving app closes connections it did not expect (at most 6 at once from one device).
   */
  offerBurst: 100,
  offerRefillMs: 100,
  /** Frames one device may send one other device: what it can make the other tab hold. */
  pairBurst: 400,
  pairPerSecond: 20,
  /** Signaling connections one device may open: a burst, then one every `connectRefillMs`. */
  connectBurst: 10,
  connectRefillMs: 6_000,
  /** Peers whose LEAVE a device's departure announces (its contacts), at most. */
  maxContacts: 1024,
  /**
   * Frames kept for a device that is away (a connection attempt is an OFFER and a few dozen CANDIDATEs);
   * beyond this new ones are refused and their senders get EXPIRE at once.
   */
  maxPending: 500,
  /** How long messages for a peer that is not connected wait for it to come back. */
  queueMs: 5_000,
  /** A socket with no heartbeat for this long is considered dead (the client heartbeats every 5 s). */
  silentMs: 35_000,
} as const;

/** Message types a client may send; anything else closes its socket. */
export const CLIENT_TYPES = ['HEARTBEAT', 'OFFER', 'ANSWER', 'CANDIDATE'] as const;

const relayed = (type: 'OFFER' | 'ANSWER' | 'CANDIDATE') =>
  // loose: the client may send a `src` (ignored, the server sets it) or future fields (dropped). `dst` is
  // any string here: an id that is not well formed is an unknown destination (EXPIRE), not a broken client
  z.looseObject({
    type: z.literal(type),
    dst: z.string(),
    payload: z.record(z.string(), z.unknown()),
  });

/** Whether a destination can name a device at all (anything else gets EXPIRE without a lookup). */
export const isPeerId = (dst: string): boolean => ID_PATTERN.test(dst);

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('HEARTBEAT') }),
  relayed('OFFER'),
  relayed('ANSWER'),
  relayed('CANDIDATE'),
]);

export type RelayType = 'OFFER' | 'ANSWER' | 'CANDIDATE';

/** The messages that refuse a connection (sent once, then the socket closes with CLOSE.refused). */
export type RefusalType = 'ERROR' | 'ID-TAKEN' | 'INVALID-KEY';

/** Everything the server sends on a signaling socket. */
export type ServerFrame =
  | { type: 'OPEN' }
  | { type: 'HEARTBEAT' }
  | { type: RefusalType; payload: { msg: string } }
  | { type: 'EXPIRE' | 'LEAVE'; src: string; dst: string }
  | { type: RelayType; src: string; dst: string; payload: Record<string, unknown> };

/** Close codes the relay uses (1000-1015 as RFC 6455 means them, 4xxx ours). */
export const CLOSE = {
  normal: 1000,
  refused: 1008,
  unsupportedData: 1003,
  invalidData: 1007,
  policy: 1008,
  tooLarge: 1009,
  replaced: 4000,
  silent: 4001,
  /** The device was forgotten or changed its secret: its sockets close and need new credentials. */
  revoked: 4002,
  /** The client does not read what it is sent (the LAN relay stops buffering for it). */
  tooSlow: 4003,
} as const;
