// The downloads database: chunk records (the IndexedDB storage path), the library of finished files, and
// the partial downloads in progress (which storage key each one writes under). Separate from the app's
// own database so its schema can evolve without touching the identity store.
import { committed, databaseOpener, promised } from '../net/idb.ts';

let factory: IDBFactory | undefined;

const opener = databaseOpener(
  'meshdrop-downloads',
  2,
  (db) => {
    // key: [storageKey, chunkIndex]; value: the chunk as a Blob (Blobs in IndexedDB live on disk)
    if (!db.objectStoreNames.contains('chunks')) db.createObjectStore('chunks');
    if (!db.objectStoreNames.contains('library')) db.createObjectStore('library', { keyPath: 'contentId' });
    // version 2: a download in progress, by content id -> { storageKey, backend }
    if (!db.objectStoreNames.contains('partials')) db.createObjectStore('partials', { keyPath: 'contentId' });
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
