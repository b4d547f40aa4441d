// Where the engine keeps downloads: a kept copy in the library is offered instead of downloading again,
// a download writes under its own partial storage key, and only a finished download becomes a library
// entry (in one transaction). OPFS where the page may use it (secure contexts), IndexedDB otherwise.
// A partial record also remembers what is being downloaded and, once verified, its chunk hashes: after a
// reload the download is listed again and resumes from the chunks on disk that match them.
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { rootOf } from './hashing.ts';
import { IdbChunkStore } from './idbStore.ts';
import {
  type Backend,
  discardPartial,
  getFromLibrary,
  getPartial,
  keepFinished,
  keptCopy,
  type LibraryEntry,
  listPartials,
  type PartialDownload,
  type PartialMeta,
  partialFor,
  rememberHashes,
  removeFromLibrary,
  storedBytesOf,
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
  /** the manifest's hashes, verified: kept so that an interrupted download can check what it stored */
  remember(hashes: Uint8Array): Promise<void>;
}

/** A download interrupted by a reload (or a crash): listed again, with what it has on disk. */
export interface InterruptedDownload {
  file: RoomFile;
  roomId: string;
  startedAt: number;
  /** about this many bytes are on disk (checked chunk by chunk when it resumes) */
  storedBytes: number;
}

export interface DownloadStorage {
  /** The library's copy of this content, when its bytes are all there. */
  kept(contentId: string): Promise<{ entry: LibraryEntry; blob: Blob } | null>;
  /** Storage for a new (or resumed) download. A library entry without its bytes is removed first. */
  partial(contentId: string, size: number, chunkSize: number, meta?: PartialMeta): Promise<PartialStorage>;
  /** Downloads in progress when the page last closed. */
  interrupted(): Promise<InterruptedDownload[]>;
  /** Throws away an interrupted download's partial storage. */
  forget(contentId: string): Promise<void>;
  /** Bytes the app may still store (null when the browser does not say); asks to keep them first. */
  free(): Promise<number | null>;
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
    async partial(contentId, size, chunkSize, meta) {
      const backend = fixed ?? (await defaultBackend());
      // an entry whose bytes the browser evicted is replaced; a complete one is never touched
      const listed = await getFromLibrary(contentId);
      if (listed && !(await keptCopy(contentId))) await removeFromLibrary(listed);
      const partial = await partialFor(contentId, backend, meta);
      const hashes = await trustedHashes(partial, size, chunkSize);
      const inner: ChunkStore =
        backend === 'opfs'
          ? new OpfsChunkStore(partial.storageKey, size, chunkSize, hashes)
          : new IdbChunkStore(partial.storageKey);
      return {
        backend,
        storageKey: partial.storageKey,
        store: {
          stored: () => inner.stored(),
          write: (index, bytes) => inner.write(index, bytes),
          ...(inner.writeVerified
            ? { writeVerified: (index, bytes, expected) => inner.writeVerified!(index, bytes, expected) }
            : {}),
          read: (index, offset, length) => inner.read!(index, offset, length),
          finish: (type) => inner.finish(type),
          discard: () => discardPartial(partial),
        },
        async keep(fields) {
          const entry: LibraryEntry = { ...fields, backend, storageKey: partial.storageKey };
          await keepFinished(entry);
          return entry;
        },
        remember: (verified) => rememberHashes(partial, verified),
      };
    },
    async interrupted() {
      const backend = fixed ?? (await defaultBackend());
      const out: InterruptedDownload[] = [];
      for (const p of await listPartials()) {
        if (p.backend !== backend || !p.file || !p.roomId) continue;
        // only a figure for the list: resuming checks every stored chunk anyway
        const storedBytes = await storedBytesOf(p).catch(() => 0);
        out.push({
          file: p.file,
          roomId: p.roomId,
          startedAt: p.startedAt ?? 0,
          storedBytes: Math.min(storedBytes, p.file.size),
        });
      }
      return out;
    },
    async free() {
      const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
      // a download worth checking space for is worth keeping: ask not to be evicted under pressure (not
      // awaited: some browsers ask the person, and the download must not wait for the answer)
      void storage?.persist?.().catch(() => false);
      const estimate = await storage?.estimate?.().catch(() => undefined);
      if (estimate?.quota === undefined || estimate.usage === undefined) return null;
      return Math.max(0, estimate.quota - estimate.usage);
    },
    async forget(contentId) {
      const p = await getPartial(contentId);
      if (p) await discardPartial(p);
    },
  };
}

/** The remembered hashes, if they still prove the content id (else nothing on disk is trusted). */
async function trustedHashes(
  p: PartialDownload,
  size: number,
  chunkSize: number,
): Promise<Uint8Array | null> {
  if (!p.hashes) return null;
  return (await rootOf(size, chunkSize, p.hashes)) === p.contentId ? p.hashes : null;
}
