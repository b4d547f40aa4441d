// Chunk hashing on plain-http pages goes through a worker (chunkDigest.ts); here the worker is replaced by
// its own handler run in place, so what is tested is the page side: ids, copies, a worker that dies.
import { describe, expect, it } from 'vitest';
import {
  type DigestReply,
  type DigestRequest,
  type DigestWorker,
  digestReply,
  renewLanes,
  workerDigester,
  workerLane,
} from '../src/transfer/chunkDigest.ts';
import { hashChunk } from '../src/transfer/hashing.ts';
import { FakeClock } from './transferKit.ts';

class InPlaceWorker implements DigestWorker {
  onmessage: DigestWorker['onmessage'] = null;
  onerror: DigestWorker['onerror'] = null;
  onmessageerror: DigestWorker['onmessageerror'] = null;
  received: DigestRequest[] = [];
  terminated = false;
  hold = false;
  postMessage(req: DigestRequest): void {
    this.received.push(req);
    if (!this.hold) void digestReply(req).then((r: DigestReply) => this.onmessage?.({ data: r }));
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('workerDigester', () => {
  it('answers each chunk with its own SHA-256, and sends a view as a copy of just its bytes', async () => {
    const workers: InPlaceWorker[] = [];
    const digest = workerDigester(() => {
      workers.push(new InPlaceWorker());
      return workers.at(-1)!;
    });
    const a = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
    const view = a.subarray(1000, 3000);
    const [ha, hv] = await Promise.all([digest(a), digest(view)]);
    expect(ha).toEqual(await hashChunk(a));
    expect(hv).toEqual(await hashChunk(view));
    expect(workers).toHaveLength(1);
    const sent = workers[0]!.received[1]!;
    expect('bytes' in sent && sent.bytes.buffer.byteLength).toBe(2000);
  });

  it('a worker that dies fails the chunks it held, and the next chunk starts a new one', async () => {
    const workers: InPlaceWorker[] = [];
    const digest = workerDigester(() => {
      const w = new InPlaceWorker();
      w.hold = workers.length === 0;
      workers.push(w);
      return w;
    });
    const held = digest(new Uint8Array(10));
    workers[0]!.onerror?.({ message: 'out of memory' });
    await expect(held).rejects.toThrow('out of memory');
    expect(workers[0]!.terminated).toBe(true);
    expect(await digest(new Uint8Array(10))).toEqual(await hashChunk(new Uint8Array(10)));
    expect(workers).toHaveLength(2);
  });
});

describe('workerLane', () => {
  const span = (bytes: Uint8Array<ArrayBuffer>) => ({
    blob: new Blob([bytes]),
    start: 0,
    end: bytes.length,
    chunkSize: 1024,
  });

  it("is ready when its worker says so, and answers a span with its chunks' hashes", async () => {
    const w = new InPlaceWorker();
    const lane = workerLane(() => w);
    let ready = false;
    void lane.ready.then(() => (ready = true));
    await new Promise((r) => setTimeout(r, 0));
    expect(ready).toBe(false);
    w.onmessage?.({ data: { ready: true } });
    await lane.ready;
    const bytes = Uint8Array.from({ length: 2500 }, (_, i) => i % 251);
    const hashes = await lane.hash(span(bytes));
    expect(hashes.subarray(64)).toEqual(await hashChunk(bytes.subarray(2048)));
    expect(w.received).toHaveLength(1);
    expect(lane.dead).toBe(false);
  });

  it('a worker that dies fails the spans it held with a clear message, and is marked dead', async () => {
    const w = new InPlaceWorker();
    w.hold = true;
    const lane = workerLane(() => w);
    w.onmessage?.({ data: { ready: true } });
    const held = lane.hash(span(new Uint8Array(10)));
    w.onerror?.({ message: 'out of memory' });
    await expect(held).rejects.toThrow('the hashing worker stopped: out of memory');
    expect(lane.dead).toBe(true);
    expect(w.terminated).toBe(true);
    await expect(lane.hash(span(new Uint8Array(10)))).rejects.toThrow('the hashing worker stopped');
  });

  it('a worker that never says ready is stopped at its deadline (and so replaced at the next job)', async () => {
    const w = new InPlaceWorker();
    const clock = new FakeClock();
    const lane = workerLane(() => w, clock, 15_000);
    clock.advance(14_999);
    expect(lane.dead).toBe(false);
    clock.advance(1);
    await expect(lane.ready).rejects.toThrow('the hashing worker did not start');
    expect(lane.dead).toBe(true);
    expect(w.terminated).toBe(true);
  });

  it('an answer that is not one fails its span at once; an unreadable one stops the worker', async () => {
    const w = new InPlaceWorker();
    w.hold = true;
    const lane = workerLane(() => w);
    w.onmessage?.({ data: { ready: true } });
    const first = lane.hash(span(new Uint8Array(10)));
    w.onmessage?.({ data: null as unknown as DigestReply }); // ignored, not a TypeError
    w.onmessage?.({ data: { id: 1, hash: 'x'.repeat(32) as unknown as Uint8Array } });
    await expect(first).rejects.toThrow('the hashing worker answered nonsense');
    expect(lane.dead).toBe(false);
    const second = lane.hash(span(new Uint8Array(10)));
    w.onmessageerror?.({});
    await expect(second).rejects.toThrow('an answer could not be read');
    expect(lane.dead).toBe(true);
  });

  it('a lane the job gives up stops its worker and fails what it still held', async () => {
    const w = new InPlaceWorker();
    w.hold = true;
    const lane = workerLane(() => w);
    w.onmessage?.({ data: { ready: true } });
    const held = lane.hash(span(new Uint8Array(10)));
    lane.abandon?.();
    await expect(held).rejects.toThrow('given up');
    expect(w.terminated).toBe(true);
    expect(lane.dead).toBe(true);
  });

  it('the next job gets the same lanes, each one that died or was given up replaced by a new one', () => {
    const workers: InPlaceWorker[] = [];
    const make = () =>
      workerLane(() => {
        workers.push(new InPlaceWorker());
        return workers.at(-1)!;
      });
    const [a, b, c] = [make(), make(), make()];
    b.abandon?.();
    const next = renewLanes([a, b, c], make);
    expect(next[0]).toBe(a);
    expect(next[2]).toBe(c);
    expect(next[1]).not.toBe(b);
    expect(next[1]!.dead).toBe(false);
    expect(workers).toHaveLength(4);
    expect(workers[1]!.terminated).toBe(true);
  });

  it('a worker that cannot start (no workers inside workers) is a lane that never gets ready', async () => {
    const lane = workerLane(() => {
      throw new Error('Worker is not defined');
    });
    await expect(lane.ready).rejects.toThrow('Worker is not defined');
    expect(lane.dead).toBe(true);
  });
});
