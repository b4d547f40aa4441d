// Issue 10 item 9: downloading again a file already in the library never deletes or damages it. The real
// engine and library over fake-indexeddb (the IndexedDB storage path) and in-memory channels.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { Download } from '../src/transfer/download.ts';
import { type DownloadStorage, libraryStorage } from '../src/transfer/downloadStorage.ts';
import { useDownloadsFactory } from '../src/transfer/downloadsDb.ts';
import { messageFor } from '../src/transfer/downloadTypes.ts';
import { decodeFrame, FrameKind } from '../src/transfer/frames.ts';
import { hashChunk, rootOf } from '../src/transfer/hashing.ts';
import { IdbChunkStore } from '../src/transfer/idbStore.ts';
import {
  getFromLibrary,
  listLibrary,
  openLibraryFile,
  partialFor,
  removeFromLibrary,
} from '../src/transfer/library.ts';
import type { ServedFile } from '../src/transfer/server.ts';
import { idbEngine, listing, until } from './engineKit.ts';
import {
  digest,
  expectExact,
  FakeClock,
  honestServer,
  MemoryStore,
  network,
  ROOM,
  randomBytes,
  served,
  settle,
  specOf,
} from './transferKit.ts';

beforeEach(() => useDownloadsFactory(new IDBFactory()));

function engineWith(file: ServedFile, clock: FakeClock) {
  const net = network({ src: honestServer(file, clock) });
  let connects = 0;
  const engine = idbEngine(clock, {
    connect: (peerId) => {
      connects++;
      return net.connect(peerId);
    },
  });
  return { engine, connects: () => connects };
}

describe('downloading again what the library has', () => {
  it('offers the kept copy, downloads nothing, and Cancel or a second download never touches it', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(3 * 1024 * 1024 + 11, 41);
    const file = await served(bytes);
    const { engine, connects } = engineWith(file, clock);
    engine.download(listing(file), ROOM);
    const first = await until(engine, clock, file.contentId, (i) => !!i.blob);
    expect(await digest(first.blob!)).toBe(await digest(bytes));
    expect(connects()).toBe(1);
    const entry = await getFromLibrary(file.contentId);
    expect(entry?.storageKey).toMatch(new RegExp(`^${file.contentId}\\.[0-9a-f]{16}$`));

    // again: the library's copy is offered at once, nothing goes over the network
    engine.download(listing(file), ROOM);
    const again = await until(engine, clock, file.contentId, (i) => i.kept === true);
    expect(again.status.state).toBe('done');
    expect(await digest(again.blob!)).toBe(await digest(bytes));
    expect(connects()).toBe(1);
    // Cancel on it (nothing running) and a retry leave the library as it was
    engine.cancel(file.contentId);
    engine.retry(file.contentId);
    await until(engine, clock, file.contentId, (i) => i.kept === true);
    const kept = await getFromLibrary(file.contentId);
    expect(kept).toEqual(entry);
    expect(await digest(await openLibraryFile(kept!))).toBe(await digest(bytes));
  });

  it('a download cancelled while another copy is kept discards only its own partial storage', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(2 * 1024 * 1024, 42);
    const file = await served(bytes);
    const { engine } = engineWith(file, clock);
    engine.download(listing(file), ROOM);
    await until(engine, clock, file.contentId, (i) => !!i.blob);
    const entry = (await getFromLibrary(file.contentId))!;
    // a second partial download of the same content (e.g. from another tab) is cancelled
    const partial = await libraryStorage('idb').partial(file.contentId, file.size, file.chunkSize);
    expect(partial.storageKey).not.toBe(entry.storageKey);
    await partial.store.write(0, bytes.subarray(0, file.chunkSize));
    await partial.store.discard();
    expect(await digest(await openLibraryFile((await getFromLibrary(file.contentId))!))).toBe(
      await digest(bytes),
    );
    expect(await new IdbChunkStore(partial.storageKey).stored()).toEqual([]);
  });

  it('a library entry whose bytes are gone is downloaded again, into new storage', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(1024 * 1024 + 5, 43);
    const file = await served(bytes);
    const { engine, connects } = engineWith(file, clock);
    engine.download(listing(file), ROOM);
    await until(engine, clock, file.contentId, (i) => !!i.blob);
    const entry = (await getFromLibrary(file.contentId))!;
    await IdbChunkStore.remove(entry.storageKey!); // evicted by the browser
    engine.dismiss(file.contentId);
    engine.download(listing(file), ROOM);
    const item = await until(engine, clock, file.contentId, (i) => !!i.blob && !i.kept);
    expect(await digest(item.blob!)).toBe(await digest(bytes));
    expect(connects()).toBe(2);
    expect((await listLibrary()).map((e) => e.contentId)).toEqual([file.contentId]);
    await removeFromLibrary((await getFromLibrary(file.contentId))!);
    expect(await listLibrary()).toEqual([]);
  });

  it('a failed download keeps its partial storage to resume; dismissing it gives the storage back', async () => {
    const clock = new FakeClock();
    const file = await served(randomBytes(4096, 45), 1024);
    const engine = idbEngine(clock, {
      connect: () => Promise.reject(new Error('offline')),
    });
    engine.download(listing(file), ROOM);
    await until(engine, clock, file.contentId, (i) => i.status.state === 'failed');
    const kept = await partialFor(file.contentId, 'idb');
    expect(await partialFor(file.contentId, 'idb')).toEqual(kept); // the same partial, to resume into
    await new IdbChunkStore(kept.storageKey).write(0, new Uint8Array(1024));
    engine.dismiss(file.contentId);
    await settle(new Promise((r) => setTimeout(r, 20)), clock);
    expect(await new IdbChunkStore(kept.storageKey).stored()).toEqual([]);
    expect((await partialFor(file.contentId, 'idb')).storageKey).not.toBe(kept.storageKey);
  });

  it('a download whose every chunk is already stored finishes once a source proves the manifest (no hang)', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(3 * 1024 * 1024, 44);
    const file = await served(bytes);
    const store = new MemoryStore();
    for (let i = 0; i < 3; i++)
      store.chunks.set(i, bytes.slice(i * file.chunkSize, (i + 1) * file.chunkSize));
    const net = network({ src: honestServer(file, clock) });
    const d = new Download(specOf(file), ['src'], {
      connect: net.connect,
      store,
      hashChunk,
      rootOf,
      clock,
      now: clock.now,
    } as ConstructorParameters<typeof Download>[2]);
    await expectExact(d.start(), clock, bytes, { maxMs: 60_000 });
    expect(d.verifiedHashes()).toEqual(file.chunkHashes);
  });
});

describe('a finished download the library cannot record', () => {
  it('is not shown as kept: the row says so in plain words (not_kept), and Save still works', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(2 * 1024 * 1024 + 3, 46);
    const file = await served(bytes);
    const net = network({ src: honestServer(file, clock) });
    const inner = libraryStorage('idb');
    const storage: DownloadStorage = {
      ...inner,
      async partial(...args) {
        const p = await inner.partial(...args);
        return { ...p, keep: () => Promise.reject(new DOMException('quota', 'QuotaExceededError')) };
      },
    };
    const finished: string[] = [];
    const engine = idbEngine(clock, {
      storage,
      connect: net.connect,
      onFinished: (entry) => finished.push(entry.contentId),
    });
    engine.download(listing(file), ROOM);
    const item = await until(engine, clock, file.contentId, (i) => !!i.blob);
    expect(item.status.error).toEqual({ code: 'not_kept', message: messageFor('not_kept') });
    expect(item.kept).not.toBe(true);
    expect(await digest(item.blob!)).toBe(await digest(bytes));
    expect(await listLibrary()).toEqual([]);
    expect(finished).toEqual([]);
  });
});

describe('a download that lost its sources', () => {
  it('tries again by itself when its source was back before it shared the file again', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(2 * 1024 * 1024 + 5, 48);
    const file = await served(bytes);
    // Alice's browser crashed and came back: her listing is kept, but her app has not shared the file
    // again yet (it answers not_found); sharing it again keeps the same listing, so nothing tells Bob
    let sharedAgain = false;
    const net = network({ a: honestServer(file, clock, { authorize: () => (sharedAgain ? file : null) }) });
    const engine = idbEngine(clock, { connect: net.connect });
    const fromA = {
      ...listing(file),
      sources: [{ ...listing(file).sources[0]!, peerId: 'a', online: true }],
    };
    engine.download(fromA, ROOM);
    const failed = await until(engine, clock, file.contentId, (i) => i.status.state === 'failed');
    expect(failed.status.error?.code).toBe('not_found');
    sharedAgain = true;
    const done = await until(engine, clock, file.contentId, (i) => !!i.blob);
    expect(await digest(done.blob!)).toBe(await digest(bytes));
  });

  it('continues by itself from what it stored when another device starts sharing the file', {
    timeout: 30_000,
  }, async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(6 * 1024 * 1024 + 9, 47);
    const file = await served(bytes);
    const servers: Record<string, ReturnType<typeof honestServer>> = {};
    const net = network(servers);
    const asked: number[] = [];
    const engine = idbEngine(clock, {
      connect: async (peerId) => {
        const channel = await net.connect(peerId);
        // a delivers chunks 0-2 and nothing after: a source gone silent mid-way
        const onMessage = channel.onMessage.bind(channel);
        channel.onMessage = (handler) =>
          onMessage((data) => {
            const f = data instanceof ArrayBuffer ? decodeFrame(data) : null;
            if (peerId === 'a' && f?.kind === FrameKind.Piece && f.index >= 3) return;
            handler(data);
          });
        const send = channel.send.bind(channel);
        channel.send = (data) => {
          if (typeof data === 'string' && data.includes('"get"')) asked.push(...JSON.parse(data).chunks);
          send(data);
        };
        return channel;
      },
    });
    const only = (peerId: string, online = true) => ({
      ...listing(file),
      sources: [{ ...listing(file).sources[0]!, peerId, online }],
    });
    // a serves three chunks, then goes silent; the download gives up on it
    servers.a = honestServer(file, clock);
    engine.download(only('a'), ROOM);
    const failed = await until(engine, clock, file.contentId, (i) => i.status.state === 'failed');
    const stored = failed.status.progress.bytes;
    expect(stored).toBe(3 * file.chunkSize);
    // the same listing again (a still listed, or gone) is no reason to try again
    engine.sourcesChanged(only('a'));
    engine.sourcesChanged(only('a', false));
    expect(engine.downloads()[0]!.status.state).toBe('failed');
    // b appears: the download continues without a click, from the chunks it stored
    servers.b = honestServer(file, clock);
    const before = asked.length;
    engine.sourcesChanged(only('b'));
    const done = await until(engine, clock, file.contentId, (i) => !!i.blob);
    expect(await digest(done.blob!)).toBe(await digest(bytes));
    expect(done.status.resumedChunks).toBe(Math.ceil(stored / file.chunkSize));
    const again = asked.slice(before);
    expect(new Set(again).size).toBe(again.length);
    expect(again.length + done.status.resumedChunks).toBe(Math.ceil(file.size / file.chunkSize));
  });
});
