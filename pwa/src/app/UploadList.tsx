// Files being added: a progress bar per file while it is hashed, then "Sharing…", then gone.
import type { ShareUploader, UploadItem } from '../net/shareUploader.ts';
import { formatSize } from '../state/format.ts';
import { useObservable } from './hooks/useObservable.ts';

const MAX_ROWS = 30;

const STATE_WORDS: Record<UploadItem['state'], string> = {
  queued: 'Waiting',
  hashing: 'Preparing',
  ready: 'Ready',
  waiting: 'Waiting for the tracker',
  sharing: 'Sharing…',
  shared: 'Shared',
  failed: 'Not shared',
  cancelled: 'Cancelled',
};

export function UploadList({ uploader }: { uploader: ShareUploader }) {
  const items = useObservable(uploader.items);
  if (items.length === 0) return null;
  const active = items.filter((i) => i.state === 'queued' || i.state === 'hashing');
  const waiting = items.some((i) => i.state === 'waiting');
  return (
    <section className="panel uploads" aria-labelledby="uploads-title">
      <h2 id="uploads-title">
        Adding {items.length === 1 ? '1 file' : `${items.length} files`}
        {active.length > 0 && <span className="muted"> · {active.length} left to prepare</span>}
      </h2>
      {waiting && (
        <p className="muted" role="status">
          The tracker can’t be reached right now. These files are shared as soon as it is back.
        </p>
      )}
      <ul>
        {items.slice(0, MAX_ROWS).map((item) => (
          <UploadRow key={item.id} item={item} uploader={uploader} />
        ))}
      </ul>
      {items.length > MAX_ROWS && <p className="muted">and {items.length - MAX_ROWS} more</p>}
    </section>
  );
}

function UploadRow({ item, uploader }: { item: UploadItem; uploader: ShareUploader }) {
  const label = item.path ? `${item.path}/${item.name}` : item.name;
  const busy = item.state === 'queued' || item.state === 'hashing';
  return (
    <li className={`upload upload-${item.state}`}>
      <div className="upload-line">
        <span className="name" title={label}>
          {label}
        </span>
        <span className="muted">
          {STATE_WORDS[item.state]} · {formatSize(item.size)}
        </span>
        {busy && (
          <button
            type="button"
            className="link-button"
            onClick={() => uploader.cancel(item.id)}
            aria-label={`Cancel ${item.name}`}
          >
            Cancel
          </button>
        )}
        {item.state === 'failed' && (
          <button
            type="button"
            className="link-button"
            onClick={() => uploader.dismiss(item.id)}
            aria-label={`Dismiss ${item.name}`}
          >
            Dismiss
          </button>
        )}
      </div>
      {busy && (
        <progress max={Math.max(1, item.size)} value={item.hashed} aria-label={`Preparing ${item.name}`} />
      )}
      {item.error && <p className="error">{item.error}</p>}
    </li>
  );
}
