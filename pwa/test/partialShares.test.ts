// A partial listing left by a download that a reload interrupted (and nobody resumed) is withdrawn when
// the app starts again, instead of staying listed, answering not_found, until the device leaves.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RoomFile } from '../../worker/protocol/api.ts';
import { ApiError, type TrackerApi } from '../src/net/api.ts';
import { useIdbFactory } from '../src/net/idb.ts';
import { PartialShares, withdrawStalePartialShares } from '../src/net/partialShares.ts';
import { reconcileShares } from '../src/net/rememberedShares.ts';
import { SharedFiles } from '../src/net/sharedFiles.ts';

const ROOM = 'r'.repeat(26);
const file = (n: number): RoomFile =>
  ({
    contentId: String(n).repeat(64).slice(0, 64),
    size: 10,
    name: `f${n}.bin`,
    type: '',
    chunkSize: 1024 * 1024,
    path: '',
  }) as unknown as RoomFile;

/** A tracker that lists shares and takes them back; `down` makes it unreachable. */
function tracker() {
  const listed = new Map<string, string>();
  const t = {
    down: false,
    removed: [] as string[],
    listed,
    api: {
      createShares: async (_room: string, files: { contentId: string }[]) => {
        const shareId = `s${listed.size + 1}`.padEnd(26, 'x');
        listed.set(shareId, files[0]!.contentId);
        return { shares: [{ shareId }] };
      },
      removeShare: async (_room: string, shareId: string) => {
        if (t.down) throw new ApiError('offline', 0);
        if (!listed.delete(shareId)) throw new ApiError('share_not_found', 404);
        t.removed.push(shareId);
        return null;
      },
    } as unknown as TrackerApi,
  };
  return t;
}

beforeEach(() => {
  useIdbFactory(new IDBFactory());
});

describe('partial listings across reloads', () => {
  it('a listing an earlier load made is withdrawn on startup; this load keeps its own', async () => {
    const t = tracker();
    await new PartialShares(t.api, 'load-1').list(file(1), ROOM);
    expect(t.listed.size).toBe(1);
    // the same load (its download runs): nothing withdrawn
    await withdrawStalePartialShares(t.api, 'load-1');
    expect(t.removed).toEqual([]);
    // the page was reloaded: the download is paused at best, nobody serves its chunks
    await reconcileShares(t.api, new SharedFiles());
    expect(t.listed.size).toBe(0);
    expect(t.removed).toHaveLength(1);
    // and only once
    await withdrawStalePartialShares(t.api, 'load-3');
    expect(t.removed).toHaveLength(1);
  });

  it('a download that finished is shared whole under the same share: never withdrawn later', async () => {
    const t = tracker();
    const partials = new PartialShares(t.api, 'load-1');
    await partials.list(file(2), ROOM);
    partials.finished(file(2).contentId);
    await new Promise((r) => setTimeout(r, 10));
    await withdrawStalePartialShares(t.api, 'load-2');
    expect(t.removed).toEqual([]);
    expect(t.listed.size).toBe(1);
  });

  it('a download that stopped is taken back at once, or by the next load when the tracker was away', async () => {
    const t = tracker();
    const partials = new PartialShares(t.api, 'load-1');
    await partials.list(file(3), ROOM);
    await partials.unlist(file(3).contentId);
    expect(t.listed.size).toBe(0);
    await partials.list(file(4), ROOM);
    t.down = true;
    await partials.unlist(file(4).contentId);
    expect(t.listed.size).toBe(1);
    // still away at the next start: it throws (tried again later) and keeps the record
    await expect(withdrawStalePartialShares(t.api, 'load-2')).rejects.toThrow();
    t.down = false;
    await withdrawStalePartialShares(t.api, 'load-2');
    expect(t.listed.size).toBe(0);
  });

  it('a listing already gone from the room is forgotten', async () => {
    const t = tracker();
    await new PartialShares(t.api, 'load-1').list(file(5), ROOM);
    t.listed.clear(); // the device left the room meanwhile
    await withdrawStalePartialShares(t.api, 'load-2');
    await withdrawStalePartialShares(t.api, 'load-3');
    expect(t.removed).toEqual([]);
  });
});
