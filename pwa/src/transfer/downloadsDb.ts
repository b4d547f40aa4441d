// The downloads database: chunk records (the IndexedDB storage path) and the library of finished files.
// Separate from the app's own database so its schema can evolve without touching the identity store.

const NAME = 'meshdrop-downloads';
const VERSION = 1;

let factory: IDBFactory | undefined;
let opening: Promise<IDBDatabase> | undefined;

/** For tests: a fake-indexeddb factory. */
export function useDownloadsFactory(next: IDBFactory): void {
  factory = next;
  opening = undefined;
}

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function downloadsDb(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = (factory ?? indexedDB).open(NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      // key: [contentId, chunkIndex]; value: the chunk as a Blob (Blobs in IndexedDB live on disk)
      if (!db.objectStoreNames.contains('chunks')) db.createObjectStore('chunks');
      if (!db.objectStoreNames.contains('library')) db.createObjectStore('library', { keyPath: 'contentId' });
    };
    req.onsuccess = () => {
      req.result.onversionchange = () => {
        req.result.close();
        opening = undefined;
      };
      resolve(req.result);
    };
    req.onerror = () => {
      opening = undefined;
      reject(req.error);
    };
  });
  return opening;
}

/** Resolves when the transaction commits (writes are durable), rejects when it fails. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}
