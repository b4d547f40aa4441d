import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ShareFileInput } from '../../worker/protocol/api.ts';
import { ApiError, type TrackerApi } from '../src/net/api.ts';
import { HashCancelled, type HashQueue } from '../src/net/hashClient.ts';
import { useIdbFactory } from '../src/net/idb.ts';
import { Observable } from '../src/net/observable.ts';
import { listShareRecords, SharedFiles } from '../src/net/sharedFiles.ts';
import { ShareUploader } from '../src/net/shareUploader.ts';
import { hashBlob } from '../src/transfer/hashing.ts';

/** Hashes for real (small files), but only when the test lets a job finish. */
function fakeQueue(): HashQueue {
  return {
    hash: (blob: Blob) => {
      if (!(blob as File).name.startsWith('slow')) return { promise: hashBlob(blob), cancel: () => {} };
      let cancel = () => {};
      const promise = new Promise<never>((_, reject) => {
        cancel = () => reject(new HashCancelled());
      });
      return { promise, cancel };
    },
  } as unknown as HashQueue;
}

function fakeApi(answer: (files: ShareFileInput[]) => Promise<unknown>) {
  const calls: ShareFileInput[][] = [];
  const api = {
    reachability: new Observable<'unknown' | 'reachable' | 'unreachable'>('unknown'),
    createShares: vi.fn(async (_room: string, files: ShareFileInput[]) => {
      calls.push(files);
      return answer(files);
    }),
  };
  return { api: api as unknown as TrackerApi, reach: api.reachability, calls };
}

const ok = async (files: ShareFileInput[]) => ({
  shares: files.map((f, i) => ({
    shareId: `share${i}${f.name}`,
    contentId: f.contentId,
    name: f.name,
    path: f.path ?? '',
  })),
});

const picked = (name: string, text = name, path = '') => ({
  file: new File([text], name, { type: 'text/plain' }),
  path,
});

/** The files this page serves (the session's Transfers owns them; one per test here). */
let sharedFiles: SharedFiles;
beforeEach(() => {
  useIdbFactory(new IDBFactory());
  sharedFiles = new SharedFiles();
});

describe('share uploader', () => {
  it('hashes a batch, registers it in requests of at most 100, and remembers every share', async () => {
    const { api, calls } = fakeApi(ok);
    const uploader = new ShareUploader('room', {
      api,
      hashQueue: fakeQueue(),
      transfers: { shared: sharedFiles },
    });
    const files = Array.from({ length: 120 }, (_, i) =>
      picked(`f${i}.txt`, `content ${i}`, i % 2 ? 'docs/2024' : ''),
    );
    await uploader.add(files);
    expect(calls.map((c) => c.length)).toEqual([100, 20]);
    expect(calls[0]![1]).toMatchObject({ name: 'f1.txt', path: 'docs/2024', type: 'text/plain', size: 9 });
    expect(uploader.items.get().every((i) => i.state === 'shared')).toBe(true);
    const first = sharedFiles.get(calls[0]![0]!.contentId);
    expect(first?.file.name).toBe('f0.txt');
    expect(first?.shareIds.has('share0f0.txt')).toBe(true);
    expect(await listShareRecords()).toHaveLength(120);
    uploader.dispose();
  });

  it('waits while the tracker is unreachable and goes out by itself when it is back', async () => {
    let down = true;
    const { api, reach, calls } = fakeApi((files) =>
      down ? Promise.reject(new ApiError('offline', 0)) : ok(files),
    );
    const uploader = new ShareUploader('room', {
      api,
      hashQueue: fakeQueue(),
      transfers: { shared: sharedFiles },
    });
    const done = uploader.add([picked('a.txt')]);
    await vi.waitFor(() => expect(uploader.items.get()[0]?.state).toBe('waiting'));
    down = false;
    reach.set('reachable');
    await done;
    expect(uploader.items.get()[0]?.state).toBe('shared');
    expect(calls).toHaveLength(2);
    uploader.dispose();
  });

  it('can serve a file while its share is being registered, and forgets it when refused', async () => {
    const servable: boolean[] = [];
    const accept = fakeApi(async (files) => {
      // the tracker tells the room before it answers: the file must already be servable here
      servable.push(files.every((f) => sharedFiles.get(f.contentId) !== undefined));
      return ok(files);
    });
    await new ShareUploader('room', {
      api: accept.api,
      hashQueue: fakeQueue(),
      transfers: { shared: sharedFiles },
    }).add([picked('staged.txt')]);
    expect(servable).toEqual([true]);

    const refuse = fakeApi(async () => {
      throw new ApiError('rate_limited', 429);
    });
    const file = picked('refused.txt', 'never shared');
    await new ShareUploader('room', {
      api: refuse.api,
      hashQueue: fakeQueue(),
      transfers: { shared: sharedFiles },
    }).add([file]);
    const { contentId } = await hashBlob(file.file);
    expect(sharedFiles.get(contentId)).toBeUndefined();
  });

  it('says why when the tracker refuses, and skips cancelled files', async () => {
    const { api, calls } = fakeApi(() => Promise.reject(new ApiError('rate_limited', 429)));
    const uploader = new ShareUploader('room', {
      api,
      hashQueue: fakeQueue(),
      transfers: { shared: sharedFiles },
    });
    const done = uploader.add([picked('a.txt'), picked('slow.bin')]);
    await vi.waitFor(() => expect(uploader.items.get()).toHaveLength(2));
    uploader.cancel(uploader.items.get()[1]!.id);
    await done;
    expect(calls[0]!.map((f) => f.name)).toEqual(['a.txt']);
    const [a, slow] = uploader.items.get();
    expect(a).toMatchObject({ state: 'failed', error: expect.stringMatching(/Too many changes/) });
    expect(slow!.state).toBe('cancelled');
    uploader.dispose();
  });
});

describe('stop sharing', () => {
  it('stops serving at once and withdraws when the tracker is back', async () => {
    const { stopSharing } = await import('../src/net/stopSharing.ts');
    const file = new File(['x'], 'x.txt');
    const hash = await hashBlob(file);
    sharedFiles.add(file, hash, 'shareX', 'room');
    let down = true;
    const removeShare = vi.fn(async () => {
      if (down) throw new ApiError('offline', 0);
      return null;
    });
    let waited = 0;
    const done = stopSharing({ removeShare }, sharedFiles, 'room', ['shareX'], () => {
      waited++;
      down = false;
    });
    expect(sharedFiles.get(hash.contentId)).toBeUndefined();
    await done;
    expect(waited).toBe(1);
    expect(removeShare).toHaveBeenCalledTimes(2);
  });

  it('registers files only once the room is joined (a quick share right after opening a link)', async () => {
    const joined = new Observable(false);
    const { api, calls } = fakeApi((files) =>
      joined.get() ? ok(files) : Promise.reject(new ApiError('not_member', 403)),
    );
    const told: string[] = [];
    const uploader = new ShareUploader(
      'room',
      { api, hashQueue: fakeQueue(), transfers: { shared: sharedFiles } },
      (signal) => waitFor(joined, signal),
      (shared) => told.push(...shared.map((s) => `${s.share.shareId}:${s.input.size}`)),
    );
    const done = uploader.add([picked('early.txt')]);
    await vi.waitFor(() => expect(uploader.items.get()[0]?.state).toBe('waiting'));
    expect(calls).toHaveLength(0);
    joined.set(true);
    await done;
    expect(uploader.items.get()[0]?.state).toBe('shared');
    expect(calls).toHaveLength(1);
    // the room is told what the tracker accepted, to list it at once
    expect(told).toEqual(['share0early.txt:9']);
    uploader.dispose();
  });
});

function waitFor(flag: Observable<boolean>, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (flag.get()) return resolve(true);
    const off = flag.subscribe(() => {
      if (!flag.get()) return;
      off();
      resolve(true);
    });
    signal.addEventListener('abort', () => {
      off();
      resolve(false);
    });
  });
}
