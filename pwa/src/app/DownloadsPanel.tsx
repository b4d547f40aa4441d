// Downloads of this room: progress with bytes, speed and time left; cancel and retry; save and open.
import { formatEta, formatSize, formatSpeed } from '../state/format.ts';
import type { DownloadItem } from '../transfer/engine.ts';
import { ConnectionPathNote } from './ConnectionPathNote.tsx';
import { useSession } from './hooks/useSession.ts';
import { useDownloads } from './hooks/useTransfers.ts';
import { notify } from './notify.ts';
import { canSaveAs, isViewable, openBlob, saveBlob, saveBlobAs } from './saveFile.ts';

const STATE_WORDS: Record<DownloadItem['status']['state'], string> = {
  connecting: 'Connecting to a device that has it…',
  downloading: 'Downloading',
  finishing: 'Finishing…',
  done: 'Downloaded, checked and kept on this device',
  failed: 'Not downloaded',
  cancelled: 'Cancelled',
  paused: 'Paused: what arrived is kept on this device',
};

export function DownloadsPanel({ roomId }: { roomId: string }) {
  const items = useDownloads().filter((d) => d.roomId === roomId);
  if (items.length === 0) return null;
  return (
    <section className="panel downloads" aria-label="Downloads">
      <h2>Downloads</h2>
      <ul>
        {items.map((item) => (
          <DownloadRow key={item.contentId} item={item} />
        ))}
      </ul>
    </section>
  );
}

function DownloadRow({ item }: { item: DownloadItem }) {
  const { status, file } = item;
  const { progress } = status;
  // verified and stored, but handed over a moment later: show "finishing" until Save can work
  const state = status.state === 'done' && !item.blob ? 'finishing' : status.state;
  const running = state === 'connecting' || state === 'downloading' || state === 'finishing';
  const { transfers } = useSession();
  return (
    <li className="download-row" data-download={item.contentId} data-state={state}>
      <div className="download-head">
        <span className="name">{file.name}</span>
        <span className="muted">
          {item.kept
            ? 'Already on this device: the copy in your library'
            : status.error?.code === 'not_kept'
              ? 'Downloaded and checked, but not kept on this device'
              : STATE_WORDS[state]}
        </span>
      </div>
      <progress max={1} value={progress.fraction} aria-label={`Progress of ${file.name}`} />
      <div className="muted download-meta" aria-live="polite">
        {formatSize(progress.bytes)} of {formatSize(progress.total)}
        {state === 'downloading' && (
          <>
            {' · '}
            {formatSpeed(progress.speed)} · {formatEta(progress.total - progress.bytes, progress.speed)}
          </>
        )}
        {status.sources.length > 1 && ` · from ${status.sources.length} devices`}
        {status.rejectedChunks > 0 &&
          ` · ${status.rejectedChunks} damaged ${status.rejectedChunks === 1 ? 'piece' : 'pieces'} thrown away and fetched again`}
      </div>
      <ConnectionPathNote remotes={status.sources} active={running} />
      {status.error && (
        <p className="error" role="alert">
          {status.error.message}
        </p>
      )}
      <div className="file-actions">
        {running && (
          <button
            type="button"
            onClick={() => transfers.withEngine((e) => e.cancel(item.contentId))}
            aria-label={`Cancel download of ${file.name}`}
          >
            Cancel
          </button>
        )}
        {(state === 'failed' || state === 'cancelled' || state === 'paused') && (
          <>
            <button
              type="button"
              className="primary"
              onClick={() => transfers.withEngine((e) => e.retry(item.contentId))}
              aria-label={`${state === 'paused' ? 'Resume' : 'Retry'} ${file.name}`}
            >
              {state === 'paused' ? 'Resume' : 'Retry'}
            </button>
            <button
              type="button"
              onClick={() => transfers.withEngine((e) => e.dismiss(item.contentId))}
              aria-label={`Dismiss ${file.name}`}
            >
              Dismiss
            </button>
          </>
        )}
        {state === 'done' && item.blob && <FileButtons blob={item.blob} name={file.name} type={file.type} />}
      </div>
    </li>
  );
}

/** Save / Save as… / Open for a finished file (shared with the library). */
export function FileButtons({ blob, name, type }: { blob: Blob; name: string; type: string }) {
  return (
    <>
      <button
        type="button"
        className="primary"
        onClick={() => saveBlob(blob, name)}
        aria-label={`Save ${name}`}
      >
        Save
      </button>
      {canSaveAs() && (
        <button
          type="button"
          onClick={() =>
            void saveBlobAs(blob, name).catch(() => notify('The file could not be saved there.'))
          }
          aria-label={`Choose a folder for ${name}`}
        >
          Save as…
        </button>
      )}
      {isViewable(type) && (
        <button
          type="button"
          onClick={() =>
            void openBlob(blob, type).then(
              (opened) =>
                opened || notify('This file is not the kind of file it says it is. Save it instead.'),
            )
          }
          aria-label={`Open ${name}`}
        >
          Open
        </button>
      )}
    </>
  );
}
