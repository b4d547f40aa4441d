// Chunk hashing on plain-http pages goes through a worker (chunkDigest.ts); here the worker is replaced by
// its own handler run in place, so what is tested is the page side: ids, copies, a worker that dies.
import { describe, expect, it } from 'vitest';
import {
  type DigestReply,
  type DigestRequest,
  type DigestWorker,
  digestReply,
  workerDigester,
} from '../src/transfer/chunkDigest.ts';
import { hashChunk } from '../src/transfer/hashing.ts';

class InPlaceWorker implements DigestWorker {
  onmessage: DigestWorker['onmessage'] = null;
  onerror: DigestWorker['onerror'] = null;
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
    expect(workers[0]!.received[1]!.bytes.buffer.byteLength).toBe(2000);
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
