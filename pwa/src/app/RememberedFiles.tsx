// Files this device shared here before the page was reloaded and can no longer read by itself.
// With a file handle, one click re-grants access; otherwise the user picks them again.
import { useEffect, useState } from 'react';
import { bestEffort } from '../net/bestEffort.ts';
import { canRead } from '../net/fsAccess.ts';
import { hashOfRecord, isUnchanged } from '../net/rememberedShares.ts';
import {
  deleteShareRecord,
  listShareRecords,
  type ShareRecord,
  shareRecordsVersion,
} from '../net/sharedFiles.ts';
import type { ShareRequest, ShareUploader } from '../net/shareUploader.ts';
import { formatSize } from '../state/format.ts';
import { useObservable } from './hooks/useObservable.ts';

export function RememberedFiles({ roomId, uploader }: { roomId: string; uploader: ShareUploader }) {
  const version = useObservable(shareRecordsVersion);
  const [records, setRecords] = useState<ShareRecord[]>([]);
  useEffect(() => {
    void version;
    listShareRecords()
      .then((all) => setRecords(all.filter((r) => r.withdrawn && r.roomId === roomId)))
      .catch(() => setRecords([]));
  }, [roomId, version]);
  if (records.length === 0) return null;

  const withHandle = records.filter((r) => r.handle);
  const resume = async () => {
    const requests: ShareRequest[] = [];
    const resumed: ShareRecord[] = [];
    for (const r of withHandle) {
      if (!r.handle || !(await canRead(r.handle, true))) continue;
      const file = await r.handle.getFile().catch(() => undefined); // gone or not allowed: not resumed
      if (!file) continue;
      requests.push({
        file,
        path: r.path,
        handle: r.handle,
        ...(isUnchanged(file, r) ? { hash: hashOfRecord(r) } : {}),
      });
      resumed.push(r);
    }
    await uploader.add(requests);
    // a file that changed since got a new content id: its old reminder is done too
    for (const r of resumed)
      await deleteShareRecord(r.shareId).catch(bestEffort('forgetting the resumed share'));
  };

  return (
    <section className="panel remembered" aria-labelledby="remembered-title">
      <h2 id="remembered-title">Pick again to keep sharing</h2>
      <p className="muted">
        This page was reloaded, and browsers don’t let a page keep reading files after that, so these were
        taken out of the room. {withHandle.length > 0 ? 'Resume them with one click, or pick' : 'Pick'} them
        again to share them again.
      </p>
      {withHandle.length > 0 && (
        <button type="button" className="primary" onClick={() => void resume()}>
          Resume sharing {withHandle.length === 1 ? '1 file' : `${withHandle.length} files`}
        </button>
      )}
      <ul>
        {records.map((r) => (
          <li key={r.shareId}>
            <span className="name">{r.path ? `${r.path}/${r.name}` : r.name}</span>
            <span className="muted"> · {formatSize(r.size)}</span>{' '}
            <button
              type="button"
              className="link-button"
              aria-label={`Forget ${r.name}`}
              onClick={() => void deleteShareRecord(r.shareId)}
            >
              Forget
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
