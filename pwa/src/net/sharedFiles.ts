// Files shared from this page: contentId -> the File, its hash and the share ids it is listed under.
// The transfer engine serves bytes from here. One per page, owned by the session's Transfers (no module
// state: tests and a second session each get their own). A record of each share also goes to IndexedDB, so after a
// reload the app knows what it was sharing (and, with a FileSystemFileHandle, can read it again).
import type { FileHash } from '../transfer/hashing.ts';
import { bestEffort } from './bestEffort.ts';
import type { ReadableHandle } from './fsAccess.ts';
import { idbDelete, idbGetAll, idbPut } from './idb.ts';
import { Observable } from './observable.ts';

export interface SharedEntry {
  file: File;
  hash: FileHash;
  shareIds: Set<string>;
  /** shareId -> the room it is listed in: the file is served only to members of these rooms */
  rooms: Map<string, string>;
  /** rooms it is being registered in (servable before the tracker answers) */
  staged: Set<string>;
}

/** One share as remembered across reloads. */
export interface ShareRecord {
  shareId: string;
  roomId: string;
  contentId: string;
  name: string;
  path: string;
  size: number;
  type: string;
  chunkSize: number;
  lastModified: number;
  chunkHashes: Uint8Array;
  handle?: ReadableHandle;
  sharedAt: number;
  /** Taken off the room because this page can no longer read the file; listed to be picked again. */
  withdrawn?: boolean;
}

export class SharedFiles {
  private readonly byContent = new Map<string, SharedEntry>();
  /** Bumps on every change, for React. */
  readonly version = new Observable(0);

  get(contentId: string): SharedEntry | undefined {
    return this.byContent.get(contentId);
  }

  /** The rooms in which this page shares `contentId` (registered or being registered). */
  roomsOf(contentId: string): Set<string> {
    const entry = this.byContent.get(contentId);
    return new Set([...(entry?.rooms.values() ?? []), ...(entry?.staged ?? [])]);
  }

  /** Every room this page shares something in. */
  allRooms(): Set<string> {
    const rooms = new Set<string>();
    for (const entry of this.byContent.values()) {
      for (const r of entry.rooms.values()) rooms.add(r);
      for (const r of entry.staged) rooms.add(r);
    }
    return rooms;
  }

  getByShareId(shareId: string): SharedEntry | undefined {
    for (const entry of this.byContent.values()) if (entry.shareIds.has(shareId)) return entry;
    return undefined;
  }

  has(contentId: string): boolean {
    return this.byContent.has(contentId);
  }

  add(file: File, hash: FileHash, shareId: string, roomId: string): void {
    const entry = this.byContent.get(hash.contentId);
    if (entry) {
      entry.shareIds.add(shareId);
      entry.rooms.set(shareId, roomId);
      entry.staged.delete(roomId);
      entry.file = file;
    } else {
      this.byContent.set(hash.contentId, {
        file,
        hash,
        shareIds: new Set([shareId]),
        rooms: new Map([[shareId, roomId]]),
        staged: new Set(),
      });
    }
    this.version.update((v) => v + 1);
  }

  /**
   * Makes a file servable in `roomId` before its share is registered: the tracker announces a share to
   * the room before it answers the request, and a quick downloader must not be told "no longer shared".
   */
  stage(file: File, hash: FileHash, roomId: string): void {
    const entry = this.byContent.get(hash.contentId);
    if (entry) entry.staged.add(roomId);
    else
      this.byContent.set(hash.contentId, {
        file,
        hash,
        shareIds: new Set(),
        rooms: new Map(),
        staged: new Set([roomId]),
      });
  }

  /** The registration failed: forget a staged file that no share ended up naming. */
  unstage(contentId: string, roomId: string): void {
    const entry = this.byContent.get(contentId);
    entry?.staged.delete(roomId);
    if (entry?.shareIds.size === 0 && entry.staged.size === 0) this.byContent.delete(contentId);
  }

  removeShare(shareId: string): void {
    for (const [contentId, entry] of this.byContent) {
      entry.rooms.delete(shareId);
      if (entry.shareIds.delete(shareId) && entry.shareIds.size === 0 && entry.staged.size === 0)
        this.byContent.delete(contentId);
    }
    this.version.update((v) => v + 1);
  }
}

/** Bumps whenever a record is written or deleted, so lists of remembered files refresh. */
export const shareRecordsVersion = new Observable(0);

export function listShareRecords(): Promise<ShareRecord[]> {
  return idbGetAll<ShareRecord>('shared');
}

export async function saveShareRecord(record: ShareRecord): Promise<void> {
  await idbPut('shared', record);
  shareRecordsVersion.update((v) => v + 1);
}

export async function deleteShareRecord(shareId: string): Promise<void> {
  await idbDelete('shared', shareId);
  shareRecordsVersion.update((v) => v + 1);
}

/** After the tracker accepted shares: serve them from here, remember them across reloads, and drop the
 * "pick again" reminders of the same contents in this room. */
export async function rememberShares(
  sharedFiles: SharedFiles,
  roomId: string,
  shared: {
    file: File;
    hash: FileHash;
    handle?: ReadableHandle;
    share: { shareId: string; name: string; path: string };
  }[],
): Promise<void> {
  const withdrawn = (await listShareRecords().catch(() => [])).filter(
    (r) => r.withdrawn && r.roomId === roomId,
  );
  for (const { file, hash, handle, share } of shared) {
    sharedFiles.add(file, hash, share.shareId, roomId);
    await saveShareRecord({
      shareId: share.shareId,
      roomId,
      contentId: hash.contentId,
      name: share.name,
      path: share.path,
      size: hash.size,
      type: file.type,
      chunkSize: hash.chunkSize,
      lastModified: file.lastModified,
      chunkHashes: hash.chunkHashes,
      sharedAt: Date.now(),
      ...(handle ? { handle } : {}),
    }).catch(bestEffort('remembering the shared file for the next visit'));
    for (const r of withdrawn) {
      if (r.contentId === hash.contentId)
        await deleteShareRecord(r.shareId).catch(bestEffort('forgetting the withdrawn share'));
    }
  }
}
