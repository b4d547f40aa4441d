// Hashing a file to share on several threads at once: the file is cut into spans (whole chunks, a few
// MiB each), and each lane (the hash worker itself, and each digest worker) reads its own spans with
// `blob.slice().arrayBuffer()` and digests the chunks in them. Reading runs in parallel with digesting,
// no byte is copied or moved between threads, and a lane that is still starting takes no span until it
// is ready (a cold digest worker took 260-410 ms to answer its first chunk here, a third of a 200 MB job
// at 300 MB/s).
// Spans are handed out in order to whichever lane asks next; their hashes are placed by index.
import { chunkCount, chunkRange } from '../../../worker/protocol/content.ts';
import { type Clock, systemClock, within } from './clock.ts';
import { type FileHash, hashChunk, rootOf } from './hashing.ts';

/** A part of the file a lane hashes: whole chunks, from `start` (a chunk boundary) to `end`. */
export interface Span {
  blob: Blob;
  start: number;
  end: number;
  chunkSize: number;
}

/** One thread that hashes spans. */
export interface SpanLane {
  /** Settles when the lane can take spans; a lane that never gets ready is simply never used. */
  ready: Promise<void>;
  /** The SHA-256 of each chunk of the span, concatenated (32 bytes a chunk). */
  hash(span: Span): Promise<Uint8Array>;
  /** The job gave up on it (it failed or missed a deadline): a worker lane stops its worker. */
  abandon?(): void;
}

export interface SpanHashOptions {
  chunkSize: number;
  /** At least one; the first one that is ready starts. */
  lanes: readonly SpanLane[];
  /** Bytes a span aims at (rounded to whole chunks, at least one). */
  spanBytes?: number;
  /** Spans a lane holds at once (two: one read while the other is digested). Memory: lanes * depth * span. */
  depth?: number;
  onProgress?: (hashedBytes: number) => void;
  signal?: AbortSignal;
  /** A lane that has not answered a span by then is given up and the span handed to another lane. */
  spanDeadlineMs?: number;
  /** The deadlines' clock (tests pass a fake one). */
  clock?: Clock;
}

/**
 * 16 MiB spans, one at a time a lane: in Chromium here (200 MB, 2 cores, 3 lanes) 16 MiB spans hashed at
 * 376-426 MB/s against 336-341 for 8 MiB spans two at a time, and one at a time was as fast as two (the
 * other lanes read while one digests), for half the memory.
 */
export const SPAN_BYTES = 16 * 1024 * 1024;
export const SPAN_DEPTH = 1;

export const FILE_CHANGED = 'the file changed while it was read';

/**
 * How long one lane may take for one span before the job gives up on it: a 16 MiB span takes well under
 * a second here, and 16 MiB in 60 s is a disk slower than any phone's; a worker that hangs (or answers
 * with something that is not an answer) must not hold the share, and every share queued behind it, forever.
 */
export const SPAN_DEADLINE_MS = 60_000;

/** Errors about the file itself: no other lane would do better, so the job ends with them. */
const FILE_ERRORS = new Set(['NotReadableError', 'NotFoundError']);

/** Reads one span and digests its chunks (what a lane does; a digest worker runs it for its spans). */
export async function hashSpan(
  span: Span,
  digest: (chunk: Uint8Array) => Promise<Uint8Array> = hashChunk,
): Promise<Uint8Array> {
  let bytes: ArrayBuffer;
  try {
    bytes = await span.blob.slice(span.start, span.end).arrayBuffer();
  } catch (err) {
    // a File changed (or removed) on disk since it was picked: Chromium refuses to read it
    if (err instanceof Error && FILE_ERRORS.has(err.name)) throw new Error(FILE_CHANGED);
    throw err;
  }
  if (bytes.byteLength !== span.end - span.start) throw new Error(FILE_CHANGED);
  const count = Math.ceil(bytes.byteLength / span.chunkSize);
  const hashes = new Uint8Array(count * 32);
  for (let i = 0; i < count; i++) {
    const at = i * span.chunkSize;
    const h = await digest(new Uint8Array(bytes, at, Math.min(span.chunkSize, bytes.byteLength - at)));
    if (h.length !== 32) throw new Error('a digest was not SHA-256');
    hashes.set(h, i * 32);
  }
  return hashes;
}

/**
 * Every chunk hash and the content id of `blob`, hashed in spans by the lanes. A lane that fails or misses
 * its deadline is given up and its span handed to the others (the hash worker's own lane is always there);
 * the job fails only when no lane is left, when the file itself cannot be read, or when it is cancelled.
 */
export async function hashInSpans(blob: Blob, options: SpanHashOptions): Promise<FileHash> {
  const { chunkSize, lanes, signal } = options;
  if (lanes.length === 0) throw new Error('no hashing thread');
  const clock = options.clock ?? systemClock;
  const deadlineMs = options.spanDeadlineMs ?? SPAN_DEADLINE_MS;
  const size = blob.size;
  const count = chunkCount(size, chunkSize);
  const chunkHashes = new Uint8Array(count * 32);
  const perSpan = Math.max(1, Math.floor((options.spanBytes ?? SPAN_BYTES) / chunkSize));
  const spans = Math.ceil(count / perSpan);
  const depth = Math.max(1, options.depth ?? SPAN_DEPTH);
  const done = new Uint8Array(spans);
  let next = 0; // the next span not handed out yet
  const again: number[] = []; // spans a lane that was given up held: handed out before new ones
  let settled = 0; // spans done from the start: progress is their end, so it only moves forward
  signal?.throwIfAborted();
  const running = new Map<SpanLane, number>(); // spans each lane holds now
  const aborted = new Promise<never>((_, reject) => {
    signal?.addEventListener(
      'abort',
      () => {
        reject(signal.reason);
        // a lane still reading or digesting a span of this job is stopped, so the next job does not run
        // beside it (two spans a lane in memory); a worker lane is then replaced for the next job
        for (const [lane, n] of running) if (n > 0) lane.abandon?.();
      },
      { once: true },
    );
  });
  aborted.catch(() => undefined);
  let failed = false;
  let unstarted = 0;
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = (err) => {
      failed = true; // the lanes still running stop taking spans
      reject(err);
    };
  });
  if (spans === 0) finish();
  const live = new Set<SpanLane>(); // ready, and not given up
  const hasWork = () => again.length > 0 || next < spans;

  /** The lane's answer for the span, or a rejection once it misses its deadline. */
  const answer = (lane: SpanLane, span: Span): Promise<Uint8Array> =>
    within(
      clock,
      deadlineMs,
      Promise.race([lane.hash(span), aborted]),
      () => new Error('a hashing thread stopped answering'),
    );

  const giveUp = (lane: SpanLane, err: unknown) => {
    if (!live.delete(lane)) return;
    lane.abandon?.();
    if (live.size === 0) fail(err);
    else for (const other of live) start(other); // the spans it held go to the others
  };

  const take = async (lane: SpanLane): Promise<void> => {
    while (!failed && live.has(lane) && hasWork()) {
      signal?.throwIfAborted();
      const index = again.length > 0 ? again.shift()! : next++;
      const first = index * perSpan;
      const last = Math.min(count, first + perSpan) - 1;
      const span = {
        blob,
        start: chunkRange(size, chunkSize, first).start,
        end: chunkRange(size, chunkSize, last).end,
        chunkSize,
      };
      let hashes: Uint8Array;
      try {
        hashes = await answer(lane, span);
        if (!(hashes instanceof Uint8Array) || hashes.length !== (last - first + 1) * 32)
          throw new Error('a digest was not SHA-256');
      } catch (err) {
        // the job's own end (a cancel) and the file's own fault end it; a lane's fault only ends the lane
        if (signal?.aborted || (err instanceof Error && err.message === FILE_CHANGED)) throw err;
        again.push(index);
        giveUp(lane, err);
        return;
      }
      chunkHashes.set(hashes, first * 32);
      done[index] = 1;
      const before = settled;
      while (settled < spans && done[settled]) settled++;
      if (settled > before) {
        const lastChunk = Math.min(count, settled * perSpan) - 1;
        options.onProgress?.(chunkRange(size, chunkSize, lastChunk).end);
      }
      if (settled === spans) finish();
    }
  };

  /** Lets the lane hold up to `depth` spans while there is work. */
  function start(lane: SpanLane) {
    while (!failed && live.has(lane) && hasWork() && (running.get(lane) ?? 0) < depth) {
      running.set(lane, (running.get(lane) ?? 0) + 1);
      take(lane)
        .catch(fail)
        .finally(() => running.set(lane, (running.get(lane) ?? 1) - 1));
    }
  }

  for (const lane of lanes) {
    // a lane that never gets ready is never waited for: the job ends when every span is hashed
    Promise.race([lane.ready, aborted]).then(
      () => {
        live.add(lane);
        start(lane);
      },
      (err: unknown) => {
        if (signal?.aborted) fail(err);
        else if (++unstarted === lanes.length) fail(new Error('no hashing thread could start'));
      },
    );
  }
  await finished;
  return { contentId: await rootOf(size, chunkSize, chunkHashes), size, chunkSize, chunkHashes };
}

/** The thread that asked, as a lane: ready at once. */
export function localLane(digest?: (chunk: Uint8Array) => Promise<Uint8Array>): SpanLane {
  return { ready: Promise.resolve(), hash: (span) => hashSpan(span, digest) };
}
