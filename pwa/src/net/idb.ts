// A tiny promise wrapper over IndexedDB: one database, a few object stores, no library.
// Blobs and FileSystemFileHandles are stored as they are (both are structured-cloneable).

export const DB_NAME = 'meshdrop';
const DB_VERSION = 1;

/** kv: small records by name (the identity); the others are keyed by the field named here. */
const STORES = { kv: null, rooms: 'roomId', catalogs: 'roomId', shared: 'shareId' } as const;
export type StoreName = keyof typeof STORES;

let factory: IDBFactory | undefined;

/** For tests: a fresh fake-indexeddb factory per test. */
export function useIdbFactory(next: IDBFactory): void {
  factory = next;
  appDb.reset();
}

export function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when the transaction commits (its writes are durable), rejects when it fails. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/**
 * Opens (and upgrades) a database once, sharing the promise. When another tab upgrades the schema this
 * connection steps aside instead of blocking it, and the next call opens afresh.
 */
export function databaseOpener(
  name: string,
  version: number,
  upgrade: (db: IDBDatabase) => void,
  getFactory: () => IDBFactory,
): { open: () => Promise<IDBDatabase>; reset: () => void } {
  let opening: Promise<IDBDatabase> | undefined;
  const open = () => {
    opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = getFactory().open(name, version);
      request.onupgradeneeded = () => upgrade(request.result);
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => {
          db.close();
          opening = undefined;
        };
        resolve(db);
      };
      request.onerror = () => {
        opening = undefined;
        reject(request.error);
      };
    });
    return opening;
  };
  return { open, reset: () => (opening = undefined) };
}

const appDb = databaseOpener(
  DB_NAME,
  DB_VERSION,
  (db) => {
    for (const [name, keyPath] of Object.entries(STORES)) {
      if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, keyPath ? { keyPath } : undefined);
    }
  },
  () => factory ?? indexedDB,
);
const openDb = appDb.open;

async function withStore<T>(
  name: StoreName,
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDb();
  const tx = db.transaction(name, mode);
  const result = promised(run(tx.objectStore(name)));
  await committed(tx);
  return result;
}

export function idbGet<T>(store: StoreName, key: IDBValidKey): Promise<T | undefined> {
  return withStore(store, 'readonly', (s) => s.get(key) as IDBRequest<T | undefined>);
}

export function idbGetAll<T>(store: StoreName): Promise<T[]> {
  return withStore(store, 'readonly', (s) => s.getAll() as IDBRequest<T[]>);
}

export async function idbPut(store: StoreName, value: unknown, key?: IDBValidKey): Promise<void> {
  await withStore(store, 'readwrite', (s) => s.put(value, key));
}

export async function idbDelete(store: StoreName, key: IDBValidKey): Promise<void> {
  await withStore(store, 'readwrite', (s) => s.delete(key));
}
