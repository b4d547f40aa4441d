import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog, saveCatalog } from '../src/net/catalogCache.ts';
import { useIdbFactory } from '../src/net/idb.ts';
import { clearIdentity, ensureIdentity, loadIdentity, saveIdentity } from '../src/net/identity.ts';
import { forgetRoom, listRecentRooms, summarizeRoom, touchRoom } from '../src/net/recentRooms.ts';
import { deleteShareRecord, listShareRecords, saveShareRecord } from '../src/net/sharedFiles.ts';
import { suggestDeviceName } from '../src/state/deviceName.ts';

beforeEach(() => {
  useIdbFactory(new IDBFactory());
});

describe('identity store', () => {
  it('registers once, then reuses the stored identity', async () => {
    let registrations = 0;
    const register = async (name: string) => {
      registrations++;
      return { peerId: 'p'.repeat(26), secret: 's'.repeat(43), name };
    };
    const [a, b] = await Promise.all([
      ensureIdentity(register, 'Chrome on Linux'),
      ensureIdentity(register, 'x'),
    ]);
    expect(a).toEqual({ peerId: 'p'.repeat(26), secret: 's'.repeat(43), name: 'Chrome on Linux' });
    expect(b).toEqual(a);
    expect(await ensureIdentity(register, 'y')).toEqual(a);
    expect(registrations).toBe(1);
  });

  it('keeps a rename made offline until it is sent', async () => {
    await saveIdentity({ peerId: 'p', secret: 's', name: 'Desk', nameUnsynced: true });
    expect(await loadIdentity()).toMatchObject({ name: 'Desk', nameUnsynced: true });
    await clearIdentity();
    expect(await loadIdentity()).toBeUndefined();
  });

  it('does not register when the tracker is away, and tries again next time', async () => {
    const failing = () => Promise.reject(new Error('offline'));
    await expect(ensureIdentity(failing, 'x')).rejects.toThrow('offline');
    expect(await loadIdentity()).toBeUndefined();
  });
});

describe('rooms, catalogs and share records', () => {
  it('lists recent rooms newest first, with their summary', async () => {
    await touchRoom('r1', 1);
    await touchRoom('r2', 2);
    await summarizeRoom('r1', ['Phone'], 3);
    await touchRoom('r1', 3);
    expect((await listRecentRooms()).map((r) => [r.roomId, r.memberNames, r.fileCount])).toEqual([
      ['r1', ['Phone'], 3],
      ['r2', [], 0],
    ]);
    await forgetRoom('r1');
    expect((await listRecentRooms()).map((r) => r.roomId)).toEqual(['r2']);
  });

  it('keeps the last catalog per room', async () => {
    await saveCatalog({ roomId: 'r1', seq: 4, members: [], shares: [], savedAt: 9 });
    expect(await loadCatalog('r1')).toMatchObject({ seq: 4 });
    expect(await loadCatalog('r2')).toBeUndefined();
  });

  it('stores share records with their chunk hashes', async () => {
    const record = {
      shareId: 's1',
      roomId: 'r1',
      contentId: 'c',
      name: 'a.txt',
      path: '',
      size: 3,
      type: 'text/plain',
      chunkSize: 1024,
      lastModified: 5,
      chunkHashes: new Uint8Array(32).fill(7),
      sharedAt: 1,
    };
    await saveShareRecord(record);
    const [back] = await listShareRecords();
    expect(back!.chunkHashes).toEqual(record.chunkHashes);
    await deleteShareRecord('s1');
    expect(await listShareRecords()).toEqual([]);
  });
});

describe('device names', () => {
  it('suggests a name people recognise', () => {
    expect(
      suggestDeviceName(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
      ),
    ).toBe('Chrome on Android');
    expect(
      suggestDeviceName(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iPhone');
    expect(
      suggestDeviceName('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'),
    ).toBe('Firefox on Windows');
    expect(suggestDeviceName('')).toBe('My device');
  });
});
