// After a reload the page holds no File objects. Files picked through the File System Access API come
// back silently when the browser still grants read access; every other share is withdrawn from its room
// (a listed source that cannot send would make downloads fail) and listed to be picked again.
import type { FileHash } from '../transfer/hashing.ts';
import type { TrackerApi } from './api.ts';
import { canRead } from './fsAccess.ts';
import { isGone, withdrawStalePartialShares } from './partialShares.ts';
import { listShareRecords, type SharedFiles, type ShareRecord, saveShareRecord } from './sharedFiles.ts';
import { hasWebRtc } from './webrtc.ts';

export function hashOfRecord(r: ShareRecord): FileHash {
  return { contentId: r.contentId, size: r.size, chunkSize: r.chunkSize, chunkHashes: r.chunkHashes };
}

export function isUnchanged(file: File, r: ShareRecord): boolean {
  return file.size === r.size && file.lastModified === r.lastModified;
}

/**
 * Re-registers what can be read, withdraws the rest, and the partial listings of downloads an earlier
 * load ran. Throws when the tracker is unreachable.
 */
export async function reconcileShares(api: TrackerApi, sharedFiles: SharedFiles): Promise<void> {
  for (const record of await listShareRecords()) {
    if (record.withdrawn || sharedFiles.getByShareId(record.shareId)) continue;
    // without WebRTC nothing can be served from here: every share is withdrawn
    if (record.handle && hasWebRtc() && (await canRead(record.handle, false))) {
      const file = await record.handle.getFile().catch(() => undefined); // moved, deleted or no permission: not served
      if (file && isUnchanged(file, record)) {
        sharedFiles.add(file, hashOfRecord(record), record.shareId, record.roomId);
        continue;
      }
    }
    // unreachable: stop at the first failure (each could take a timeout); the caller retries later
    await withdraw(api, record);
  }
  await withdrawStalePartialShares(api);
}

async function withdraw(api: TrackerApi, record: ShareRecord): Promise<void> {
  try {
    await api.removeShare(record.roomId, record.shareId);
  } catch (error) {
    // already gone from the room one way or another: nothing left to withdraw
    if (!isGone(error)) throw error;
  }
  await saveShareRecord({ ...record, withdrawn: true });
}
