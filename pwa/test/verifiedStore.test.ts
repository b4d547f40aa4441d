// A store that verifies chunks itself (the OPFS worker does, so the page's main thread never hashes):
// the download hands it every chunk with its expected hash, and a chunk that fails is still never
// stored, asked for again, and its source dropped by the same rules as when the page hashes.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../src/transfer/clock.ts';
import { Download } from '../src/transfer/download.ts';
import { hashChunk } from '../src/transfer/hashing.ts';
import type { ServerOptions } from '../src/transfer/server.ts';
import { writeIfVerified } from '../src/transfer/verifiedWrite.ts';
import {
  deps,
  digest,
  honestServer,
  MemoryStore,
  network,
  randomBytes,
  served,
  specOf,
} from './transferKit.ts';

type Tamper = NonNullable<ServerOptions['tamper']>;
const clock = systemClock;

/** MemoryStore checking as the OPFS worker does (the same rule: verifiedWrite.ts). */
class VerifyingStore extends MemoryStore {
  checked = 0;
  mismatches = 0;
  async writeVerified(index: number, bytes: Uint8Array, expected: Uint8Array): Promise<boolean> {
    this.checked++;
    const ok = await writeIfVerified(bytes, expected, hashChunk, (b) => this.write(index, b));
    if (!ok) this.mismatches++;
    return ok;
  }
}

/** The page must not hash chunks itself when the store verifies them. */
const pageMustNotHash = async (): Promise<Uint8Array> => {
  throw new Error('the page hashed a chunk');
};

function download(
  file: Awaited<ReturnType<typeof served>>,
  sources: string[],
  net: ReturnType<typeof network>,
  store: MemoryStore,
) {
  return new Download(specOf(file), sources, {
    ...deps(net.connect, clock, store),
    hashChunk: pageMustNotHash,
  });
}

describe('a store that verifies chunks', () => {
  it('gets every chunk with its hash and the page hashes none', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 7, 21);
    const file = await served(bytes);
    const store = new VerifyingStore();
    const d = download(file, ['a'], network({ a: honestServer(file) }), store);
    expect(await digest(await d.start())).toBe(await digest(bytes));
    expect(store.checked).toBe(4);
    expect(store.writes).toBe(4);
    expect(d.status()).toMatchObject({ state: 'done', rejectedChunks: 0 });
  });

  it('never stores a chunk with a flipped bit, asks again, ends with exact bytes', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 5, 22);
    const file = await served(bytes);
    let flipped = 0;
    const tamper: Tamper = (_id, index, chunk) => {
      if (index !== 1 || flipped > 0) return chunk;
      flipped++;
      const copy = chunk.slice();
      copy[4321]! ^= 0x01;
      return copy;
    };
    const store = new VerifyingStore();
    const d = download(file, ['evil'], network({ evil: honestServer(file, clock, { tamper }) }), store);
    expect(await digest(await d.start())).toBe(await digest(bytes));
    expect(store.mismatches).toBe(1);
    expect(d.status().rejectedChunks).toBe(1);
    expect(store.writes).toBe(4); // one per chunk: the bad copy was never written
  });

  it('drops a source that keeps lying and finishes from an honest one', async () => {
    const bytes = randomBytes(4 * 1024 * 1024, 23);
    const file = await served(bytes);
    const liar: Tamper = (_id, _i, chunk) => chunk.map((b) => b ^ 1);
    const net = network({ evil: honestServer(file, clock, { tamper: liar }), good: honestServer(file) });
    const store = new VerifyingStore();
    const d = download(file, ['evil'], net, store);
    const result = d.start();
    setTimeout(() => d.addSource('good'), 5);
    expect(await digest(await result)).toBe(await digest(bytes));
    expect(d.status().rejectedChunks).toBeGreaterThanOrEqual(3);
    expect(store.writes).toBe(4);
  });

  it('fails the download in plain words when the store cannot check or write', async () => {
    const bytes = randomBytes(2 * 1024 * 1024, 24);
    const file = await served(bytes);
    const store = new VerifyingStore();
    store.writeVerified = async () => {
      throw new Error('disk gone');
    };
    const d = download(file, ['a'], network({ a: honestServer(file) }), store);
    await expect(d.start()).rejects.toThrow();
    expect(d.status().error?.code).toBe('storage');
  });
});

describe('writeIfVerified', () => {
  it('writes only bytes that hash to the expected value', async () => {
    const bytes = randomBytes(1000, 25);
    const good = await hashChunk(bytes);
    const written: Uint8Array[] = [];
    const write = (b: Uint8Array) => void written.push(b);
    expect(await writeIfVerified(bytes, good, hashChunk, write)).toBe(true);
    const bad = good.slice();
    bad[31]! ^= 0x80;
    expect(await writeIfVerified(bytes, bad, hashChunk, write)).toBe(false);
    // an expected value that is not a SHA-256 (too short) matches nothing, not even its own prefix
    expect(await writeIfVerified(bytes, good.subarray(0, 16), hashChunk, write)).toBe(false);
    expect(written).toEqual([bytes]);
  });
});
