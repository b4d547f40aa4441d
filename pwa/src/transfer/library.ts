// The library: finished downloads kept in the app's storage, listed with size and date, served back to
// their room while the app is open, deletable. Metadata (with the chunk hashes, so the file can be served
// without rehashing) lives in IndexedDB; the bytes in OPFS or IndexedDB chunk records.
import { committed, downloadsDb, request } from './downloadsDb.ts';
import { IdbChunkStore } from './idbStore.ts';
import { OpfsChunkStore } from './opfsStore.ts';

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
  backend: 'opfs' | 'idb';
}

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
  return entry.backend === 'opfs'
    ? OpfsChunkStore.read(entry.contentId, entry.type)
    : IdbChunkStore.read(entry.contentId, entry.type);
}

export async function removeFromLibrary(entry: LibraryEntry): Promise<void> {
  if (entry.backend === 'opfs') await OpfsChunkStore.remove(entry.contentId);
  else await IdbChunkStore.remove(entry.contentId);
  const db = await downloadsDb();
  const tx = db.transaction('library', 'readwrite');
  tx.objectStore('library').delete(entry.contentId);
  await committed(tx);
}
