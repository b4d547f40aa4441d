// What the hashing tests compare against: node:crypto over the protocol's definition of a content id
// (worker/protocol/content.ts), an implementation independent of the one under test; and test bytes.
import { createHash } from 'node:crypto';
import { contentIdHeader } from '../../worker/protocol/content.ts';

export const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

/** The content id of `bytes` in chunks of `chunkSize`. */
export function reference(bytes: Uint8Array, chunkSize: number): string {
  const root = createHash('sha256').update(contentIdHeader(bytes.length, chunkSize));
  for (let i = 0; i < bytes.length; i += chunkSize) root.update(sha256(bytes.subarray(i, i + chunkSize)));
  return root.digest('hex');
}

/** `n` bytes that differ from one chunk to the next at any chunk size that is not a multiple of 256. */
export function pattern(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 255;
  return out;
}

/**
 * `n` bytes that never repeat in a way a chunk or span boundary could line up with (xorshift32): with
 * `pattern`, every 1 KiB or 1 MiB chunk is the same, so hashes put in the wrong place go unseen.
 */
export function distinct(n: number, seed = 0x9e3779b9): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 255;
  }
  return out;
}
