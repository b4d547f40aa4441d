import { describe, expect, it, vi } from 'vitest';
import { chooseChunkSize, toHex } from '../../worker/protocol/content.ts';
import { hashBlob, hashChunk, rootOf } from '../src/transfer/hashing.ts';
import { pattern, reference, sha256 } from './contentKit.ts';

describe('content ids', () => {
  it('match known vectors', async () => {
    // fixed values: changing the definition must be deliberate, it changes every content id
    expect((await hashBlob(new Blob([]))).contentId).toBe(
      '85bff625cef060fd01e076c0704c875f1e688bc8ef13672b85858ab756ec0004',
    );
    expect((await hashBlob(new Blob(['abc']))).contentId).toBe(
      'c67654a9b35e20097e31e95689f597ed5bf1d79ed6939737c52fb221f8612f06',
    );
    expect(toHex(await hashChunk(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it.each([
    ['0 bytes', 0],
    ['1 byte', 1],
    ['one chunk exactly', 1024],
    ['one chunk + 1 byte', 1025],
    ['three chunks exactly', 3072],
    ['several chunks and a tail', 5000],
  ])('%s: chunk hashes and root agree with an independent implementation', async (_label, n) => {
    const bytes = pattern(n);
    const result = await hashBlob(new Blob([bytes]), { chunkSize: 1024 });
    expect(result.size).toBe(n);
    expect(result.chunkHashes.length).toBe(Math.ceil(n / 1024) * 32);
    for (let i = 0; i * 1024 < n; i++) {
      expect(toHex(result.chunkHashes.subarray(i * 32, i * 32 + 32))).toBe(
        toHex(sha256(bytes.subarray(i * 1024, i * 1024 + 1024))),
      );
    }
    expect(result.contentId).toBe(reference(bytes, 1024));
    expect(await rootOf(n, 1024, result.chunkHashes)).toBe(result.contentId);
  });

  it('more chunks than are hashed at once: every hash right, progress in order up to the size', async () => {
    // 40 MiB of 1 MiB chunks from a blob of uneven parts: chunks span the stream's pieces, and more than
    // HASH_AHEAD_BYTES must wait for earlier digests
    const n = 40 * 1024 * 1024 + 7;
    const bytes = pattern(n);
    const parts = [bytes.subarray(0, 999), bytes.subarray(999, 5_000_001), bytes.subarray(5_000_001)];
    const seen: number[] = [];
    const result = await hashBlob(new Blob(parts), {
      chunkSize: 1024 * 1024,
      onProgress: (b) => seen.push(b),
    });
    expect(result.contentId).toBe(reference(bytes, 1024 * 1024));
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(seen.at(-1)).toBe(n);
    expect(seen).toHaveLength(41);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      hashBlob(new Blob([pattern(5000)]), { chunkSize: 1024, signal: controller.signal }),
    ).rejects.toThrow();
  });

  it('binds size and chunk size into the id', async () => {
    const bytes = pattern(2048);
    const a = await hashBlob(new Blob([bytes]), { chunkSize: 1024 });
    const b = await hashBlob(new Blob([bytes]), { chunkSize: 2048 });
    expect(a.contentId).not.toBe(b.contentId);
    // same chunk hashes, claimed size one byte off: another id
    expect(await rootOf(2047, 1024, a.chunkHashes)).not.toBe(a.contentId);
  });

  it('a flipped bit changes the id', async () => {
    const bytes = pattern(4096);
    const before = await hashBlob(new Blob([bytes]), { chunkSize: 1024 });
    bytes[2500]! ^= 1;
    expect((await hashBlob(new Blob([bytes]), { chunkSize: 1024 })).contentId).not.toBe(before.contentId);
  });

  it('reports progress up to the size and can be cancelled', async () => {
    const seen: number[] = [];
    await hashBlob(new Blob([pattern(3000)]), { chunkSize: 1024, onProgress: (b) => seen.push(b) });
    expect(seen).toEqual([1024, 2048, 3000]);
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(
      hashBlob(new Blob([pattern(3000)]), { chunkSize: 1024, signal: ctrl.signal }),
    ).rejects.toThrow();
  });

  it('chooses 1 MiB chunks and grows them for very large files', () => {
    expect(chooseChunkSize(0)).toBe(1 << 20);
    expect(chooseChunkSize(8192 * (1 << 20))).toBe(1 << 20);
    expect(chooseChunkSize(8192 * (1 << 20) + 1)).toBe(2 << 20);
    expect(chooseChunkSize(Number.MAX_SAFE_INTEGER)).toBe(64 << 20);
  });
});

describe('without crypto.subtle (plain-http pages)', () => {
  it('hashes with wasm and gets the same ids', async () => {
    const bytes = pattern(5000);
    const withSubtle = await hashBlob(new Blob([bytes]), { chunkSize: 1024 });
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => a });
    try {
      expect(globalThis.crypto.subtle).toBeUndefined();
      const withWasm = await hashBlob(new Blob([bytes]), { chunkSize: 1024 });
      expect(withWasm.contentId).toBe(withSubtle.contentId);
      expect(toHex(withWasm.chunkHashes)).toBe(toHex(withSubtle.chunkHashes));
      expect(toHex(await hashChunk(new TextEncoder().encode('abc')))).toBe(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
