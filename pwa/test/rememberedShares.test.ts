// After a reload, files shared through a remembered handle come back only where this browser can serve
// them: without WebRTC every share is withdrawn, so the device is never listed as a source it cannot be.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrackerApi } from '../src/net/api.ts';
import type { SharedFiles, ShareRecord } from '../src/net/sharedFiles.ts';

const state = vi.hoisted(() => ({
  records: [] as ShareRecord[],
  saved: [] as ShareRecord[],
  added: [] as string[],
}));

vi.mock('../src/net/sharedFiles.ts', () => ({
  listShareRecords: async () => state.records,
  saveShareRecord: async (r: ShareRecord) => {
    state.saved.push(r);
  },
}));

/** The page's served files, as far as reconciling uses them. */
const served = {
  getByShareId: () => undefined,
  add: (_file: File, _hash: unknown, shareId: string) => {
    state.added.push(shareId);
  },
} as unknown as SharedFiles;

const { reconcileShares } = await import('../src/net/rememberedShares.ts');

const file = new File(['kept'], 'kept.txt', { lastModified: 1000 });
const record: ShareRecord = {
  shareId: 's'.repeat(26),
  roomId: 'r'.repeat(26),
  contentId: 'c'.repeat(64),
  name: 'kept.txt',
  path: '',
  size: file.size,
  type: 'text/plain',
  chunkSize: 1024 * 1024,
  lastModified: 1000,
  chunkHashes: new Uint8Array(32),
  sharedAt: 1,
  // a File System Access handle the browser still lets the page read
  handle: {
    kind: 'file',
    name: 'kept.txt',
    queryPermission: async () => 'granted',
    getFile: async () => file,
  } as unknown as ShareRecord['handle'],
};

let removed: string[];
const api = {
  removeShare: async (_room: string, shareId: string) => {
    removed.push(shareId);
    return null;
  },
} as unknown as TrackerApi;

beforeEach(() => {
  state.records = [record];
  state.saved = [];
  state.added = [];
  removed = [];
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('shares remembered across a reload', () => {
  it('come back by themselves where the file can still be read and served', async () => {
    vi.stubGlobal('RTCPeerConnection', class {});
    await reconcileShares(api, served);
    expect(state.added).toEqual([record.shareId]);
    expect(removed).toEqual([]);
  });

  it('are withdrawn from their room on a browser without WebRTC, and listed to pick again', async () => {
    vi.stubGlobal('RTCPeerConnection', undefined);
    await reconcileShares(api, served);
    expect(state.added).toEqual([]);
    expect(removed).toEqual([record.shareId]);
    expect(state.saved).toEqual([{ ...record, withdrawn: true }]);
  });
});
