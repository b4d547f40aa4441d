// Pure decisions of the relay: what to do with a client frame, when a socket counts as dead, and the
// server frames. No I/O here, so every rule is unit-tested with plain values and a fake clock.
import {
  CLIENT_TYPES,
  CLOSE,
  clientFrameSchema,
  isPeerId,
  type RefusalType,
  type RelayType,
  type ServerFrame,
  SIGNALING_LIMITS,
} from '../protocol/signaling.ts';
import type { TokenBucket } from '../protocol/tokenBucket.ts';

export { type RateLimits, TokenBucket } from '../protocol/tokenBucket.ts';

export type Decision =
  | { kind: 'ignore' }
  | { kind: 'close'; code: number; reason: string }
  /** No device can have that id: the sender hears EXPIRE at once and its socket stays open (PeerJS contract). */
  | { kind: 'expire'; dst: string }
  | { kind: 'relay'; type: RelayType; dst: string; payload: Record<string, unknown> };

const encoder = new TextEncoder();

function tooLarge(text: string, max: number): boolean {
  // a UTF-16 code unit is at most 3 UTF-8 bytes: only long frames need the exact count
  if (text.length * 3 <= max) return false;
  return text.length > max || encoder.encode(text).byteLength > max;
}

/**
 * The rule for one client frame. `self` is the sender's authenticated id; a frame to itself is dropped.
 * The bucket is charged for every frame, valid or not, so junk cannot be sent faster than messages.
 */
export function decideFrame(
  message: string | ArrayBuffer,
  self: string,
  bucket: TokenBucket,
  now: number,
  maxFrameBytes: number = SIGNALING_LIMITS.maxFrameBytes,
): Decision {
  if (typeof message !== 'string') {
    return { kind: 'close', code: CLOSE.unsupportedData, reason: 'binary frames are not accepted' };
  }
  if (tooLarge(message, maxFrameBytes)) {
    return { kind: 'close', code: CLOSE.tooLarge, reason: `frame too large (max ${maxFrameBytes} bytes)` };
  }
  if (!bucket.take(now)) return { kind: 'close', code: CLOSE.policy, reason: 'rate limit exceeded' };
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return { kind: 'close', code: CLOSE.invalidData, reason: 'frame is not JSON' };
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (!(CLIENT_TYPES as readonly unknown[]).includes(type)) {
    return { kind: 'close', code: CLOSE.policy, reason: 'unknown message type' };
  }
  const parsed = clientFrameSchema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'frame';
    return {
      kind: 'close',
      code: CLOSE.policy,
      reason: closeReason(`invalid ${String(type)} message (${where})`),
    };
  }
  const frame = parsed.data;
  if (frame.type === 'HEARTBEAT' || frame.dst === self) return { kind: 'ignore' };
  // a peerjs app that mistypes an id must hear peer-unavailable, not lose its signaling
  if (!isPeerId(frame.dst)) return { kind: 'expire', dst: frame.dst.slice(0, MAX_ECHOED_ID) };
  const cap =
    frame.type === 'CANDIDATE' ? SIGNALING_LIMITS.maxCandidateBytes : SIGNALING_LIMITS.maxOfferBytes;
  if (tooLarge(message, cap)) {
    return { kind: 'close', code: CLOSE.tooLarge, reason: `${frame.type} too large (max ${cap} bytes)` };
  }
  return { kind: 'relay', type: frame.type, dst: frame.dst, payload: frame.payload };
}

/** An EXPIRE names the destination as the client wrote it, so its peerjs matches it; long junk is cut. */
const MAX_ECHOED_ID = 256;

/** A socket is dead when nothing was heard (heartbeat, or the connection itself) for `silentMs`. */
export function isSilent(
  lastHeard: number,
  now: number,
  silentMs: number = SIGNALING_LIMITS.silentMs,
): boolean {
  return now - lastHeard > silentMs;
}

/** Senders whose queued messages outlived the wait: each one gets a single EXPIRE. */
export function expiredSenders(queued: { src: string; expiresAt: number }[], now: number): string[] {
  return [...new Set(queued.filter((q) => q.expiresAt <= now).map((q) => q.src))];
}

export const frame = (value: ServerFrame): string => JSON.stringify(value);
export const OPEN_FRAME = frame({ type: 'OPEN' });
export const expireFrame = (gone: string, to: string) => frame({ type: 'EXPIRE', src: gone, dst: to });
export const leaveFrame = (gone: string, to: string) => frame({ type: 'LEAVE', src: gone, dst: to });
export const relayFrame = (d: Extract<Decision, { kind: 'relay' }>, src: string) =>
  frame({ type: d.type, src, dst: d.dst, payload: d.payload });
export const refusalFrame = (type: RefusalType, msg: string) => frame({ type, payload: { msg } });

/** Close reasons: at most 123 bytes of UTF-8 by the protocol (ws and workerd throw past it). */
export const CLOSE_REASON_BYTES = 123;

/** `text` cut to fit a close frame, never in the middle of a character. */
export function closeReason(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= CLOSE_REASON_BYTES) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = new TextEncoder().encode(ch).length;
    if (used + n > CLOSE_REASON_BYTES) break;
    out += ch;
    used += n;
  }
  return out;
}

/** What a socket admitted with credentials that a kick replaced meanwhile hears (then it closes). */
export const REVOKED_MEANWHILE =
  'This device was signed out while connecting (its secret changed, or it was forgotten). Get a fresh ticket.';
