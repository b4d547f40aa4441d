// The room's catalog: search, sort, "Available now", and one row per file.
import { useState } from 'react';
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { stopSharing } from '../net/stopSharing.ts';
import type { CatalogState } from '../state/catalog.ts';
import { FileRow } from './FileRow.tsx';
import { FileToolbar } from './FileToolbar.tsx';
import { useCatalogView } from './hooks/useCatalogView.ts';
import { useNow } from './hooks/useNow.ts';
import { useSession } from './hooks/useSession.ts';
import { NoWebRtcNote } from './NoWebRtcNote.tsx';
import { notify } from './notify.ts';

const PAGE = 200;

interface Props {
  state: CatalogState;
  /** The room could not be joined yet (no tracker) and nothing is cached. */
  waiting: boolean;
  me: string | null;
  roomId: string;
  /** Absent where this browser cannot download (no WebRTC): the list then says so, once. */
  onDownload?: (file: RoomFile) => void;
}

export function FileList({ state, waiting, me, roomId, onDownload }: Props) {
  const session = useSession();
  const { all, shown, options, setOptions } = useCatalogView(state);
  const [limit, setLimit] = useState(PAGE);
  const now = useNow();

  const onStop = async (file: RoomFile) => {
    // every share of this content by this device (one per name or folder it was shared under)
    const mine = Object.values(state.shares).filter((s) => s.peerId === me && s.contentId === file.contentId);
    try {
      await stopSharing(
        session.api,
        session.transfers.shared,
        roomId,
        mine.map((s) => s.shareId),
        () => notify(`The tracker can’t be reached: ${file.name} leaves the room as soon as it is back.`),
      );
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <section className="panel files" aria-labelledby="files-title">
      <h2 id="files-title">
        Files in this room <span className="muted">({all.length})</span>
      </h2>
      {!onDownload && <NoWebRtcNote />}
      {!state.loaded ? (
        <p className="muted">
          {waiting ? 'The files show up as soon as the tracker can be reached.' : 'Loading the files…'}
        </p>
      ) : all.length === 0 ? (
        <p className="muted empty">
          {onDownload
            ? 'No files yet. Add some, or open this room on another device and share from there.'
            : 'No files yet.'}
        </p>
      ) : (
        <>
          <FileToolbar options={options} onChange={setOptions} />
          {shown.length === 0 ? (
            <p className="muted">No file matches.</p>
          ) : (
            <ul className="file-list">
              {shown.slice(0, limit).map((file) => (
                <FileRow
                  key={file.contentId}
                  file={file}
                  me={me}
                  now={now}
                  onDownload={onDownload}
                  onStop={onStop}
                />
              ))}
            </ul>
          )}
          {shown.length > limit && (
            <button type="button" onClick={() => setLimit((l) => l + PAGE)}>
              Show more ({shown.length - limit} left)
            </button>
          )}
        </>
      )}
    </section>
  );
}
