// Content hashing: one streaming pass over a file gives every chunk hash and the content id.
// Pure apart from reading the Blob, so it runs the same in a Web Worker, the page and unit tests.
// Chunks are hashed with crypto.subtle where it exists (secure contexts: about twice as fast as wasm in
// Chromium, measured by `npm run bench`) and with hash-wasm where it does not (plain-http LAN pages).
// The next chunk is read from disk while the current one is hashed.
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
  const chunkHashes = new Uint8Array(count * 32);
  const read = (i: number) => {
    const { start, end } = chunkRange(size, chunkSize, i);
    return blob.slice(start, end).arrayBuffer();
  };
  // at most two chunks in memory: the one being hashed and the one being read
  let next = count > 0 ? read(0) : null;
  for (let i = 0; i < count; i++) {
    options.signal?.throwIfAborted();
    const bytes = new Uint8Array(await next!);
    next = i + 1 < count ? read(i + 1) : null;
    chunkHashes.set(await hashChunk(bytes), i * 32);
    options.onProgress?.(chunkRange(size, chunkSize, i).end);
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
  const subtle = globalThis.crypto?.subtle;
  if (subtle) return new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  wasm ??= await createSHA256();
  wasm.init();
  wasm.update(bytes);
  return wasm.digest('binary');
}

// one wasm hasher per context is enough: init() resets it, and each use finishes before the next await
let wasm: IHasher | undefined;
