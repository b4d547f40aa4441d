// Signaling and live-socket tickets are looked up by hash; text that cannot be a ticket is never hashed.
import { SECRET_PATTERN } from '../protocol/ids.ts';
import { sha256Hex } from './crypto.ts';

/**
 * Which credentials a device connected with: a short tag of its secret's hash, which changes when the
 * secret does. A hub that heard of a change refuses an admission made with the old one ('' once the
 * device is forgotten: nothing matches it).
 */
export const keyTag = (secretHash: string): string => secretHash.slice(0, 16);

/** The hash a ticket is stored under, or null when `text` cannot be a ticket at all. */
export async function ticketHash(text: string): Promise<string | null> {
  return SECRET_PATTERN.test(text) ? sha256Hex(text) : null;
}
