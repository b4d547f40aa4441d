// The disk store on a real file system, and the shared Download over in-memory channels writing into it:
// interrupted, it resumes asking only for chunks it has not verified; the finished file appears under its
// name only when complete, and never replaces another file by surprise.
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashBlob } from '../../pwa/src/transfer/hashing.ts';
import { TransferServer } from '../../pwa/src/transfer/server.ts';
import { channelPair } from '../../pwa/test/memoryChannel.ts';
import { fetchFile } from '../src/download/fetchFile.ts';
import { CliError } from '../src/errors.ts';
import { DiskChunkStore, PARTIAL_DIR } from '../src/files/diskStore.ts';
import { Output } from '../src/ui/output.ts';
import { listingOf } from './listing.ts';
import { memoryStream } from './streams.ts';

const KiB = 1024;
const CHUNK = 64 * KiB;

const bytes = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array(randomBytes(n));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'meshdrop-store-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function store(contentId: string, size: number, overwrite = false, hashes: Uint8Array = new Uint8Array()) {
  return new DiskChunkStore({
    outDir: dir,
    contentId,
    size,
    chunkSize: CHUNK,
    target: join(dir, 'file.bin'),
    overwrite,
    expectedHashes: () => hashes,
  });
}

const CID = 'a'.repeat(64);

describe('DiskChunkStore', () => {
  it('remembers written chunks across runs, and ignores a torn last index', async () => {
    const data = bytes(5 * CHUNK + 10);
    const first = store(CID, data.length);
    expect(await first.stored()).toEqual([]);
    await first.write(0, data.subarray(0, CHUNK));
    await first.write(3, data.subarray(3 * CHUNK, 4 * CHUNK));
    await first.keep();
    // a kill in the middle of appending an index leaves a partial one behind
    await appendFile(join(dir, PARTIAL_DIR, `${CID}.idx`), Buffer.from([0, 0]));
    const second = store(CID, data.length);
    expect(await second.stored()).toEqual([0, 3]);
    await second.keep();
  });

  it('starts afresh when the sidecar belongs to another download', async () => {
    const first = store(CID, 3 * CHUNK);
    await first.stored();
    await first.write(1, bytes(CHUNK));
    await first.keep();
    const other = store(CID, 4 * CHUNK); // same id, other size: not the same download
    expect(await other.stored()).toEqual([]);
    await other.keep();
  });

  it('puts the file in place only at the end, and never over another file unless asked', async () => {
    const data = bytes(2 * CHUNK);
    const { chunkHashes } = await hashBlob(new Blob([data]), { chunkSize: CHUNK });
    writeFileSync(join(dir, 'file.bin'), 'someone else’s file');
    const s = store(CID, data.length);
    await s.stored();
    await s.write(0, data.subarray(0, CHUNK));
    await s.write(1, data.subarray(CHUNK));
    const failure = await s.finish('').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as CliError).code).toBe('file_exists');
    expect(readFileSync(join(dir, 'file.bin'), 'utf8')).toBe('someone else’s file');
    // the bytes are kept: with --overwrite the same download finishes without fetching anything
    const again = store(CID, data.length, true, chunkHashes);
    expect(await again.stored()).toEqual([0, 1]);
    await again.finish('');
    expect(sha(readFileSync(join(dir, 'file.bin')))).toBe(sha(data));
    expect(existsSync(join(dir, PARTIAL_DIR))).toBe(false);
  });

  it('checks chunks from an earlier run again: damaged ones are dropped, not saved', async () => {
    const data = bytes(3 * CHUNK);
    const { chunkHashes } = await hashBlob(new Blob([data]), { chunkSize: CHUNK });
    const first = store(CID, data.length);
    await first.stored();
    for (let i = 0; i < 3; i++) await first.write(i, data.subarray(i * CHUNK, (i + 1) * CHUNK));
    await first.keep();
    // the disk lost a write the sidecar recorded (a power cut), or someone edited the partial file
    const part = join(dir, PARTIAL_DIR, `${CID}.part`);
    const damaged = readFileSync(part);
    damaged[CHUNK + 5] = (damaged[CHUNK + 5] ?? 0) ^ 1;
    await writeFile(part, damaged);
    const second = store(CID, data.length, false, chunkHashes);
    expect(await second.stored()).toEqual([0, 1, 2]);
    await expect(second.finish('')).rejects.toMatchObject({ code: 'storage' });
    expect(second.corrupt).toEqual([1]);
    expect(existsSync(join(dir, 'file.bin'))).toBe(false);
    const third = store(CID, data.length, false, chunkHashes);
    expect(await third.stored()).toEqual([0, 2]);
    await third.keep();
  });

  it('refuses a partial folder that is a symbolic link', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'meshdrop-elsewhere-'));
    try {
      symlinkSync(elsewhere, join(dir, PARTIAL_DIR));
      await expect(store(CID, CHUNK).stored()).rejects.toMatchObject({ code: 'unsafe_path' });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('a download into the disk store', () => {
  async function setup(data: Uint8Array<ArrayBuffer>) {
    const blob = new Blob([data]);
    const hash = await hashBlob(blob, { chunkSize: CHUNK });
    const requested: number[] = [];
    const server = new TransferServer({
      authorize: (r) => (r.contentId === hash.contentId ? { ...hash, blob, name: 'file.bin' } : null),
      // the seam sees every chunk the source sends: what the downloader asked for
      tamper: (_, index, b) => {
        requested.push(index);
        return b;
      },
    });
    const connect = async (peerId: string) => {
      const [mine, theirs] = channelPair('me', peerId, 64 * KiB);
      server.attach(theirs);
      return mine;
    };
    const file = listingOf(hash.contentId, data.length, CHUNK);
    const plan = {
      file,
      roomId: 'r'.repeat(26),
      outDir: dir,
      target: join(dir, 'file.bin'),
      overwrite: false,
      sources: ['src'],
    };
    const out = new Output({ stderr: memoryStream(false), stdout: memoryStream(false) });
    return { requested, connect, plan, out };
  }

  it('interrupted, resumes without asking for a verified chunk again', async () => {
    const data = bytes(40 * CHUNK + 123);
    const { requested, connect, plan, out } = await setup(data);
    const abort = new AbortController();
    const idx = join(dir, PARTIAL_DIR, `${plan.file.contentId}.idx`);
    const watch = setInterval(() => {
      // stop once a few chunks are on disk, as Ctrl+C would
      if (existsSync(idx) && statSync(idx).size > 200 + 10 * 4) abort.abort();
    }, 1);
    const first = await fetchFile(plan, { connect, out, signal: abort.signal }).catch((e: unknown) => e);
    clearInterval(watch);
    expect(first).toMatchObject({ code: 'interrupted' });
    expect(existsSync(plan.target)).toBe(false);

    const kept = store(plan.file.contentId, data.length);
    const verified = await kept.stored();
    await kept.keep();
    expect(verified.length).toBeGreaterThan(0);
    expect(verified.length).toBeLessThan(41);

    requested.length = 0;
    const result = await fetchFile(plan, { connect, out, signal: new AbortController().signal });
    expect(requested.filter((i) => verified.includes(i))).toEqual([]);
    expect(result.resumedChunks).toBe(verified.length);
    expect(result.fetchedChunks).toBe(41 - verified.length);
    expect(sha(readFileSync(plan.target))).toBe(sha(data));
    expect(existsSync(join(dir, PARTIAL_DIR))).toBe(false);
  });

  it('writes a 0-byte file without any source', async () => {
    const { plan, out } = await setup(new Uint8Array(0));
    const result = await fetchFile(
      { ...plan, sources: [] },
      { connect: () => Promise.reject(new Error('no network')), out, signal: new AbortController().signal },
    );
    expect(result.size).toBe(0);
    expect(readFileSync(plan.target).length).toBe(0);
  });

  it('refuses a listing no MeshDrop device could have made (would need millions of chunk slots)', async () => {
    const { plan, out, connect } = await setup(bytes(10));
    const huge = { ...plan.file, size: 2 ** 50, chunkSize: 1024 };
    await expect(
      fetchFile({ ...plan, file: huge }, { connect, out, signal: new AbortController().signal }),
    ).rejects.toMatchObject({ code: 'unsupported' });
  });
});
