// Issue 11, resume: a download interrupted with chunks stored is listed again by a new engine (the page
// after a reload), paused, and resumes from those chunks without asking for any of them again. The real
// engine, library and IndexedDB store (fake-indexeddb), in-memory channels.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { libraryStorage } from '../src/transfer/downloadStorage.ts';
import { useDownloadsFactory } from '../src/transfer/downloadsDb.ts';
import { IdbChunkStore } from '../src/transfer/idbStore.ts';
import { getPartial, listLibrary } from '../src/transfer/library.ts';
import type { ServedFile } from '../src/transfer/server.ts';
import { idbEngine, listing, until } from './engineKit.ts';
import { digest, FakeClock, honestServer, network, ROOM, randomBytes, served, ticks } from './transferKit.ts';

beforeEach(() => useDownloadsFactory(new IDBFactory()));

/**
 * An engine on the IndexedDB path whose one source logs the chunks it sends; from chunk `badFrom` on it
 * sends damaged bytes, so the download stores the chunks before and then gives that source up.
 */
function engineFor(file: ServedFile, clock: FakeClock, badFrom = Number.POSITIVE_INFINITY) {
  const sent: number[] = [];
  const server = honestServer(file, clock, {
    tamper: (_id, index, bytes, offset) => {
      if (offset === 0) sent.push(index);
      if (index < badFrom) return bytes;
      const damaged = bytes.slice();
      damaged[0]! ^= 1;
      return damaged;
    },
  });
  const net = network({ src: server });
  const engine = idbEngine(clock, {
    connect: net.connect,
  });
  return { engine, sent };
}

describe('resuming after a reload', () => {
  it('lists the interrupted download paused, and Resume fetches only what is not stored', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(12 * 1024 * 1024 + 77, 61);
    const file = await served(bytes);
    const count = file.chunkHashes.length / 32;

    // the first page: chunks 0-6 arrive intact, then only damaged ones: it fails with 7 chunks stored
    const first = engineFor(file, clock, 7);
    first.engine.download(listing(file, 'big.bin'), ROOM);
    await until(first.engine, clock, file.contentId, (i) => i.status.state === 'failed');
    const partial = await getPartial(file.contentId);
    expect(partial?.hashes, 'the verified hashes are kept with the partial').toEqual(file.chunkHashes);
    const onDisk = (await new IdbChunkStore(partial!.storageKey).stored()).sort((a, b) => a - b);
    expect(onDisk).toEqual([0, 1, 2, 3, 4, 5, 6]);

    // the page reloads: a new engine lists it again, paused, with what it has; nothing is in the library
    const second = engineFor(file, clock);
    await second.engine.restore();
    const paused = second.engine.downloads();
    expect(paused.map((i) => [i.contentId, i.roomId, i.file.name, i.status.state])).toEqual([
      [file.contentId, ROOM, 'big.bin', 'paused'],
    ]);
    expect(paused[0]!.status.progress.bytes).toBe(onDisk.length * file.chunkSize);
    expect(await listLibrary()).toEqual([]);

    // Resume: every chunk on disk is used, only the others are sent, and the file is exact
    second.engine.retry(file.contentId);
    const done = await until(second.engine, clock, file.contentId, (i) => !!i.blob);
    expect(await digest(done.blob!)).toBe(await digest(bytes));
    expect(done.status.resumedChunks).toBe(onDisk.length);
    expect(second.sent.filter((i) => onDisk.includes(i))).toEqual([]);
    expect([...second.sent, ...onDisk].sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
    expect((await listLibrary()).map((e) => e.contentId)).toEqual([file.contentId]);
    expect(await getPartial(file.contentId)).toBeUndefined();
  });

  it('Dismiss on a paused download gives its storage back', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(4 * 1024 * 1024, 62));
    const first = engineFor(file, clock, 0);
    first.engine.download(listing(file), ROOM);
    await until(first.engine, clock, file.contentId, (i) => i.status.state === 'failed');
    const key = (await getPartial(file.contentId))!.storageKey;
    await new IdbChunkStore(key).write(0, new Uint8Array(file.chunkSize));

    const second = engineFor(file, clock);
    await second.engine.restore();
    second.engine.dismiss(file.contentId);
    expect(second.engine.downloads()).toEqual([]);
    await ticks();
    expect(await getPartial(file.contentId)).toBeUndefined();
    expect(await new IdbChunkStore(key).stored()).toEqual([]);
  });
});

describe('space', () => {
  it('a file that does not fit fails in plain words before anything is fetched or stored', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(3 * 1024 * 1024, 63));
    let connects = 0;
    const engine = idbEngine(clock, {
      storage: { ...libraryStorage('idb'), free: async () => 2_000_000 },
      connect: (peerId) => {
        connects++;
        return network({ src: honestServer(file, clock) }).connect(peerId);
      },
    });
    engine.download(listing(file), ROOM);
    const item = await until(engine, clock, file.contentId, (i) => i.status.state === 'failed');
    expect(item.status.error?.code).toBe('no_space');
    expect(item.status.error?.message).toContain('It needs 4 MB; 2 MB are free.');
    expect(connects).toBe(0);
    expect(await getPartial(file.contentId)).toBeUndefined();
  });
});
