// One file: what it is, where it comes from, and what this device can do with it.
// Names from other devices are React text only: never markup, never a URL or a path.
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { fileKind, formatRelative, formatSize } from '../state/format.ts';
import { FileIcon } from './FileIcon.tsx';

interface Props {
  file: RoomFile;
  me: string | null;
  now: number;
  /** Absent where this browser cannot download: no button that would fail. */
  onDownload?: (file: RoomFile) => void;
  onStop: (file: RoomFile) => void;
}

export function FileRow({ file, me, now, onDownload, onStop }: Props) {
  // a partial source (a device still downloading it) serves only what it has: named as such, not "Yours"
  const mine = file.sources.some((s) => s.peerId === me && !s.partial);
  const others = file.sources.filter((s) => s.peerId !== me);
  const onlineOthers = others.filter((s) => s.online).length;
  const online = file.sources.filter((s) => s.online).length;
  const sharers = file.sources
    .map((s) => `${s.peerId === me ? 'you' : s.name}${s.partial ? ' (partial)' : ''}`)
    .join(', ');
  return (
    <li className={`file-row${online === 0 ? ' unavailable' : ''}`} data-content-id={file.contentId}>
      <FileIcon kind={fileKind(file.type, file.name)} name={file.name} />
      <div className="file-info">
        <div className="file-name">
          <span className="name">{file.name}</span>
          {mine && <span className="badge">Yours</span>}
        </div>
        {file.path && <div className="file-path muted">{file.path}/</div>}
        <div className="file-meta muted">
          <span>{formatSize(file.size)}</span>
          <span>added {formatRelative(file.addedAt, now)}</span>
          <span className={`sources ${online > 0 ? 'on' : 'off'}`}>
            {online === 0
              ? 'No device online'
              : online === 1
                ? '1 device online'
                : `${online} devices online`}
          </span>
          <span className="sharers">from {sharers}</span>
        </div>
      </div>
      <div className="file-actions">
        {onDownload && others.length > 0 && (
          <button
            type="button"
            className={onlineOthers > 0 ? 'primary' : ''}
            onClick={() => onDownload(file)}
            aria-label={`Download ${file.name}`}
          >
            Download
          </button>
        )}
        {mine && (
          <button type="button" onClick={() => onStop(file)} aria-label={`Stop sharing ${file.name}`}>
            Stop sharing
          </button>
        )}
      </div>
    </li>
  );
}
