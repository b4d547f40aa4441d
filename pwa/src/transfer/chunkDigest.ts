// SHA-256 of chunks in digest workers. For downloads stored in IndexedDB (plain-http pages, where
// crypto.subtle is missing and hash-wasm runs, or a browser without OPFS): verifying never hashes on the
// page's main thread; the chunk is copied to the worker (a 1 MiB copy costs the page far less than
// hashing it) and the page keeps its bytes for the store.
// For hashing a file to share: several of them, one per core, each reading and hashing its own spans of
// the file (spanHashing.ts), because a digest occupies the thread that asked for it (Chromium runs
// crypto.subtle.digest synchronously inside the call: measured here, 2-13 ms per MiB spent in the call
// itself), so chunks are hashed in parallel only on several threads.
import { hashChunk } from './hashing.ts';
import { hashSpan, type Span, type SpanLane } from './spanHashing.ts';

/** One chunk's bytes, or a span of a file to read and hash (the reply is then its chunks' hashes). */
export type DigestRequest = { id: number; bytes: Uint8Array } | { id: number; span: Span };

/** A worker says `ready` once, when it has started (a lane takes no span before). */
export type DigestReply = { id: number; hash: Uint8Array } | { id: number; error: string } | { ready: true };

/** What the digest worker does with one request (also what the tests run in place of the worker). */
export async function digestReply(req: DigestRequest): Promise<DigestReply> {
  try {
    return { id: req.id, hash: 'span' in req ? await hashSpan(req.span) : await hashChunk(req.bytes) };
  } catch (err) {
    return { id: req.id, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The parts of a Worker the digester uses. */
export interface DigestWorker {
  postMessage(req: DigestRequest): void;
  onmessage: ((e: { data: DigestReply }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  terminate(): void;
}

type Pending = Map<number, { resolve: (h: Uint8Array) => void; reject: (e: Error) => void }>;

/** Settles the request a reply answers (a `ready` is the caller's). */
function settle(pending: Pending, reply: Exclude<DigestReply, { ready: true }>): void {
  const p = pending.get(reply.id);
  pending.delete(reply.id);
  if ('hash' in reply) p?.resolve(reply.hash);
  else p?.reject(new Error(reply.error));
}

/** `hashChunk` through a worker started on first use (again after it died). */
export function workerDigester(spawn: () => DigestWorker): (bytes: Uint8Array) => Promise<Uint8Array> {
  let worker: DigestWorker | null = null;
  let nextId = 1;
  const pending: Pending = new Map();
  const start = (): DigestWorker => {
    const w = spawn();
    w.onmessage = ({ data }) => {
      if ('id' in data) settle(pending, data);
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
      worker!.postMessage(request);
    });
  };
}

/** A digest worker as a lane of span hashing, started at once (so it is ready by the first job). */
export interface WorkerLane extends SpanLane {
  /** It died: whatever it held failed, and a new lane should take its place. */
  readonly dead: boolean;
}

export function workerLane(spawn: () => DigestWorker): WorkerLane {
  let nextId = 1;
  let dead = false;
  const pending: Pending = new Map();
  let started!: () => void;
  let failed!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    failed = reject;
  });
  ready.catch(() => undefined); // a lane that never starts is left out, not an error by itself
  let worker: DigestWorker | null = null;
  try {
    worker = spawn();
  } catch (err) {
    dead = true;
    failed(err instanceof Error ? err : new Error(String(err)));
  }
  if (worker) {
    const w = worker;
    w.onmessage = ({ data }) => {
      if ('id' in data) settle(pending, data);
      else started();
    };
    // a worker that dies fails the spans it held (so the job, with a clear message); the hash worker
    // replaces it before the next job
    w.onerror = (e) => {
      dead = true;
      w.terminate();
      const error = new Error(`the hashing worker stopped${e.message ? `: ${e.message}` : ''}`);
      failed(error);
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    };
  }
  return {
    ready,
    get dead() {
      return dead;
    },
    hash: (span) => {
      if (dead || !worker) return Promise.reject(new Error('the hashing worker stopped'));
      const id = nextId++;
      const w = worker;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, span }); // a Blob crosses as a handle: its bytes are not copied
      });
    },
  };
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
