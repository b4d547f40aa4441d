// Server-issued identities: random ids, bearer secrets, and their hashes at rest.
import { ID_ALPHABET, ID_LENGTH } from '../protocol/ids.ts';

/** A random id of 26 base32 characters (130 bits). */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_LENGTH));
  let id = '';
  // 256 is a multiple of 32, so taking the low 5 bits of each byte is unbiased
  for (const b of bytes) id += ID_ALPHABET[b & 31];
  return id;
}

/** 32 random bytes as base64url (43 characters). */
export function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/**
 * Secrets and tickets are 256-bit random values, so a single SHA-256 is enough at rest: there is
 * nothing to brute-force that a slow password hash would protect.
 */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
