// `get` serves as a partial source: while it downloads, a member of the same room gets the chunks it has
// verified from it (over in-memory channels, the real Download, DiskChunkStore and TransferServer, with
// the app's access check); it is listed once the manifest is proved and unlisted when it stops. Chunks
// resumed from an earlier run are not served (they are checked again only at the end).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthorizer, RoomMembership } from '../../pwa/src/transfer/access.ts';
import { systemClock } from '../../pwa/src/transfer/clock.ts';
import { Download } from '../../pwa/src/transfer/download.ts';
import { hashBlob, hashChunk, rootOf } from '../../pwa/src/transfer/hashing.ts';
import { type ServedFile, TransferServer, type UploadInfo } from '../../pwa/src/transfer/server.ts';
import { channelPair } from '../../pwa/test/memoryChannel.ts';
import { gatedSource } from '../../pwa/test/spreadKit.ts';
import { MemoryStore } from '../../pwa/test/transferKit.ts';
import { fetchFile } from '../src/download/fetchFile.ts';
import { PartialServing, stalePartialShares } from '../src/download/partialServing.ts';
import { Output } from '../src/ui/output.ts';
import { listingOf } from './listing.ts';
import { memoryStream } from './streams.ts';

const CHUNK = 64 * 1024;
const ROOM = 'r'.repeat(26);
const OTHER = 'o'.repeat(26);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'meshdrop-partial-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 3000 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(check(), what).toBe(true);
}

describe('get serves what it has verified', () => {
  it('to a member of the room while it downloads, then unlists itself', async () => {
    const data = new Uint8Array(randomBytes(16 * CHUNK + 5));
    const blob = new Blob([data]);
    const hash = await hashBlob(blob, { chunkSize: CHUNK });
    const served: ServedFile = { ...hash, blob, name: 'file.bin' };
    // A sends chunks 0..5 at once and holds the rest until released
    const gate = gatedSource(served, 6);
    const link = (to: TransferServer | ((end: ReturnType<typeof channelPair>[1]) => void), from: string) => {
      const [mine, theirs] = channelPair(from, 'x', 64 * 1024);
      if (to instanceof TransferServer) to.attach(theirs);
      else to(theirs);
      return mine;
    };
    const file = listingOf(hash.contentId, data.length, CHUNK);

    const calls: string[] = [];
    const partials = new PartialServing({
      list: async (roomId) => {
        calls.push(`list ${roomId}`);
        return 'share-1';
      },
      unlist: async (roomId, shareId) => {
        calls.push(`unlist ${roomId} ${shareId}`);
      },
    });
    const uploads: UploadInfo[] = [];
    // the CLI device (`me`); `carol` is a member of ROOM, `mallory` is not
    const cli = new TransferServer({
      authorize: createAuthorizer({
        self: () => 'me',
        rooms: () => new Set(),
        membership: new RoomMembership(
          async (roomId) => (roomId === ROOM ? ['me', 'carol'] : ['me', 'mallory']),
          systemClock,
        ),
        sharedIn: () => new Set(),
        open: async () => null,
        fetchRooms: () => partials.rooms(),
        fetchingIn: (contentId) => partials.roomsOf(contentId),
        openPartial: (contentId) => partials.file(contentId),
      }),
      onUploadChange: (u) => uploads.push({ ...u }),
    });
    const out = new Output({ stderr: memoryStream(false), stdout: memoryStream(false) });
    const got = fetchFile(
      { file, roomId: ROOM, outDir: dir, target: join(dir, 'file.bin'), overwrite: false, sources: ['a'] },
      {
        connect: async () => link(gate.script, 'me'),
        out,
        signal: new AbortController().signal,
        serve: (download, store, f, roomId) => partials.begin(download, store, f, roomId),
      },
    );
    await until(() => calls.length === 1, 'listed once the manifest is proved');
    expect(calls).toEqual([`list ${ROOM}`]);

    const spec = { contentId: file.contentId, size: file.size, chunkSize: CHUNK, name: 'file.bin', type: '' };
    const fromCli = (remote: string, roomId: string) =>
      new Download({ ...spec, roomId }, ['cli'], {
        connect: async () => {
          // the server's end names the downloader as its remote
          const [mine, theirs] = channelPair(remote, 'cli', 64 * 1024);
          cli.attach(theirs);
          return mine;
        },
        store: new MemoryStore(),
        hashChunk,
        rootOf,
        clock: systemClock,
      });
    // not a member of ROOM, or asking in another room: the same `not_found` as for an unknown file
    for (const [remote, roomId] of [
      ['mallory', ROOM],
      ['carol', OTHER],
    ] as const) {
      const d = fromCli(remote, roomId);
      await expect(d.start()).rejects.toThrow();
      expect(d.status().error?.code).toBe('not_found');
    }
    // carol, in the room, gets the 6 chunks it verified while its own download waits for the rest
    const carol = fromCli('carol', ROOM);
    const carolDone = carol.start().then(
      () => 'done',
      (e: Error) => e,
    );
    await until(() => carol.status().progress.bytes === 6 * CHUNK, 'carol got what the CLI holds');
    expect(uploads.some((u) => u.remote === 'carol' && u.bytesSent === 6 * CHUNK)).toBe(true);

    gate.release();
    const result = await got;
    expect(sha(readFileSync(result.path))).toBe(sha(data));
    expect(calls).toEqual([`list ${ROOM}`, `unlist ${ROOM} share-1`]);
    // the CLI does not stay to serve the whole file: carol's transfer ends, and asking again finds nothing
    expect(await carolDone).toBeInstanceOf(Error);
    expect(partials.file(file.contentId)).toBeNull();
  });
});

describe('a get that was killed', () => {
  it('leaves partial listings that the next get of this device withdraws (only its own, only partial)', () => {
    const source = (peerId: string, shareId: string, partial: boolean) => ({
      peerId,
      name: peerId,
      online: false,
      shareId,
      fileName: 'file.bin',
      path: '',
      addedAt: 0,
      ...(partial ? { partial: true as const } : {}),
    });
    const files = [
      {
        ...listingOf('a'.repeat(64), 10, CHUNK),
        sources: [source('me', 's1', true), source('bob', 's2', true)],
      },
      { ...listingOf('b'.repeat(64), 10, CHUNK), sources: [source('me', 's3', false)] },
      {
        ...listingOf('c'.repeat(64), 10, CHUNK),
        sources: [source('bob', 's4', false), source('me', 's5', true)],
      },
    ];
    expect(stalePartialShares(files, 'me')).toEqual(['s1', 's5']);
    expect(stalePartialShares(files, 'carol')).toEqual([]);
  });
});
