// Files shared from this page: contentId -> the File, its hash and the share ids it is listed under.
// The transfer engine serves bytes from here. A record of each share also goes to IndexedDB, so after a
// reload the app knows what it was sharing (and, with a FileSystemFileHandle, can read it again).
import type { FileHash } from '../transfer/hashing.ts';
import type { ReadableHandle } from './fsAccess.ts';
import { idbDelete, idbGetAll, idbPut } from './idb.ts';
import { Observable } from './observable.ts';

export interface SharedEntry {
  file: File;
  hash: FileHash;
  shareIds: Set<string>;
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

class SharedFiles {
  private readonly byContent = new Map<string, SharedEntry>();
  /** Bumps on every change, for React. */
  readonly version = new Observable(0);

  get(contentId: string): SharedEntry | undefined {
    return this.byContent.get(contentId);
  }

  getByShareId(shareId: string): SharedEntry | undefined {
    for (const entry of this.byContent.values()) if (entry.shareIds.has(shareId)) return entry;
    return undefined;
  }

  has(contentId: string): boolean {
    return this.byContent.has(contentId);
  }

  add(file: File, hash: FileHash, shareId: string): void {
    const entry = this.byContent.get(hash.contentId);
    if (entry) {
      entry.shareIds.add(shareId);
      entry.file = file;
    } else {
      this.byContent.set(hash.contentId, { file, hash, shareIds: new Set([shareId]) });
    }
    this.version.update((v) => v + 1);
  }

  /**
   * Makes a file servable before its share is registered: the tracker announces a share to the room
   * before it answers the request, and a quick downloader must not be told "no longer shared".
   */
  stage(file: File, hash: FileHash): void {
    if (!this.byContent.has(hash.contentId))
      this.byContent.set(hash.contentId, { file, hash, shareIds: new Set() });
  }

  /** The registration failed: forget a staged file that no share ended up naming. */
  unstage(contentId: string): void {
    if (this.byContent.get(contentId)?.shareIds.size === 0) this.byContent.delete(contentId);
  }

  removeShare(shareId: string): void {
    for (const [contentId, entry] of this.byContent) {
      if (entry.shareIds.delete(shareId) && entry.shareIds.size === 0) this.byContent.delete(contentId);
    }
    this.version.update((v) => v + 1);
  }
}

export const sharedFiles = new SharedFiles();

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
    sharedFiles.add(file, hash, share.shareId);
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
    }).catch(() => undefined);
    for (const r of withdrawn) {
      if (r.contentId === hash.contentId) await deleteShareRecord(r.shareId).catch(() => undefined);
    }
  }
}
