// Content hashing: one streaming pass over a file gives every chunk hash and the content id.
// Pure apart from reading the Blob, so it runs the same in a Web Worker, the page and unit tests.
// Chunks are hashed with crypto.subtle where it exists (secure contexts: about twice as fast as wasm in
// Chromium, measured by `npm run bench`) and with hash-wasm where it does not (plain-http LAN pages).
// The file is streamed; chunks are hashed as they fill, several at once, while the stream reads on. The
// CLI and the tests use this; the app's hash worker reads spans on several threads (spanHashing.ts).
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
  /**
   * SHA-256 of one chunk, which it may take over (the chunk is not touched after). Answers may come in
   * any order. Default: `hashChunk` (in Node, the CLI's, it runs off the thread, so several at once help;
   * the app's hash worker hashes in spans instead: spanHashing.ts).
   */
  digest?: (chunk: Uint8Array) => Promise<Uint8Array>;
}

/**
 * Bytes of chunks being hashed at once (or one chunk, when chunks are bigger): the memory bound. The file
 * is read through `blob.stream()`, which reads ahead by itself: in Chromium here it delivered 1.1-1.2 GB/s
 * against 350-790 MB/s for 16 MiB `slice().arrayBuffer()` reads, and crypto.subtle hashed 1 MiB chunks at
 * 540-570 MB/s on its one thread (a probe page, two runs), so the digest is what limits.
 */
export const HASH_AHEAD_BYTES = 32 * 1024 * 1024;

/** Reads the blob as a stream (never the whole file at once), hashing each chunk as it fills. */
export async function hashBlob(blob: Blob, options: HashOptions = {}): Promise<FileHash> {
  const size = blob.size;
  const chunkSize = options.chunkSize ?? chooseChunkSize(size);
  const count = chunkCount(size, chunkSize);
  const chunkHashes = new Uint8Array(count * 32);
  const lengthOf = (i: number) => chunkRange(size, chunkSize, i).end - chunkRange(size, chunkSize, i).start;
  const digest = options.digest ?? hashChunk;
  // digests in flight, oldest first: awaited in order, so progress only ever moves forward
  const inFlight: { index: number; bytes: number; done: Promise<void> }[] = [];
  let held = 0;
  const settleOldest = async () => {
    const oldest = inFlight.shift()!;
    await oldest.done;
    held -= oldest.bytes;
    options.onProgress?.(chunkRange(size, chunkSize, oldest.index).end);
  };
  const reader = blob.stream().getReader();
  let index = 0;
  let chunk = new Uint8Array(count > 0 ? lengthOf(0) : 0);
  let filled = 0;
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      for (let at = 0; at < value.length; ) {
        if (index >= count) throw new Error('the file changed while it was read');
        const n = Math.min(value.length - at, chunk.length - filled);
        chunk.set(value.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled < chunk.length) continue;
        const i = index;
        const length = chunk.length; // the digest may take the buffer over
        const done = digest(chunk).then((h) => {
          if (h.length !== 32) throw new Error('a digest was not SHA-256');
          chunkHashes.set(h, i * 32);
        });
        done.catch(() => undefined); // awaited in order below; a failure there is thrown
        inFlight.push({ index: i, bytes: length, done });
        held += length;
        while (held > HASH_AHEAD_BYTES && inFlight.length > 1) await settleOldest();
        index++;
        chunk = new Uint8Array(index < count ? lengthOf(index) : 0);
        filled = 0;
      }
    }
    while (inFlight.length > 0) await settleOldest();
  } catch (err) {
    await reader.cancel().catch(() => undefined); // the error that stopped it is what matters
    throw err;
  }
  if (index !== count) throw new Error('the file changed while it was read');
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
