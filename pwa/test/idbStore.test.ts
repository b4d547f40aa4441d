import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { useDownloadsFactory } from '../src/transfer/downloadsDb.ts';
import { IdbChunkStore } from '../src/transfer/idbStore.ts';
import {
  addToLibrary,
  getFromLibrary,
  type LibraryEntry,
  listLibrary,
  removeFromLibrary,
} from '../src/transfer/library.ts';

beforeEach(() => useDownloadsFactory(new IDBFactory()));

const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

describe('IndexedDB chunk store', () => {
  it('stores chunks, reports them for resuming, and assembles them in index order', async () => {
    const store = new IdbChunkStore('c1');
    await store.write(2, bytes(3, 2));
    await store.write(0, bytes(4, 0));
    await store.write(1, bytes(4, 1));
    expect((await store.stored()).sort()).toEqual([0, 1, 2]);
    const blob = await store.finish('text/plain');
    expect(blob.type).toBe('text/plain');
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);
  });

  it('keeps contents apart and discards one without touching the other', async () => {
    const a = new IdbChunkStore('a');
    const b = new IdbChunkStore('b');
    await a.write(0, bytes(2, 7));
    await b.write(0, bytes(2, 8));
    await a.discard();
    expect(await a.stored()).toEqual([]);
    expect(await b.stored()).toEqual([0]);
  });

  it('orders chunk indices numerically, not as strings', async () => {
    const store = new IdbChunkStore('n');
    for (const i of [10, 9, 1, 100]) await store.write(i, bytes(1, i));
    const blob = await store.finish('');
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([1, 9, 10, 100]);
  });
});

describe('library', () => {
  const entry = (contentId: string, completedAt: number): LibraryEntry => ({
    contentId,
    name: 'x.bin',
    path: '',
    size: 2,
    type: 'application/octet-stream',
    chunkSize: 1 << 20,
    chunkHashes: new Uint8Array(32),
    roomId: 'r',
    completedAt,
    backend: 'idb',
  });

  it('lists newest first, finds, and removes entries with their data', async () => {
    await addToLibrary(entry('old', 1));
    await addToLibrary(entry('new', 2));
    await new IdbChunkStore('old').write(0, bytes(2, 1));
    expect((await listLibrary()).map((e) => e.contentId)).toEqual(['new', 'old']);
    expect((await getFromLibrary('old'))?.chunkHashes).toBeInstanceOf(Uint8Array);
    await removeFromLibrary((await getFromLibrary('old'))!);
    expect((await listLibrary()).map((e) => e.contentId)).toEqual(['new']);
    expect(await new IdbChunkStore('old').stored()).toEqual([]);
  });
});
