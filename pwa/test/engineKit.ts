// What the engine-level tests share: an engine on the IndexedDB storage path, a room listing for a
// served file, and waiting (moving fake time) for an engine's download item to reach a state.
import { expect } from 'vitest';
import type { RoomFile, Source } from '../../worker/protocol/api.ts';
import { libraryStorage } from '../src/transfer/downloadStorage.ts';
import { type DownloadItem, type EngineDeps, TransferEngine } from '../src/transfer/engine.ts';
import type { ServedFile } from '../src/transfer/server.ts';
import { type FakeClock, settle } from './transferKit.ts';

/**
 * An engine with no Peer that serves nothing, storing downloads in IndexedDB (fake-indexeddb): `deps`
 * adds what the test is about (its channels, its callbacks, another storage).
 */
export const idbEngine = (clock: FakeClock, deps: Partial<EngineDeps> = {}): TransferEngine =>
  new TransferEngine({
    peer: { get: () => null, subscribe: () => () => {} },
    authorize: async () => null,
    clock,
    storage: libraryStorage('idb'),
    ...deps,
  });

/** `file` as the room lists it, named `name`, with one online source (`source` changes its fields). */
export const listing = (file: ServedFile, name = 'kept.bin', source: Partial<Source> = {}): RoomFile => ({
  contentId: file.contentId,
  name,
  path: '',
  size: file.size,
  type: 'application/octet-stream',
  chunkSize: file.chunkSize,
  addedAt: 1,
  sources: [
    {
      peerId: 'src',
      name: 'SRC',
      online: true,
      shareId: 's',
      fileName: name,
      path: '',
      addedAt: 1,
      ...source,
    },
  ],
});

/** Waits (moving fake time) until the engine's item for `contentId` satisfies `done`. */
export async function until(
  engine: TransferEngine,
  clock: FakeClock,
  contentId: string,
  done: (i: DownloadItem) => boolean,
): Promise<DownloadItem> {
  const reached = new Promise<DownloadItem>((resolve) => {
    const look = () => {
      const item = engine.downloads().find((i) => i.contentId === contentId);
      if (item && done(item)) {
        off();
        resolve(item);
      }
    };
    const off = engine.subscribe(look);
    look();
  });
  const r = await settle(reached, clock, { maxMs: 60_000 });
  expect(r, `item never got there: ${JSON.stringify(engine.downloads()[0]?.status)}`).toHaveProperty('value');
  return (r as { value: DownloadItem }).value;
}
