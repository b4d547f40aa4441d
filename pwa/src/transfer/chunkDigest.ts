// SHA-256 of chunks in digest workers. For downloads stored in IndexedDB (plain-http pages, where
// crypto.subtle is missing and hash-wasm runs, or a browser without OPFS): verifying never hashes on the
// page's main thread; the chunk is copied to the worker (a 1 MiB copy costs the page far less than
// hashing it) and the page keeps its bytes for the store.
// For hashing a file to share: a pool of them, one per core, because a digest occupies the thread that
// asked for it (Chromium runs crypto.subtle.digest synchronously inside the call: measured here, 2-13 ms
// per MiB spent in the call itself), so chunks are hashed in parallel only on several threads.
import { hashChunk } from './hashing.ts';

export interface DigestRequest {
  id: number;
  bytes: Uint8Array;
}

export type DigestReply = { id: number; hash: Uint8Array } | { id: number; error: string };

/** What the digest worker does with one request (also what the tests run in place of the worker). */
export async function digestReply(req: DigestRequest): Promise<DigestReply> {
  try {
    return { id: req.id, hash: await hashChunk(req.bytes) };
  } catch (err) {
    return { id: req.id, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The parts of a Worker the digester uses. */
export interface DigestWorker {
  postMessage(req: DigestRequest, transfer?: Transferable[]): void;
  onmessage: ((e: { data: DigestReply }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  terminate(): void;
}

export interface DigesterOptions {
  /** Move the chunk's buffer to the worker instead of copying it (the caller no longer needs the bytes). */
  transfer?: boolean;
}

/** `hashChunk` through a worker started on first use (again after it died). */
export function workerDigester(
  spawn: () => DigestWorker,
  options: DigesterOptions = {},
): (bytes: Uint8Array) => Promise<Uint8Array> {
  let worker: DigestWorker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (h: Uint8Array) => void; reject: (e: Error) => void }>();
  const start = (): DigestWorker => {
    const w = spawn();
    w.onmessage = ({ data }) => {
      const p = pending.get(data.id);
      pending.delete(data.id);
      if ('hash' in data) p?.resolve(data.hash);
      else p?.reject(new Error(data.error));
    };
    // a dead worker fails what it held (those downloads say they could not check their data) and the
    // next chunk starts a new one
    w.onerror = (e) => {
      w.terminate();
      if (worker === w) worker = null;
      for (const p of pending.values()) p.reject(new Error(e.message || 'the hashing worker stopped'));
      pending.clear();
    };
    return w;
  };
  return (bytes) => {
    worker ??= start();
    const id = nextId++;
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const request = { id, bytes: whole ? bytes : bytes.slice() }; // a view would clone its whole buffer
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (options.transfer) worker!.postMessage(request, [request.bytes.buffer as ArrayBuffer]);
      else worker!.postMessage(request);
    });
  };
}

/**
 * `size` digest workers taking chunks in turn (chunks of one file are equal, so turns balance them). The
 * answers come back in any order; each promise is its own chunk's.
 */
export function digestPool(
  spawn: () => DigestWorker,
  size: number,
  options: DigesterOptions = {},
): (bytes: Uint8Array) => Promise<Uint8Array> {
  const digesters = Array.from({ length: Math.max(1, size) }, () => workerDigester(spawn, options));
  let turn = 0;
  return (bytes) => digesters[turn++ % digesters.length]!(bytes);
}

/** A digest worker of this bundle (the URL literal is what Vite looks for to bundle it). */
export function spawnDigestWorker(): DigestWorker {
  return new Worker(new URL('../workers/digest.worker.ts', import.meta.url), {
    type: 'module',
  }) as unknown as DigestWorker;
}

/**
 * Chunk hashing for downloads the store does not verify itself (IndexedDB; OPFS checks in its worker):
 * the digest worker (WebCrypto there, or hash-wasm), since a digest would occupy the page's thread.
 */
export function chunkHasher(): (bytes: Uint8Array) => Promise<Uint8Array> {
  if (typeof Worker === 'undefined') return hashChunk;
  return workerDigester(spawnDigestWorker);
}
