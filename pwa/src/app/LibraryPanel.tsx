// Files downloaded to this device: kept in the app's storage, offered back to their room while the app
// is open, saved or opened from here, deleted when no longer wanted. Shows storage used and quota.
import { useEffect, useState } from 'react';
import { formatRelative, formatSize } from '../state/format.ts';
import { type LibraryEntry, listLibrary, openLibraryFile, removeFromLibrary } from '../transfer/library.ts';
import { FileButtons } from './DownloadsPanel.tsx';
import { useObservable } from './hooks/useObservable.ts';
import { useSession } from './hooks/useSession.ts';
import { notify } from './notify.ts';

interface Storage {
  usage: number;
  quota: number;
  persisted: boolean;
}

export function LibraryPanel() {
  const { libraryVersion } = useSession().transfers;
  const version = useObservable(libraryVersion);
  const [entries, setEntries] = useState<{ entry: LibraryEntry; blob: Blob | null }[] | null>(null);
  const [storage, setStorage] = useState<Storage | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the signal to read the library again
  useEffect(() => {
    let live = true;
    void (async () => {
      const list = await listLibrary().catch((error: unknown) => {
        // the downloads are still stored; say so rather than show an empty library as if they were gone
        notify('The files downloaded to this device could not be read just now.');
        console.warn('library not read', error);
        return [];
      });
      const withBlobs = await Promise.all(
        list.map(async (entry) => ({ entry, blob: await openLibraryFile(entry).catch(() => null) })),
      );
      if (live) setEntries(withBlobs);
      const estimate = await navigator.storage?.estimate?.().catch(() => null);
      const persisted = (await navigator.storage?.persisted?.().catch(() => false)) ?? false;
      if (live && estimate) setStorage({ usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted });
    })();
    return () => {
      live = false;
    };
  }, [version]);

  if (!entries || entries.length === 0) return null;
  const now = Date.now();
  return (
    <section className="panel library" aria-label="Library">
      <h2>Downloaded to this device</h2>
      <p className="muted">
        Kept here and offered to others in their room while MeshDrop is open.
        {storage &&
          ` ${formatSize(storage.usage)} used of ${formatSize(storage.quota)} available to the app.`}
      </p>
      {storage && !storage.persisted && navigator.storage?.persist && (
        <button
          type="button"
          onClick={() =>
            void navigator.storage.persist().then((ok) => {
              notify(ok ? 'Downloads will be kept when space runs low.' : 'The browser did not allow that.');
              libraryVersion.update((v) => v + 1);
            })
          }
        >
          Keep downloads when space runs low
        </button>
      )}
      <ul>
        {entries.map(({ entry, blob }) => (
          <li key={entry.contentId} className="file-row" data-library={entry.contentId}>
            <div className="file-info">
              <div className="file-name">
                <span className="name">{entry.name}</span>
              </div>
              {entry.path && <div className="file-path muted">{entry.path}/</div>}
              <div className="file-meta muted">
                <span>{formatSize(entry.size)}</span>
                <span>downloaded {formatRelative(entry.completedAt, now)}</span>
                {!blob && <span className="error">its data is missing</span>}
              </div>
            </div>
            <div className="file-actions">
              {blob && <FileButtons blob={blob} name={entry.name} type={entry.type} />}
              <button
                type="button"
                onClick={() =>
                  void removeFromLibrary(entry)
                    .then(() => libraryVersion.update((v) => v + 1))
                    .catch(() => notify('That file could not be deleted.'))
                }
                aria-label={`Delete ${entry.name}`}
              >
                Delete
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
