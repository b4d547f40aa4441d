// The files this process serves, by path and by content id. The TransferServer asks `lookup` for a
// content id; the answer is the file as it was hashed, or nothing if it changed on disk since (a file
// edited in place must not be served under its old content id).
import { openAsBlob } from 'node:fs';
import type { FileHash } from '../../../pwa/src/transfer/hashing.ts';
import type { ServedFile } from '../../../pwa/src/transfer/server.ts';
import { type FileStamp, sameStamp, stampOf } from '../files/hashFile.ts';
import type { LocalFile } from './walk.ts';

export interface SharedEntry extends LocalFile {
  hash: FileHash;
  stamp: FileStamp;
  /** the tracker's id for this share, once registered */
  shareId?: string;
}

export class ServedFiles {
  private readonly byPath = new Map<string, SharedEntry>();
  private readonly byContent = new Map<string, Set<SharedEntry>>();
  /** Called when a file turned out to have changed since it was hashed. */
  onStale: (entry: SharedEntry) => void = () => {};

  get size(): number {
    return this.byPath.size;
  }

  all(): SharedEntry[] {
    return [...this.byPath.values()];
  }

  get(abs: string): SharedEntry | undefined {
    return this.byPath.get(abs);
  }

  add(entry: SharedEntry): void {
    this.remove(entry.abs);
    this.byPath.set(entry.abs, entry);
    const set = this.byContent.get(entry.hash.contentId) ?? new Set();
    set.add(entry);
    this.byContent.set(entry.hash.contentId, set);
  }

  remove(abs: string): SharedEntry | undefined {
    const entry = this.byPath.get(abs);
    if (!entry) return undefined;
    this.byPath.delete(abs);
    const set = this.byContent.get(entry.hash.contentId);
    set?.delete(entry);
    if (set?.size === 0) this.byContent.delete(entry.hash.contentId);
    return entry;
  }

  has(contentId: string): boolean {
    return this.byContent.has(contentId);
  }

  lookup = async (contentId: string): Promise<ServedFile | null> => {
    for (const entry of this.byContent.get(contentId) ?? []) {
      const now = await stampOf(entry.abs).catch(() => null);
      if (!now || !sameStamp(now, entry.stamp)) {
        this.onStale(entry);
        continue;
      }
      const { hash } = entry;
      return {
        contentId,
        size: hash.size,
        chunkSize: hash.chunkSize,
        chunkHashes: hash.chunkHashes,
        blob: await openAsBlob(entry.abs),
        name: entry.name,
      };
    }
    return null;
  };
}
