// A tiny promise wrapper over IndexedDB: one database, a few object stores, no library.
// Blobs and FileSystemFileHandles are stored as they are (both are structured-cloneable).

export const DB_NAME = 'meshdrop';
const DB_VERSION = 1;

/** kv: small records by name (the identity); the others are keyed by the field named here. */
const STORES = { kv: null, rooms: 'roomId', catalogs: 'roomId', shared: 'shareId' } as const;
export type StoreName = keyof typeof STORES;

let factory: IDBFactory | undefined;
let opening: Promise<IDBDatabase> | undefined;

/** For tests: a fresh fake-indexeddb factory per test. */
export function useIdbFactory(next: IDBFactory): void {
  factory = next;
  opening = undefined;
}

export function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = (factory ?? indexedDB).open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const [name, keyPath] of Object.entries(STORES)) {
        if (!db.objectStoreNames.contains(name))
          db.createObjectStore(name, keyPath ? { keyPath } : undefined);
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      // another tab upgrading the schema: step aside instead of blocking it
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
}

async function withStore<T>(
  name: StoreName,
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDb();
  const tx = db.transaction(name, mode);
  const result = promised(run(tx.objectStore(name)));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
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
