// A download on disk: verified chunks are written at their offset in a partial file, and each chunk's
// index is appended to a sidecar once its bytes are written. Killed at any moment, the next run reads
// the sidecar and asks only for what is missing. Both live in `.meshdrop-partial/` in the output folder,
// named by content id; the file's own name appears only when every chunk is there and checked.
//
//   <contentId>.part   the file's bytes, at their final offsets
//   <contentId>.idx    one JSON header line (content id, size, chunk size), then u32 big-endian indices
//
// Chunks from an earlier run are checked again against the verified manifest before the file is put in
// place (the sidecar could claim a chunk whose bytes never reached the disk, say after a power cut); a
// mismatch drops those chunks from the sidecar and fails with `corrupt`, so a rerun fetches just those.
import { createHash } from 'node:crypto';
import { constants, openAsBlob } from 'node:fs';
import { type FileHandle, link, lstat, mkdir, open, readFile, rename, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { equalBytes } from '../../../pwa/src/transfer/assemble.ts';
import type { ChunkStore } from '../../../pwa/src/transfer/store.ts';
import { chunkCount, chunkRange } from '../../../worker/protocol/content.ts';
import { CliError } from '../errors.ts';

export const PARTIAL_DIR = '.meshdrop-partial';
const HEADER_TAG = 'meshdrop-partial';
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export interface DiskStoreOptions {
  /** The output folder (the partial folder goes inside it). */
  outDir: string;
  contentId: string;
  size: number;
  chunkSize: number;
  /** Absolute path of the finished file (already made safe, inside outDir). */
  target: string;
  /** Replace a file already at `target` (else refuse with `file_exists`). */
  overwrite: boolean;
  /** The manifest's chunk hashes once the download verified them (to check chunks from earlier runs). */
  expectedHashes: () => Uint8Array;
}

export class DiskChunkStore implements ChunkStore {
  /** Chunks found on disk from an earlier run. */
  resumed: number[] = [];
  /** Chunks written by this run. */
  written = 0;
  /** Chunks from an earlier run whose bytes did not match at the final check. */
  corrupt: number[] = [];
  /** Why finishing failed (the download itself only reports `storage`). */
  failure: CliError | null = null;
  private readonly o: DiskStoreOptions;
  private readonly dir: string;
  private readonly partPath: string;
  private readonly idxPath: string;
  private part: FileHandle | null = null;
  private idx: FileHandle | null = null;
  private readonly count: number;

  constructor(options: DiskStoreOptions) {
    this.o = options;
    this.dir = join(options.outDir, PARTIAL_DIR);
    this.partPath = join(this.dir, `${options.contentId}.part`);
    this.idxPath = join(this.dir, `${options.contentId}.idx`);
    this.count = chunkCount(options.size, options.chunkSize);
  }

  get header(): string {
    const { contentId, size, chunkSize } = this.o;
    return `${JSON.stringify({ [HEADER_TAG]: 1, contentId, size, chunkSize })}\n`;
  }

  async stored(): Promise<number[]> {
    await this.ensureDir();
    const previous = await this.readSidecar();
    this.part = await openNoFollow(this.partPath, constants.O_RDWR | constants.O_CREAT);
    if (previous === null) {
      // nothing usable from before: start both files afresh
      await this.part.truncate(0);
      await writeFresh(this.idxPath, this.header);
      this.idx = await openNoFollow(this.idxPath, constants.O_WRONLY | constants.O_APPEND);
      return [];
    }
    const onDisk = (await this.part.stat()).size;
    this.resumed = previous.filter((i) => chunkRange(this.o.size, this.o.chunkSize, i).end <= onDisk);
    // rewrite the sidecar clean (no duplicates, no torn tail from a kill mid-append)
    await writeFresh(this.idxPath, this.header + indicesBytes(this.resumed));
    this.idx = await openNoFollow(this.idxPath, constants.O_WRONLY | constants.O_APPEND);
    return this.resumed;
  }

  async write(index: number, bytes: Uint8Array): Promise<void> {
    if (!this.part || !this.idx) throw new Error('store not opened');
    const { start } = chunkRange(this.o.size, this.o.chunkSize, index);
    try {
      await this.part.write(bytes, 0, bytes.length, start);
      await this.idx.write(indicesBytes([index]));
    } catch (error) {
      throw new CliError('storage', `${this.partPath}: ${(error as Error).message}`);
    }
    this.written++;
  }

  /**
   * `length` bytes of chunk `index` from `offset`, read back from the partial file (to serve it while the
   * download runs; the caller serves only chunks verified and written by this run).
   */
  async read(index: number, offset: number, length: number): Promise<Uint8Array> {
    if (!this.part) throw new Error('store not open');
    const { start, end } = chunkRange(this.o.size, this.o.chunkSize, index);
    if (!Number.isInteger(offset) || offset < 0 || length < 0 || start + offset + length > end)
      throw new Error('outside the chunk');
    const bytes = new Uint8Array(length);
    const { bytesRead } = await this.part.read(bytes, 0, length, start + offset);
    if (bytesRead !== length) throw new Error('chunk not on disk');
    return bytes;
  }

  async finish(type: string): Promise<Blob> {
    if (!this.part) throw new Error('store not opened');
    try {
      await this.checkResumed();
      await this.part.truncate(this.o.size);
      await this.part.sync();
      await this.closeFiles();
      await this.place();
    } catch (error) {
      this.failure = error instanceof CliError ? error : new CliError('storage', String(error));
      throw error;
    }
    await unlink(this.idxPath).catch(() => undefined);
    await rmdir(this.dir).catch(() => undefined); // only when no other download is in progress here
    return openAsBlob(this.o.target, { type });
  }

  /** Throws the partial download away (the download was cancelled for good). */
  async discard(): Promise<void> {
    await this.closeFiles();
    await unlink(this.partPath).catch(() => undefined);
    await unlink(this.idxPath).catch(() => undefined);
    await rmdir(this.dir).catch(() => undefined);
  }

  /** Stops writing and keeps what is on disk, for the next run to resume (Ctrl+C). */
  async keep(): Promise<void> {
    await this.part?.sync().catch(() => undefined);
    await this.closeFiles();
  }

  private async checkResumed(): Promise<void> {
    if (this.resumed.length === 0) return;
    const hashes = this.o.expectedHashes();
    const bad: number[] = [];
    for (const i of this.resumed) {
      const { start, end } = chunkRange(this.o.size, this.o.chunkSize, i);
      const bytes = new Uint8Array(end - start);
      await this.part!.read(bytes, 0, bytes.length, start);
      const actual = new Uint8Array(createHash('sha256').update(bytes).digest());
      if (!equalBytes(actual, hashes.subarray(i * 32, i * 32 + 32))) bad.push(i);
    }
    if (bad.length === 0) return;
    this.corrupt = bad;
    const good = this.resumed.filter((i) => !bad.includes(i));
    await this.idx?.close();
    await writeFresh(this.idxPath, this.header + indicesBytes(good));
    this.idx = await openNoFollow(this.idxPath, constants.O_WRONLY | constants.O_APPEND);
    throw new CliError('storage', `${bad.length} chunk(s) kept from an earlier run were damaged on disk`);
  }

  /** Gives the finished file its name, never replacing another file unless asked to. */
  private async place(): Promise<void> {
    const { target } = this.o;
    if (this.o.overwrite) {
      // rename replaces a link at `target` itself, it does not write through it
      await rename(this.partPath, target).catch(storageError(target));
      return;
    }
    try {
      await link(this.partPath, target); // fails if anything is there: no silent overwrite, no race
      await unlink(this.partPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new CliError('file_exists', target);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw storageError(target)(error);
      // a file system without hard links: check, then rename
      if (await lstat(target).catch(() => null)) throw new CliError('file_exists', target);
      await rename(this.partPath, target).catch(storageError(target));
    }
  }

  /** The sidecar's indices when it belongs to this very download; null when there is nothing to resume. */
  private async readSidecar(): Promise<number[] | null> {
    let raw: Buffer;
    try {
      raw = await readFile(this.idxPath, { flag: constants.O_RDONLY | NOFOLLOW });
    } catch {
      return null;
    }
    const header = Buffer.from(this.header);
    if (raw.length < header.length || !raw.subarray(0, header.length).equals(header)) return null;
    const seen = new Set<number>();
    const body = raw.subarray(header.length);
    for (let at = 0; at + 4 <= body.length; at += 4) {
      const index = body.readUInt32BE(at);
      if (index < this.count) seen.add(index);
    }
    return [...seen].sort((a, b) => a - b);
  }

  private async ensureDir(): Promise<void> {
    const info = await lstat(this.dir).catch(() => null);
    if (!info) await mkdir(this.dir).catch(storageError(this.dir));
    else if (info.isSymbolicLink() || !info.isDirectory()) throw new CliError('unsafe_path', this.dir);
  }

  private async closeFiles(): Promise<void> {
    const files = [this.part, this.idx];
    this.part = null;
    this.idx = null;
    for (const f of files) await f?.close().catch(() => undefined);
  }
}

function indicesBytes(indices: number[]): Buffer {
  const out = Buffer.alloc(indices.length * 4);
  for (const [n, index] of indices.entries()) out.writeUInt32BE(index, n * 4);
  return out;
}

function openNoFollow(path: string, flags: number): Promise<FileHandle> {
  return open(path, flags | NOFOLLOW, 0o644).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ELOOP' ? new CliError('unsafe_path', path) : storageError(path)(error);
  });
}

async function writeFresh(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await openNoFollow(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path).catch(storageError(path));
}

function storageError(path: string) {
  return (error: unknown): never => {
    if (error instanceof CliError) throw error;
    throw new CliError('storage', `${path}: ${(error as Error).message}`);
  };
}
