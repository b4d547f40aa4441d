// The library: finished downloads kept in the app's storage, listed with size and date, served back to
// their room while the app is open, deletable. Metadata (with the chunk hashes, so the file can be served
// without rehashing) lives in IndexedDB; the bytes in OPFS or IndexedDB chunk records, under the storage
// key the download wrote them with. A download in progress has its own key (a "partial"), so a new
// download of content already kept can neither overwrite nor delete the kept copy.
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { committed, downloadsDb, request } from './downloadsDb.ts';
import { IdbChunkStore } from './idbStore.ts';
import { OpfsChunkStore } from './opfsStore.ts';

export type Backend = 'opfs' | 'idb';

export interface LibraryEntry {
  contentId: string;
  name: string;
  path: string;
  size: number;
  type: string;
  chunkSize: number;
  chunkHashes: Uint8Array;
  roomId: string;
  completedAt: number;
  backend: Backend;
  /** where the bytes are; entries written before storage keys existed used the content id */
  storageKey?: string;
}

/** A download in progress: the storage key its chunks go under. */
export interface PartialDownload {
  contentId: string;
  storageKey: string;
  backend: Backend;
  /** what was downloaded, from where (listed again after a reload, to resume) */
  file?: RoomFile;
  roomId?: string;
  startedAt?: number;
  /** the manifest's chunk hashes once verified against the content id: what resuming checks disk against */
  hashes?: Uint8Array;
}

/** What a download in progress is, kept with its partial record. */
export type PartialMeta = Required<Pick<PartialDownload, 'file' | 'roomId' | 'startedAt'>>;

export const storageKeyOf = (entry: Pick<LibraryEntry, 'contentId' | 'storageKey'>): string =>
  entry.storageKey ?? entry.contentId;

export async function addToLibrary(entry: LibraryEntry): Promise<void> {
  const db = await downloadsDb();
  const tx = db.transaction('library', 'readwrite');
  tx.objectStore('library').put(entry);
  await committed(tx);
}

export async function listLibrary(): Promise<LibraryEntry[]> {
  const db = await downloadsDb();
  const all = (await request(db.transaction('library').objectStore('library').getAll())) as LibraryEntry[];
  return all.sort((a, b) => b.completedAt - a.completedAt);
}

export async function getFromLibrary(contentId: string): Promise<LibraryEntry | undefined> {
  const db = await downloadsDb();
  return (await request(db.transaction('library').objectStore('library').get(contentId))) as
    | LibraryEntry
    | undefined;
}

/** The file's bytes as a disk-backed Blob. */
export function openLibraryFile(entry: LibraryEntry): Promise<Blob> {
  return readStored(entry.backend, storageKeyOf(entry), entry.type);
}

/** The kept copy, when its bytes are all there (a browser may have evicted them). */
export async function keptCopy(contentId: string): Promise<{ entry: LibraryEntry; blob: Blob } | null> {
  const entry = await getFromLibrary(contentId);
  if (!entry) return null;
  // bytes the browser evicted (or cannot open) are not a kept copy: the caller downloads again
  const blob = await openLibraryFile(entry).catch(() => null);
  return blob && blob.size === entry.size ? { entry, blob } : null;
}

export async function removeFromLibrary(entry: LibraryEntry): Promise<void> {
  await removeStored(entry.backend, storageKeyOf(entry));
  const db = await downloadsDb();
  const tx = db.transaction('library', 'readwrite');
  tx.objectStore('library').delete(entry.contentId);
  await committed(tx);
}

/** The partial download of `contentId` to resume, or a new one with a fresh storage key. */
export async function partialFor(
  contentId: string,
  backend: Backend,
  meta?: PartialMeta,
): Promise<PartialDownload> {
  const found = await getPartial(contentId);
  let partial: PartialDownload;
  if (found && found.backend === backend) {
    if (!meta) return found;
    partial = { ...found, ...meta, startedAt: found.startedAt ?? meta.startedAt };
  } else {
    // the old backend's bytes are unusable here either way; left over if they cannot be removed now
    if (found) await removeStored(found.backend, found.storageKey).catch(() => undefined);
    const suffix = [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0'));
    partial = { contentId, storageKey: `${contentId}.${suffix.join('')}`, backend, ...meta };
  }
  await putPartial(partial);
  return partial;
}

export async function getPartial(contentId: string): Promise<PartialDownload | undefined> {
  const db = await downloadsDb();
  return (await request(db.transaction('partials').objectStore('partials').get(contentId))) as
    | PartialDownload
    | undefined;
}

/** Downloads in progress, to list again after a reload. */
export async function listPartials(): Promise<PartialDownload[]> {
  const db = await downloadsDb();
  return (await request(db.transaction('partials').objectStore('partials').getAll())) as PartialDownload[];
}

/** Keeps the verified chunk hashes with the partial (only while it is still this download's). */
export async function rememberHashes(partial: PartialDownload, hashes: Uint8Array): Promise<void> {
  const db = await downloadsDb();
  const tx = db.transaction('partials', 'readwrite');
  const store = tx.objectStore('partials');
  const current = (await request(store.get(partial.contentId))) as PartialDownload | undefined;
  if (current?.storageKey === partial.storageKey) store.put({ ...current, hashes: hashes.slice() });
  await committed(tx);
}

async function putPartial(partial: PartialDownload): Promise<void> {
  const db = await downloadsDb();
  const tx = db.transaction('partials', 'readwrite');
  tx.objectStore('partials').put(partial);
  await committed(tx);
}

/** Bytes an interrupted download has on disk (an upper bound for OPFS: the file may have gaps). */
export async function storedBytesOf(partial: PartialDownload): Promise<number> {
  if (partial.backend === 'opfs') return OpfsChunkStore.sizeOf(partial.storageKey);
  const chunks = await new IdbChunkStore(partial.storageKey).stored();
  return chunks.length * (partial.file?.chunkSize ?? 0);
}

/** The download finished: its storage becomes the library entry's, in one transaction. */
export async function keepFinished(entry: LibraryEntry): Promise<void> {
  const db = await downloadsDb();
  const tx = db.transaction(['library', 'partials'], 'readwrite');
  tx.objectStore('library').put(entry);
  tx.objectStore('partials').delete(entry.contentId);
  await committed(tx);
}

/** The download was cancelled: its own storage goes, nothing else. */
export async function discardPartial(partial: PartialDownload): Promise<void> {
  await removeStored(partial.backend, partial.storageKey);
  const db = await downloadsDb();
  const tx = db.transaction('partials', 'readwrite');
  const store = tx.objectStore('partials');
  const current = (await request(store.get(partial.contentId))) as PartialDownload | undefined;
  if (current?.storageKey === partial.storageKey) store.delete(partial.contentId);
  await committed(tx);
}

function readStored(backend: Backend, key: string, type: string): Promise<Blob> {
  return backend === 'opfs' ? OpfsChunkStore.read(key, type) : IdbChunkStore.read(key, type);
}

function removeStored(backend: Backend, key: string): Promise<void> {
  return backend === 'opfs' ? OpfsChunkStore.remove(key) : IdbChunkStore.remove(key);
}
