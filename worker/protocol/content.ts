// How a file's content id is defined. Both sides need it: the PWA computes it while hashing and checks
// every manifest against it; the tracker only stores it.
//
//   chunk i    = bytes [i*chunkSize, min(size, (i+1)*chunkSize))      (a 0-byte file has no chunks)
//   chunkHash  = SHA-256(chunk)
//   contentId  = hex(SHA-256( "meshdrop-content-v1\n" || u64be(size) || u32be(chunkSize) || chunkHash_0 || ... ))
//
// Binding size and chunk size into the root means a source cannot lie about either without changing the id.

export const CONTENT_ID_DOMAIN = 'meshdrop-content-v1\n';
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** Chunk count above which the chunk size doubles, so a manifest stays small (8192 * 32 B = 256 KiB). */
export const MAX_CHUNKS_BEFORE_GROWING = 8192;
export const MAX_CHUNK_SIZE = 64 * 1024 * 1024;

/** 1 MiB, doubled until the file has at most 8192 chunks (capped at 64 MiB). */
export function chooseChunkSize(size: number): number {
  let chunkSize = DEFAULT_CHUNK_SIZE;
  while (chunkSize < MAX_CHUNK_SIZE && Math.ceil(size / chunkSize) > MAX_CHUNKS_BEFORE_GROWING)
    chunkSize *= 2;
  return chunkSize;
}

export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** Byte range of chunk `index`. */
export function chunkRange(size: number, chunkSize: number, index: number): { start: number; end: number } {
  const start = index * chunkSize;
  return { start, end: Math.min(size, start + chunkSize) };
}

/** The bytes hashed before the chunk hashes: domain tag, size (u64 big-endian), chunk size (u32 big-endian). */
export function contentIdHeader(size: number, chunkSize: number): Uint8Array {
  const domain = new TextEncoder().encode(CONTENT_ID_DOMAIN);
  const out = new Uint8Array(domain.length + 12);
  out.set(domain, 0);
  const view = new DataView(out.buffer);
  view.setBigUint64(domain.length, BigInt(size));
  view.setUint32(domain.length + 8, chunkSize);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
