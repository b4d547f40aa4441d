// SHA-256 of chunks in digest workers. For downloads stored in IndexedDB (plain-http pages, where
// crypto.subtle is missing and hash-wasm runs, or a browser without OPFS): verifying never hashes on the
// page's main thread; the chunk is copied to the worker (a 1 MiB copy costs the page far less than
// hashing it) and the page keeps its bytes for the store.
// For hashing a file to share: several of them, one per core, each reading and hashing its own spans of
// the file (spanHashing.ts), because a digest occupies the thread that asked for it (Chromium runs
// crypto.subtle.digest synchronously inside the call: measured here, 2-13 ms per MiB spent in the call
// itself), so chunks are hashed in parallel only on several threads.

import { type Clock, systemClock } from './clock.ts';
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
  /** A message that could not be read (taken as the worker dying: its answer is lost). */
  onmessageerror?: ((e: unknown) => void) | null;
  terminate(): void;
}

type Pending = Map<number, { resolve: (h: Uint8Array) => void; reject: (e: Error) => void }>;

/** Settles the request a reply answers (a `ready` is the caller's). */
function settle(pending: Pending, reply: Exclude<DigestReply, { ready: true }>): void {
  const p = pending.get(reply.id);
  pending.delete(reply.id);
  // our own worker, but a reply that is not one must fail its request, not leave it waiting
  if ('hash' in reply && reply.hash instanceof Uint8Array) p?.resolve(reply.hash);
  else p?.reject(new Error('error' in reply ? String(reply.error) : 'the hashing worker answered nonsense'));
}

/** A reply worth reading: an object with a numeric id, or the `ready` notice. */
function isReply(data: unknown): data is DigestReply {
  if (typeof data !== 'object' || data === null) return false;
  return 'id' in data ? typeof data.id === 'number' : 'ready' in data;
}

/** `hashChunk` through a worker started on first use (again after it died). */
export function workerDigester(spawn: () => DigestWorker): (bytes: Uint8Array) => Promise<Uint8Array> {
  let worker: DigestWorker | null = null;
  let nextId = 1;
  const pending: Pending = new Map();
  const start = (): DigestWorker => {
    const w = spawn();
    w.onmessage = ({ data }) => {
      if (isReply(data) && 'id' in data) settle(pending, data);
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

/**
 * How long a digest worker may take to start (a cold one took 40-410 ms here): one that never says ready
 * is stopped and replaced at the next job, so no job keeps waiting on it (each would hold its file).
 */
export const LANE_READY_MS = 15_000;

export function workerLane(
  spawn: () => DigestWorker,
  clock: Clock = systemClock,
  readyMs = LANE_READY_MS,
): WorkerLane {
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
  /** Stops the worker for good: what it held fails with `error`, and the hash worker replaces it. */
  const stop = (error: Error) => {
    if (dead) return;
    dead = true;
    clock.clearTimeout(readyTimer);
    worker?.terminate();
    failed(error);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const readyTimer = clock.setTimeout(() => stop(new Error('the hashing worker did not start')), readyMs);
  try {
    worker = spawn();
  } catch (err) {
    stop(err instanceof Error ? err : new Error(String(err)));
  }
  if (worker) {
    const w = worker;
    w.onmessage = ({ data }) => {
      if (!isReply(data)) return;
      if ('id' in data) settle(pending, data);
      else {
        clock.clearTimeout(readyTimer);
        started();
      }
    };
    // a worker that dies fails the spans it held (the job hands them to its other lanes); the hash
    // worker replaces it before the next job
    w.onerror = (e) => stop(new Error(`the hashing worker stopped${e.message ? `: ${e.message}` : ''}`));
    w.onmessageerror = () => stop(new Error('the hashing worker stopped: an answer could not be read'));
  }
  return {
    ready,
    get dead() {
      return dead;
    },
    abandon: () => stop(new Error('the hashing worker was given up')),
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

/**
 * The digest lanes for the next job: the same ones, each dead (or given up) one replaced by a new one. A
 * lane given up by a job, or still busy with a cancelled job's span, was stopped, so it is one of those.
 */
export function renewLanes(lanes: readonly WorkerLane[], make: () => WorkerLane): WorkerLane[] {
  return lanes.map((lane) => (lane.dead ? make() : lane));
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
