// The downloads database: chunk records (the IndexedDB storage path) and the library of finished files.
// Separate from the app's own database so its schema can evolve without touching the identity store.
import { committed, databaseOpener, promised } from '../net/idb.ts';

let factory: IDBFactory | undefined;

const opener = databaseOpener(
  'meshdrop-downloads',
  1,
  (db) => {
    // key: [contentId, chunkIndex]; value: the chunk as a Blob (Blobs in IndexedDB live on disk)
    if (!db.objectStoreNames.contains('chunks')) db.createObjectStore('chunks');
    if (!db.objectStoreNames.contains('library')) db.createObjectStore('library', { keyPath: 'contentId' });
  },
  () => factory ?? indexedDB,
);

/** For tests: a fake-indexeddb factory. */
export function useDownloadsFactory(next: IDBFactory): void {
  factory = next;
  opener.reset();
}

export const downloadsDb = opener.open;
export { committed, promised as request };
