// Hashing to share on several threads (the hash worker and its digest workers, each reading its own spans
// of the file): the ids must be exactly those of the protocol's definition, whatever order the spans are
// answered in. The fixed values below were computed with node:crypto from the definition in
// worker/protocol/content.ts.
import { describe, expect, it } from 'vitest';
import {
  type DigestReply,
  type DigestRequest,
  type DigestWorker,
  digestReply,
  workerLane,
} from '../src/transfer/chunkDigest.ts';
import { hashBlob, hashChunk } from '../src/transfer/hashing.ts';
import { hashInSpans } from '../src/transfer/spanHashing.ts';
import { pattern, reference } from './contentKit.ts';

/** Runs the digest worker's own handler, answering after a random delay (so out of order). */
class ShuffledWorker implements DigestWorker {
  onmessage: DigestWorker['onmessage'] = null;
  onerror: DigestWorker['onerror'] = null;
  received = 0;
  constructor() {
    setTimeout(() => this.onmessage?.({ data: { ready: true } }), 0); // as the worker says once started
  }
  postMessage(req: DigestRequest): void {
    this.received++;
    const cloned = structuredClone(req); // a real postMessage: the Blob crosses as a clone
    setTimeout(
      () => void digestReply(cloned).then((r: DigestReply) => this.onmessage?.({ data: r })),
      Math.random() * 5,
    );
  }
  terminate(): void {}
}

const VECTORS: [string, Uint8Array<ArrayBuffer>, number, string][] = [
  [
    '5000 bytes in 1 KiB chunks',
    pattern(5000),
    1024,
    'fd0b33320c5d5e7e9d2e158c6ae316ee7e736876f95a76de30e05e3826b7dee8',
  ],
  [
    '3 MiB + 5 bytes in 1 MiB chunks',
    pattern(3 * 1024 * 1024 + 5),
    1024 * 1024,
    'd889b2edb448106ff2e19f49b10fe959e686176f8405ba172a2903a085dc3f25',
  ],
  [
    '40 MiB + 7 bytes (more than is hashed at once)',
    pattern(40 * 1024 * 1024 + 7),
    1024 * 1024,
    '79d430f9b3cf3a95872d2f62ea0b000dd72ad6658f9ffdfc18d8455f912cbe8b',
  ],
];

describe('hashing in spans, on this thread and digest workers', () => {
  it.each(VECTORS)(
    '%s: the same id as the definition, here and through the workers',
    async (_l, bytes, chunkSize, id) => {
      const workers: ShuffledWorker[] = [];
      const lanes = [0, 1].map(() =>
        workerLane(() => {
          workers.push(new ShuffledWorker());
          return workers.at(-1)!;
        }),
      );
      const seen: number[] = [];
      const spanned = await hashInSpans(new Blob([bytes]), {
        chunkSize,
        lanes,
        spanBytes: 3 * chunkSize, // several spans, and a short one at the end
        depth: 1, // so that each worker gets some, even of two spans
        onProgress: (b) => seen.push(b),
      });
      const streamed = await hashBlob(new Blob([bytes]), { chunkSize });
      expect(spanned.contentId).toBe(id);
      expect(streamed.contentId).toBe(id);
      expect(spanned.chunkHashes).toEqual(streamed.chunkHashes);
      // the workers did share the work, and progress still only moved forward, up to the size
      expect(workers.every((w) => w.received > 0)).toBe(true);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.at(-1)).toBe(bytes.length);
    },
  );
});

describe('hashBlob with a digest that answers out of order (the CLI: Node digests off the thread)', () => {
  it('keeps every hash in place, and fails on an answer that is not SHA-256', async () => {
    const bytes = pattern(40 * 1024 + 3);
    const shuffled = (chunk: Uint8Array) =>
      new Promise<Uint8Array>((r) => setTimeout(() => r(hashChunk(chunk)), Math.random() * 5));
    const got = await hashBlob(new Blob([bytes]), { chunkSize: 1024, digest: shuffled });
    expect(got.contentId).toBe(reference(bytes, 1024));
    const short = async () => new Uint8Array(16);
    await expect(hashBlob(new Blob([bytes]), { chunkSize: 1024, digest: short })).rejects.toThrow(
      'not SHA-256',
    );
  });
});
