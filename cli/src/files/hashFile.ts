// Content ids of files on disk, computed by the app's own hashing (pwa/src/transfer/hashing.ts) over a
// disk-backed Blob (Node's fs.openAsBlob reads it lazily, chunk by chunk). Results are cached per file
// (path, size, modification time, inode) in the cache folder, so sharing a big folder again after a
// restart does not read it all again.
import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type FileHash, hashBlob } from '../../../pwa/src/transfer/hashing.ts';
import { CONTENT_ID_PATTERN } from '../../../worker/protocol/ids.ts';
import { ensurePrivateDir, writePrivateFile } from '../config.ts';

const cached = z.object({
  path: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  ino: z.number(),
  contentId: z.string().regex(CONTENT_ID_PATTERN),
  chunkSize: z.number().int().positive(),
  hashes: z.string(),
});

export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export async function stampOf(path: string): Promise<FileStamp> {
  const s = await stat(path);
  return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

export class HashCache {
  private readonly dir: string | null;

  /** `dir` null: no cache (every file is read). */
  constructor(dir: string | null) {
    this.dir = dir ? join(dir, 'hashes') : null;
  }

  /**
   * The file's hash and the stamp it was taken at; `onProgress` gets bytes read so far. Throws when the
   * file changes while it is read (its stamp before and after differ), so a hash never mixes versions.
   */
  async hash(
    path: string,
    onProgress?: (bytes: number) => void,
  ): Promise<{ hash: FileHash; stamp: FileStamp }> {
    const stamp = await stampOf(path);
    const hit = await this.lookup(path, stamp);
    if (hit) {
      onProgress?.(stamp.size);
      return { hash: hit, stamp };
    }
    const hash = await hashBlob(await openAsBlob(path), { onProgress });
    if (!sameStamp(stamp, await stampOf(path))) throw new Error(`${path} changed while it was read`);
    this.store(path, stamp, hash);
    return { hash, stamp };
  }

  private keyFile(path: string): string | null {
    return this.dir ? join(this.dir, `${createHash('sha256').update(path).digest('hex')}.json`) : null;
  }

  private async lookup(path: string, stamp: FileStamp): Promise<FileHash | null> {
    const file = this.keyFile(path);
    if (!file) return null;
    try {
      const entry = cached.parse(JSON.parse(await readFile(file, 'utf8')));
      if (entry.path !== path || !sameStamp(entry, stamp)) return null;
      const chunkHashes = new Uint8Array(Buffer.from(entry.hashes, 'base64'));
      if (chunkHashes.length !== Math.ceil(entry.size / entry.chunkSize) * 32) return null;
      return { contentId: entry.contentId, size: entry.size, chunkSize: entry.chunkSize, chunkHashes };
    } catch {
      return null; // missing or unreadable: hash again
    }
  }

  private store(path: string, stamp: FileStamp, hash: FileHash): void {
    const file = this.keyFile(path);
    if (!file || !this.dir) return;
    try {
      ensurePrivateDir(this.dir);
      const entry = {
        path,
        ...stamp,
        contentId: hash.contentId,
        chunkSize: hash.chunkSize,
        hashes: Buffer.from(hash.chunkHashes).toString('base64'),
      };
      writePrivateFile(file, JSON.stringify(entry));
    } catch {
      // a cache that cannot be written only costs time next run
    }
  }
}
