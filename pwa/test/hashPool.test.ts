// Hashing to share with chunks digested elsewhere (the hash worker's pool of digest workers): the ids
// must be exactly those of the protocol's definition, whatever order the digests answer in. The fixed
// values below were computed with node:crypto from the definition in worker/protocol/content.ts.
import { describe, expect, it } from 'vitest';
import {
  type DigestReply,
  type DigestRequest,
  type DigestWorker,
  digestPool,
  digestReply,
} from '../src/transfer/chunkDigest.ts';
import { hashBlob, hashChunk } from '../src/transfer/hashing.ts';

function pattern(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 255;
  return out;
}

/** Runs the digest worker's own handler, answering after a random delay (so out of order). */
class ShuffledWorker implements DigestWorker {
  onmessage: DigestWorker['onmessage'] = null;
  onerror: DigestWorker['onerror'] = null;
  received = 0;
  postMessage(req: DigestRequest, transfer?: Transferable[]): void {
    this.received++;
    // a real postMessage: the transferred buffer leaves the sender
    const moved = structuredClone(req, { transfer: (transfer ?? []) as Transferable[] });
    setTimeout(
      () => void digestReply(moved).then((r: DigestReply) => this.onmessage?.({ data: r })),
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

describe('hashing with a pool of digest workers', () => {
  it.each(VECTORS)(
    '%s: the same id as the definition, here and through the pool',
    async (_l, bytes, chunkSize, id) => {
      const workers: ShuffledWorker[] = [];
      const pool = digestPool(
        () => {
          workers.push(new ShuffledWorker());
          return workers.at(-1)!;
        },
        2,
        { transfer: true },
      );
      const seen: number[] = [];
      const pooled = await hashBlob(new Blob([bytes]), {
        chunkSize,
        digest: pool,
        onProgress: (b) => seen.push(b),
      });
      const local = await hashBlob(new Blob([bytes]), { chunkSize });
      expect(pooled.contentId).toBe(id);
      expect(local.contentId).toBe(id);
      expect(pooled.chunkHashes).toEqual(local.chunkHashes);
      // chunks went to both workers in turn, and progress still only moved forward, up to the size
      const chunks = Math.ceil(bytes.length / chunkSize);
      expect(workers.map((w) => w.received)).toEqual([Math.ceil(chunks / 2), Math.floor(chunks / 2)]);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen.at(-1)).toBe(bytes.length);
    },
  );

  it('moves each chunk to its worker instead of copying it, and fails on an answer that is not SHA-256', async () => {
    const pool = digestPool(() => new ShuffledWorker(), 2, { transfer: true });
    const chunk = pattern(4096);
    const expected = await hashChunk(chunk.slice());
    expect(await pool(chunk)).toEqual(expected);
    expect(chunk.byteLength).toBe(0); // detached: the bytes went over, not a copy
    const short = async () => new Uint8Array(16);
    await expect(hashBlob(new Blob([pattern(3000)]), { chunkSize: 1024, digest: short })).rejects.toThrow(
      'not SHA-256',
    );
  });
});
