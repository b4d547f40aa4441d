// Where the engine keeps downloads: a kept copy in the library is offered instead of downloading again,
// a download writes under its own partial storage key, and only a finished download becomes a library
// entry (in one transaction). OPFS where the page may use it (secure contexts), IndexedDB otherwise.
import { IdbChunkStore } from './idbStore.ts';
import {
  type Backend,
  discardPartial,
  getFromLibrary,
  keepFinished,
  keptCopy,
  type LibraryEntry,
  partialFor,
  removeFromLibrary,
} from './library.ts';
import { OpfsChunkStore, opfsAvailable } from './opfsStore.ts';
import type { ChunkStore } from './store.ts';

export interface PartialStorage {
  backend: Backend;
  storageKey: string;
  /** discard() throws this download's partial storage away, nothing else */
  store: ChunkStore;
  /** the finished download becomes this library entry (its storage key is filled in) */
  keep(entry: Omit<LibraryEntry, 'storageKey' | 'backend'>): Promise<LibraryEntry>;
}

export interface DownloadStorage {
  /** The library's copy of this content, when its bytes are all there. */
  kept(contentId: string): Promise<{ entry: LibraryEntry; blob: Blob } | null>;
  /** Storage for a new (or resumed) download. A library entry without its bytes is removed first. */
  partial(contentId: string, size: number, chunkSize: number): Promise<PartialStorage>;
}

export async function defaultBackend(): Promise<Backend> {
  return typeof isSecureContext !== 'undefined' && isSecureContext && (await opfsAvailable())
    ? 'opfs'
    : 'idb';
}

/** `fixed`: always that backend (tests); otherwise chosen per download, once the OPFS probe has answered. */
export function libraryStorage(fixed?: Backend): DownloadStorage {
  return {
    kept: keptCopy,
    async partial(contentId, size, chunkSize) {
      const backend = fixed ?? (await defaultBackend());
      // an entry whose bytes the browser evicted is replaced; a complete one is never touched
      const listed = await getFromLibrary(contentId);
      if (listed && !(await keptCopy(contentId))) await removeFromLibrary(listed);
      const partial = await partialFor(contentId, backend);
      const inner: ChunkStore =
        backend === 'opfs'
          ? new OpfsChunkStore(partial.storageKey, size, chunkSize)
          : new IdbChunkStore(partial.storageKey);
      return {
        backend,
        storageKey: partial.storageKey,
        store: {
          stored: () => inner.stored(),
          write: (index, bytes) => inner.write(index, bytes),
          finish: (type) => inner.finish(type),
          discard: () => discardPartial(partial),
        },
        async keep(fields) {
          const entry: LibraryEntry = { ...fields, backend, storageKey: partial.storageKey };
          await keepFinished(entry);
          return entry;
        },
      };
    },
  };
}
