// Issue 11 in the engine: a running download is offered as a partial source (its verified chunks, read
// back from its own storage) only while it runs and only in its room; the app hears when to list it and
// when to take the listing back.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { chunkRange } from '../../worker/protocol/content.ts';
import { useDownloadsFactory } from '../src/transfer/downloadsDb.ts';
import { idbEngine, listing } from './engineKit.ts';
import { channelPair } from './memoryChannel.ts';
import { gatedSource } from './spreadKit.ts';
import { FakeClock, ROOM, randomBytes, served, settle, ticks } from './transferKit.ts';

beforeEach(() => useDownloadsFactory(new IDBFactory()));

const CHUNK = 64 * 1024;

async function engineWithGatedSource(bytes: Uint8Array<ArrayBuffer>, open: number) {
  const clock = new FakeClock();
  const file = await served(bytes, CHUNK);
  const gate = gatedSource(file, open);
  const heard: [string, boolean][] = [];
  const engine = idbEngine(clock, {
    onPartial: (f, roomId, serving) => heard.push([`${f.contentId === file.contentId}/${roomId}`, serving]),
    connect: async () => {
      const [mine, theirs] = channelPair('me', 'alice', 256 * 1024, 'immediate');
      gate.script(theirs);
      return mine;
    },
  });
  const until = async (check: () => boolean) => {
    const r = await settle(
      new Promise<void>((resolve) => {
        const look = () => (check() ? resolve() : setTimeout(look, 1));
        look();
      }),
      clock,
      { stepMs: 1, maxMs: 5000 },
    );
    expect(r).toMatchObject({ ok: true });
  };
  return { clock, file, gate, heard, engine, until };
}

describe('a running download as a partial source', () => {
  it('serves its verified chunks from its storage in its room while it runs, then stops', async () => {
    const bytes = randomBytes(10 * CHUNK + 3, 41);
    const { file, gate, heard, engine, until } = await engineWithGatedSource(bytes, 4);
    expect(engine.partialFile(file.contentId)).toBeNull();
    engine.download(listing(file, 'spread.bin', { peerId: 'alice', name: 'A' }), ROOM);
    await until(() => engine.downloads()[0]?.status.progress.bytes === 4 * CHUNK);

    expect(heard).toEqual([[`true/${ROOM}`, true]]);
    expect([...engine.fetchingIn(file.contentId)]).toEqual([ROOM]);
    expect([...engine.fetchRooms()]).toEqual([ROOM]);
    const partial = engine.partialFile(file.contentId);
    expect(partial?.partial?.have.indices()).toEqual([0, 1, 2, 3]);
    expect(partial?.blob).toBeUndefined();
    expect(partial?.chunkHashes).toEqual(file.chunkHashes);
    // read back from the download's own (IndexedDB) storage, exactly
    const { start } = chunkRange(file.size, CHUNK, 2);
    const piece = await partial!.partial!.read(2, 100, 1000);
    expect(piece).toEqual(bytes.subarray(start + 100, start + 1100));
    await expect(partial!.partial!.read(7, 0, 10)).rejects.toThrow(); // not verified here yet

    let ended = false;
    partial!.partial!.onEnd(() => {
      ended = true;
    });
    gate.release();
    await until(() => engine.downloads()[0]?.blob !== undefined);
    expect(ended).toBe(true);
    expect(engine.partialFile(file.contentId)).toBeNull();
    expect([...engine.fetchingIn(file.contentId)]).toEqual([]);
    // finished: shared back whole by the app, not taken back
    expect(heard).toEqual([[`true/${ROOM}`, true]]);
    await ticks();
  });

  it('tells the app to take the listing back when the download is cancelled', async () => {
    const { file, heard, engine, until } = await engineWithGatedSource(randomBytes(6 * CHUNK, 42), 2);
    engine.download(listing(file, 'spread.bin', { peerId: 'alice', name: 'A' }), ROOM);
    await until(() => engine.downloads()[0]?.status.progress.bytes === 2 * CHUNK);
    engine.cancel(file.contentId);
    await until(() => heard.length === 2);
    expect(heard).toEqual([
      [`true/${ROOM}`, true],
      [`true/${ROOM}`, false],
    ]);
    expect(engine.partialFile(file.contentId)).toBeNull();
  });
});
