// Signaling and live-socket tickets are looked up by hash; text that cannot be a ticket is never hashed.
import { SECRET_PATTERN } from '../protocol/ids.ts';
import { sha256Hex } from './crypto.ts';

/** The hash a ticket is stored under, or null when `text` cannot be a ticket at all. */
export async function ticketHash(text: string): Promise<string | null> {
  return SECRET_PATTERN.test(text) ? sha256Hex(text) : null;
}
