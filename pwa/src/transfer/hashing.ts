// Content hashing: one streaming pass over a file gives every chunk hash and the content id.
// Pure apart from reading the Blob, so it runs the same in a Web Worker, the page and unit tests.
// hash-wasm is used instead of crypto.subtle because plain-http LAN pages have no crypto.subtle and
// subtle cannot hash incrementally.
import { createSHA256, type IHasher } from 'hash-wasm';
import {
  chooseChunkSize,
  chunkCount,
  chunkRange,
  contentIdHeader,
  toHex,
} from '../../../worker/protocol/content.ts';

export interface FileHash {
  contentId: string;
  size: number;
  chunkSize: number;
  /** chunkCount * 32 bytes: SHA-256 of each chunk, in order. */
  chunkHashes: Uint8Array;
}

export interface HashOptions {
  chunkSize?: number;
  onProgress?: (hashedBytes: number) => void;
  signal?: AbortSignal;
}

/** Reads the blob one chunk at a time (never the whole file), hashing as it goes. */
export async function hashBlob(blob: Blob, options: HashOptions = {}): Promise<FileHash> {
  const size = blob.size;
  const chunkSize = options.chunkSize ?? chooseChunkSize(size);
  const count = chunkCount(size, chunkSize);
  const chunkHasher = await createSHA256();
  const chunkHashes = new Uint8Array(count * 32);
  for (let i = 0; i < count; i++) {
    options.signal?.throwIfAborted();
    const { start, end } = chunkRange(size, chunkSize, i);
    const bytes = new Uint8Array(await blob.slice(start, end).arrayBuffer());
    chunkHasher.init();
    chunkHasher.update(bytes);
    chunkHashes.set(chunkHasher.digest('binary'), i * 32);
    options.onProgress?.(end);
  }
  return { contentId: await rootOf(size, chunkSize, chunkHashes), size, chunkSize, chunkHashes };
}

/** The content id for a size, chunk size and the concatenated chunk hashes. */
export async function rootOf(size: number, chunkSize: number, chunkHashes: Uint8Array): Promise<string> {
  const root: IHasher = await createSHA256();
  root.init();
  root.update(contentIdHeader(size, chunkSize));
  root.update(chunkHashes);
  return toHex(root.digest('binary'));
}

/** SHA-256 of one chunk, as raw bytes. */
export async function hashChunk(bytes: Uint8Array): Promise<Uint8Array> {
  const h = await createSHA256();
  h.init();
  h.update(bytes);
  return h.digest('binary');
}
