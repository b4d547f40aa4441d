// Chunk storage in IndexedDB, for pages that are not a secure context (plain-http LAN): no OPFS there.
// Each verified chunk is one record holding a Blob, so it goes to disk and the finished file is a Blob
// of those Blobs: nothing is held in memory. Records are keyed by the download's storage key.
import { committed, downloadsDb, request } from './downloadsDb.ts';
import type { ChunkStore } from './store.ts';

const range = (key: string) => IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER]);

export class IdbChunkStore implements ChunkStore {
  readonly key: string;

  constructor(storageKey: string) {
    this.key = storageKey;
  }

  async stored(): Promise<number[]> {
    const db = await downloadsDb();
    const keys = await request(db.transaction('chunks').objectStore('chunks').getAllKeys(range(this.key)));
    return keys.map((k) => (k as [string, number])[1]);
  }

  async write(index: number, bytes: Uint8Array): Promise<void> {
    const db = await downloadsDb();
    const tx = db.transaction('chunks', 'readwrite');
    tx.objectStore('chunks').put(new Blob([bytes as Uint8Array<ArrayBuffer>]), [this.key, index]);
    await committed(tx);
  }

  async read(index: number, offset: number, length: number): Promise<Uint8Array> {
    const db = await downloadsDb();
    const chunk = await request(db.transaction('chunks').objectStore('chunks').get([this.key, index]));
    if (!(chunk instanceof Blob) || offset + length > chunk.size) throw new Error('not stored');
    return new Uint8Array(await chunk.slice(offset, offset + length).arrayBuffer());
  }

  async finish(type: string): Promise<Blob> {
    return IdbChunkStore.read(this.key, type);
  }

  async discard(): Promise<void> {
    await IdbChunkStore.remove(this.key);
  }

  /** The stored file as one disk-backed Blob (chunks come back in key order, which is index order). */
  static async read(key: string, type: string): Promise<Blob> {
    const db = await downloadsDb();
    const parts = await request(db.transaction('chunks').objectStore('chunks').getAll(range(key)));
    return new Blob(parts as Blob[], { type });
  }

  static async remove(key: string): Promise<void> {
    const db = await downloadsDb();
    const tx = db.transaction('chunks', 'readwrite');
    tx.objectStore('chunks').delete(range(key));
    await committed(tx);
  }
}
