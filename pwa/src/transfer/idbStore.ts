// Chunk storage in IndexedDB, for pages that are not a secure context (plain-http LAN): no OPFS there.
// Each verified chunk is one record holding a Blob, so it goes to disk and the finished file is a Blob
// of those Blobs: nothing is held in memory.
import { committed, downloadsDb, request } from './downloadsDb.ts';
import type { ChunkStore } from './store.ts';

const range = (contentId: string) => IDBKeyRange.bound([contentId, 0], [contentId, Number.MAX_SAFE_INTEGER]);

export class IdbChunkStore implements ChunkStore {
  readonly contentId: string;

  constructor(contentId: string) {
    this.contentId = contentId;
  }

  async stored(): Promise<number[]> {
    const db = await downloadsDb();
    const keys = await request(
      db.transaction('chunks').objectStore('chunks').getAllKeys(range(this.contentId)),
    );
    return keys.map((k) => (k as [string, number])[1]);
  }

  async write(index: number, bytes: Uint8Array): Promise<void> {
    const db = await downloadsDb();
    const tx = db.transaction('chunks', 'readwrite');
    tx.objectStore('chunks').put(new Blob([bytes as Uint8Array<ArrayBuffer>]), [this.contentId, index]);
    await committed(tx);
  }

  async finish(type: string): Promise<Blob> {
    return IdbChunkStore.read(this.contentId, type);
  }

  async discard(): Promise<void> {
    await IdbChunkStore.remove(this.contentId);
  }

  /** The stored file as one disk-backed Blob (chunks come back in key order, which is index order). */
  static async read(contentId: string, type: string): Promise<Blob> {
    const db = await downloadsDb();
    const parts = await request(db.transaction('chunks').objectStore('chunks').getAll(range(contentId)));
    return new Blob(parts as Blob[], { type });
  }

  static async remove(contentId: string): Promise<void> {
    const db = await downloadsDb();
    const tx = db.transaction('chunks', 'readwrite');
    tx.objectStore('chunks').delete(range(contentId));
    await committed(tx);
  }
}
