// Issue 11, resume on OPFS: an interrupted download's file is checked chunk by chunk against the verified
// hashes before anything in it counts as stored (the OPFS writer worker runs this over its access handle).
import { describe, expect, it } from 'vitest';
import { hashChunk } from '../src/transfer/hashing.ts';
import { type ReadableFile, storedChunks } from '../src/transfer/storedChunks.ts';
import { randomBytes, served } from './transferKit.ts';

/** A file of `length` zero bytes (what OPFS holds where nothing was written) with some chunks written. */
function fileWith(length: number, parts: [at: number, bytes: Uint8Array][], maxRead = 1 << 30): ReadableFile {
  const data = new Uint8Array(length);
  for (const [at, bytes] of parts) data.set(bytes, at);
  return {
    getSize: () => data.length,
    read(buffer, { at }) {
      const n = Math.max(0, Math.min(buffer.length, data.length - at, maxRead));
      buffer.set(data.subarray(at, at + n));
      return n;
    },
  };
}

describe('chunks found on disk after an interruption', () => {
  it('counts only whole chunks that match their hash: not gaps, not torn chunks, not past the end', async () => {
    const K = 1024;
    const bytes = randomBytes(10 * K + 300, 5);
    const file = await served(bytes, K);
    const chunk = (i: number) => bytes.subarray(i * K, Math.min(bytes.length, (i + 1) * K));
    const torn = chunk(3).slice();
    torn[700]! ^= 1;
    // written: 0, 1, 3 (torn), 4, 6 (half: the file ends in it); 2 and 5 are gaps of zeros
    const disk = fileWith(6 * K + 512, [
      [0, chunk(0)],
      [K, chunk(1)],
      [3 * K, torn],
      [4 * K, chunk(4)],
      [6 * K, chunk(6).subarray(0, 512)],
    ]);
    expect(await storedChunks(disk, file.size, K, file.chunkHashes, hashChunk)).toEqual([0, 1, 4]);
  });

  it('reads in as many calls as the file needs, and finds a complete file (short last chunk included)', async () => {
    const K = 1024;
    const bytes = randomBytes(4 * K + 1, 6);
    const file = await served(bytes, K);
    const disk = fileWith(bytes.length, [[0, bytes]], 100);
    expect(await storedChunks(disk, file.size, K, file.chunkHashes, hashChunk)).toEqual([0, 1, 2, 3, 4]);
  });
});
