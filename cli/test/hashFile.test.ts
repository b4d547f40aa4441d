import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashBlob } from '../../pwa/src/transfer/hashing.ts';
import { HashCache } from '../src/files/hashFile.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshdrop-hash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('hashing files on disk', () => {
  it('gives the app’s content id, caches it privately, and notices a changed file', async () => {
    const path = join(dir, 'f.bin');
    const data = Buffer.alloc(3 * 1024 * 1024 + 5, 1);
    writeFileSync(path, data);
    const cache = new HashCache(join(dir, 'cache'));
    const first = await cache.hash(path);
    expect(first.hash.contentId).toBe((await hashBlob(new Blob([data]))).contentId);
    const [entry] = readdirSync(join(dir, 'cache', 'hashes'));
    expect(statSync(join(dir, 'cache', 'hashes', entry!)).mode & 0o777).toBe(0o600);

    let read = 0;
    const again = await cache.hash(path, (b) => {
      read = b;
    });
    expect(again.hash.chunkHashes).toEqual(first.hash.chunkHashes);
    expect(read).toBe(data.length);

    data[10] = 2; // same size, new bytes, new modification time
    writeFileSync(path, data);
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const changed = await cache.hash(path);
    expect(changed.hash.contentId).not.toBe(first.hash.contentId);
    expect(changed.hash.contentId).toBe((await hashBlob(new Blob([data]))).contentId);
  });
});
