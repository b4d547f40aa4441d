// Hashing a file in spans on several lanes (spanHashing.ts): whatever order and speed the lanes answer
// in, the chunk hashes and the id are the definition's (checked against node:crypto), progress only moves
// forward, memory stays bounded, and a cancel, a file that changes or a lane that dies ends the job
// with a clear error.
import { describe, expect, it } from 'vitest';
import { hashBlob } from '../src/transfer/hashing.ts';
import {
  FILE_CHANGED,
  hashInSpans,
  hashSpan,
  localLane,
  type Span,
  type SpanLane,
} from '../src/transfer/spanHashing.ts';
import { distinct, pattern, reference, sha256 } from './contentKit.ts';
import { FakeClock } from './transferKit.ts';

const tick = () => new Promise((r) => setTimeout(r, 0));

/** A lane whose spans wait until the test lets them go, in any order it likes. */
class HeldLane implements SpanLane {
  ready: Promise<void>;
  held: { span: Span; release: () => Promise<unknown>; fail: (e: Error) => void }[] = [];
  taken: Span[] = [];
  inFlight = 0;
  maxInFlight = 0;
  abandon?: () => void;
  constructor(ready: Promise<void> = Promise.resolve()) {
    this.ready = ready;
  }
  hash(span: Span): Promise<Uint8Array> {
    this.taken.push(span);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve, reject) => {
      const entry = {
        span,
        release: () => {
          this.let(entry);
          return hashSpan(span).then(resolve, reject);
        },
        fail: (e: Error) => {
          this.let(entry);
          reject(e);
        },
      };
      this.held.push(entry);
    });
  }
  private let(entry: HeldLane['held'][number]): void {
    this.inFlight--;
    this.held.splice(this.held.indexOf(entry), 1);
  }
}

/** Lets every held span go as it comes, until the job ends. */
async function drain(lanes: HeldLane[], job: Promise<unknown>): Promise<void> {
  let ended = false;
  job.then(
    () => (ended = true),
    () => (ended = true),
  );
  while (!ended) {
    for (const lane of lanes) for (const h of [...lane.held]) void h.release();
    await tick();
  }
}

const CHUNK = 1024;

/** Two held lanes hashing 40 chunks in spans of 2, one span each at a time. */
function twoLanes() {
  const a = new HeldLane();
  const b = new HeldLane();
  const job = hashInSpans(new Blob([distinct(40 * CHUNK)]), {
    chunkSize: CHUNK,
    lanes: [a, b],
    spanBytes: 2 * CHUNK,
  });
  return { a, b, job };
}

describe('hashInSpans', () => {
  it.each([
    ['0 bytes', 0],
    ['1 byte', 1],
    ['a chunk - 1', CHUNK - 1],
    ['a chunk', CHUNK],
    ['a chunk + 1', CHUNK + 1],
    ['a span exactly', 4 * CHUNK],
    ['a span + 1', 4 * CHUNK + 1],
    ['many spans and a tail', 50 * CHUNK + 7],
  ])('%s: the same hashes and id as the definition', async (_l, n) => {
    const bytes = distinct(n);
    const seen: number[] = [];
    const got = await hashInSpans(new Blob([bytes]), {
      chunkSize: CHUNK,
      lanes: [localLane(), localLane()],
      spanBytes: 4 * CHUNK,
      onProgress: (b) => seen.push(b),
    });
    expect(got.size).toBe(n);
    expect(got.contentId).toBe(reference(bytes, CHUNK));
    expect(got.chunkHashes).toEqual((await hashBlob(new Blob([bytes]), { chunkSize: CHUNK })).chunkHashes);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    if (n > 0) expect(seen.at(-1)).toBe(n);
  });

  it('chunks bigger than a span: one chunk a span', async () => {
    const bytes = distinct(5 * CHUNK + 3);
    const lane = new HeldLane();
    const job = hashInSpans(new Blob([bytes]), { chunkSize: CHUNK, lanes: [lane], spanBytes: 100 });
    await drain([lane], job);
    expect((await job).contentId).toBe(reference(bytes, CHUNK));
    expect(lane.taken.map((s) => s.end - s.start)).toEqual([1024, 1024, 1024, 1024, 1024, 3]);
  });

  it('spans answered last-first still land in place; progress waits for the earliest', async () => {
    const bytes = distinct(20 * CHUNK + 5);
    const a = new HeldLane();
    const b = new HeldLane();
    const seen: number[] = [];
    const job = hashInSpans(new Blob([bytes]), {
      chunkSize: CHUNK,
      lanes: [a, b],
      spanBytes: 4 * CHUNK,
      depth: 2,
      onProgress: (x) => seen.push(x),
    });
    await tick();
    // each lane holds two spans: a has 0 and 2, b has 1 and 3 (or the other way round)
    expect(a.held.length + b.held.length).toBe(4);
    const byStart = [...a.held, ...b.held].sort((x, y) => y.span.start - x.span.start);
    await Promise.all(byStart.slice(0, 3).map((h) => h.release())); // spans 3, 2, 1: no progress yet
    await tick();
    expect(seen).toEqual([]);
    // span 0 (spans 4 and 5, taken meanwhile, still held): progress jumps to the end of span 3
    await byStart[3]!.release();
    await tick();
    expect(seen).toEqual([16 * CHUNK]);
    await drain([a, b], job);
    const got = await job;
    expect(got.contentId).toBe(reference(bytes, CHUNK));
    expect(seen[0]).toBe(16 * CHUNK);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(seen.at(-1)).toBe(bytes.length);
  });

  it('memory: never more than depth spans a lane, and a slow lane does not hold the others back', async () => {
    const bytes = pattern(64 * CHUNK);
    const slow = new HeldLane();
    const fast: SpanLane & { max: number; done: number } = {
      ready: Promise.resolve(),
      max: 0,
      done: 0,
      hash: (() => {
        let inFlight = 0;
        return async (span: Span) => {
          inFlight++;
          fast.max = Math.max(fast.max, inFlight);
          try {
            return await hashSpan(span);
          } finally {
            inFlight--;
            fast.done++;
          }
        };
      })(),
    };
    const job = hashInSpans(new Blob([bytes]), {
      chunkSize: CHUNK,
      lanes: [slow, fast],
      spanBytes: 2 * CHUNK,
      depth: 2,
    });
    // the fast lane does the rest of the 32 spans while the slow one holds its two
    while (slow.taken.length < 2) await tick();
    // (a slow lane that held the others back would leave this loop to the test's timeout)
    while (fast.done < 30) await tick();
    expect(slow.taken).toHaveLength(2);
    expect(slow.maxInFlight).toBe(2);
    expect(fast.max).toBeLessThanOrEqual(2);
    await drain([slow], job);
    expect((await job).contentId).toBe(reference(bytes, CHUNK));
  });

  it('a lane takes no span before it is ready, and one that never starts is not waited for', async () => {
    const bytes = pattern(12 * CHUNK);
    let start!: () => void;
    const late = new HeldLane(new Promise((r) => (start = r)));
    const never = new HeldLane(new Promise(() => {}));
    const broken = new HeldLane(Promise.reject(new Error('no nested workers')));
    const got = await hashInSpans(new Blob([bytes]), {
      chunkSize: CHUNK,
      lanes: [late, never, broken, localLane()],
      spanBytes: 2 * CHUNK,
    });
    expect(got.contentId).toBe(reference(bytes, CHUNK));
    expect(late.taken.length + never.taken.length + broken.taken.length).toBe(0);
    start();
    await tick();
    expect(late.taken).toHaveLength(0); // ready after the job: nothing left to take
    await expect(
      hashInSpans(new Blob([bytes]), { chunkSize: CHUNK, lanes: [broken, broken], spanBytes: 2 * CHUNK }),
    ).rejects.toThrow('no hashing thread could start');
  });

  it('cancelled in the middle of a span: fails at once, takes no more spans, stops the lane', async () => {
    const lane = new HeldLane();
    let abandoned = 0;
    lane.abandon = () => abandoned++;
    const ctrl = new AbortController();
    const job = hashInSpans(new Blob([pattern(40 * CHUNK)]), {
      chunkSize: CHUNK,
      lanes: [lane],
      spanBytes: 4 * CHUNK,
      depth: 2,
      signal: ctrl.signal,
    });
    await tick();
    expect(lane.taken).toHaveLength(2);
    void lane.held[0]!.release();
    while (lane.taken.length < 3) await tick();
    ctrl.abort(new Error('cancelled by the user'));
    await expect(job).rejects.toThrow('cancelled by the user'); // the held spans never answered
    // still busy with this job's spans: stopped, so the next job does not run beside them
    expect(abandoned).toBe(1);
    for (const h of [...lane.held]) void h.release();
    await tick();
    await tick();
    expect(lane.taken).toHaveLength(3);
    const before = new AbortController();
    before.abort();
    await expect(
      hashInSpans(new Blob([pattern(10)]), { chunkSize: CHUNK, lanes: [lane], signal: before.signal }),
    ).rejects.toThrow();
  });

  it('a lane whose answer is not 32 bytes a chunk fails the job', async () => {
    const wrong: SpanLane = { ready: Promise.resolve(), hash: async () => new Uint8Array(16) };
    await expect(
      hashInSpans(new Blob([pattern(3 * CHUNK)]), { chunkSize: CHUNK, lanes: [wrong] }),
    ).rejects.toThrow('not SHA-256');
  });

  it('a lane that fails is given up: its span goes to another lane, and the id is still right', async () => {
    const bytes = distinct(40 * CHUNK);
    const a = new HeldLane();
    const b = new HeldLane();
    let abandoned = 0;
    a.abandon = () => abandoned++;
    const job = hashInSpans(new Blob([bytes]), {
      chunkSize: CHUNK,
      lanes: [a, b],
      spanBytes: 2 * CHUNK,
      depth: 2,
    });
    await tick();
    const lost = a.held[0]!.span;
    a.held[0]!.fail(new Error('the hashing worker stopped: out of memory'));
    await drain([a, b], job);
    expect((await job).contentId).toBe(reference(bytes, CHUNK));
    expect(abandoned).toBe(1);
    expect(a.taken).toHaveLength(2); // nothing more after it failed
    expect(b.taken.some((s) => s.start === lost.start)).toBe(true);
  });

  it('when every lane has failed, the job fails with the last message', async () => {
    const { a, b, job } = twoLanes();
    await tick();
    a.held[0]!.fail(new Error('the hashing worker stopped: out of memory'));
    await tick();
    await tick();
    expect(b.held.length).toBeGreaterThan(0);
    b.held[0]!.fail(new Error('the hashing worker stopped: gone'));
    await expect(job).rejects.toThrow('the hashing worker stopped: gone');
  });

  it('a lane that stops answering is given up at its deadline, and another lane hashes its span', async () => {
    const bytes = distinct(12 * CHUNK);
    const clock = new FakeClock();
    const stuck = new HeldLane();
    let abandoned = 0;
    stuck.abandon = () => abandoned++;
    const job = hashInSpans(new Blob([bytes]), {
      chunkSize: CHUNK,
      lanes: [stuck, localLane()],
      spanBytes: 2 * CHUNK,
      spanDeadlineMs: 5000,
      clock,
    });
    let ended = false;
    job.then(
      () => (ended = true),
      () => (ended = true),
    );
    while (stuck.taken.length === 0) await tick();
    for (let i = 0; i < 20; i++) await tick();
    expect(ended).toBe(false); // everything else is done; the stuck span holds the job
    clock.advance(4999);
    await tick();
    expect(ended).toBe(false);
    clock.advance(1);
    expect((await job).contentId).toBe(reference(bytes, CHUNK));
    expect(abandoned).toBe(1);
    expect(clock.pending).toBe(0); // every deadline of an answered span was cleared
  });

  it('a file that changed ends the job at once: no other lane is asked to read it again', async () => {
    const { a, b, job } = twoLanes();
    await tick();
    const taken = a.taken.length + b.taken.length;
    a.held[0]!.fail(new Error(FILE_CHANGED));
    await expect(job).rejects.toThrow(FILE_CHANGED);
    await tick();
    expect(a.taken.length + b.taken.length).toBe(taken);
  });
});

describe('hashSpan', () => {
  /** A Blob whose file changed after it was picked: its reads come back short, or are refused. */
  const changed = (read: () => Promise<ArrayBuffer>) =>
    ({ size: 4096, slice: () => ({ arrayBuffer: read }) }) as unknown as Blob;

  it('a span read short (the file shrank) or refused (Chromium: NotReadableError) says the file changed', async () => {
    const span = (blob: Blob) => ({ blob, start: 0, end: 4096, chunkSize: CHUNK });
    await expect(hashSpan(span(changed(async () => new ArrayBuffer(4000))))).rejects.toThrow(FILE_CHANGED);
    const refused = async () => {
      throw new DOMException('The requested file could not be read', 'NotReadableError');
    };
    await expect(hashSpan(span(changed(refused)))).rejects.toThrow(FILE_CHANGED);
    const other = async () => {
      throw new Error('disk on fire');
    };
    await expect(hashSpan(span(changed(other)))).rejects.toThrow('disk on fire');
  });

  it('hashes each chunk of the span in place, the last one short', async () => {
    const bytes = distinct(3 * CHUNK + 10);
    const blob = new Blob([pattern(CHUNK), bytes]);
    const got = await hashSpan({ blob, start: CHUNK, end: 4 * CHUNK + 10, chunkSize: CHUNK });
    const want = [0, 1, 2, 3].map((i) => sha256(bytes.subarray(i * CHUNK, (i + 1) * CHUNK)));
    expect(got).toEqual(new Uint8Array(want.flatMap((h) => [...h])));
  });
});
