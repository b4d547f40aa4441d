// Files sent to MeshDrop from another app's share sheet: pick the room they go to.
import { useEffect, useState } from 'react';
import { clearShareInbox, readShareInbox } from '../net/shareInbox.ts';
import { hasWebRtc } from '../net/webrtc.ts';
import { formatSize } from '../state/format.ts';
import { CreateRoom } from './CreateRoom.tsx';
import { handFilesTo } from './handoff.ts';
import { NoWebRtcNote } from './NoWebRtcNote.tsx';
import { roomTitle, useRecentRooms } from './RecentRooms.tsx';
import { navigate, roomPath } from './router.ts';

export function ShareInboxPanel() {
  const [files, setFiles] = useState<File[] | null>(null);
  const rooms = useRecentRooms();
  useEffect(() => {
    readShareInbox()
      .then(setFiles)
      .catch(() => setFiles([]));
  }, []);

  if (!files) return null;
  if (files.length === 0) {
    return (
      <section className="panel">
        <p className="muted">The shared files were already handled, or the browser did not pass them on.</p>
      </section>
    );
  }

  if (!hasWebRtc()) {
    return (
      <section className="panel share-inbox">
        <NoWebRtcNote />
      </section>
    );
  }

  const sendTo = (roomId: string) => {
    handFilesTo(
      roomId,
      files.map((file) => ({ file, path: '' })),
    );
    void clearShareInbox();
    navigate(roomPath(roomId), { replace: true });
  };
  const total = files.reduce((sum, f) => sum + f.size, 0);

  return (
    <section className="panel share-inbox" aria-labelledby="inbox-title">
      <h2 id="inbox-title">
        {files.length === 1 ? '1 file' : `${files.length} files`} to share ({formatSize(total)})
      </h2>
      <p>Which room should they go to?</p>
      <ul className="room-list">
        {(rooms ?? []).map((room) => (
          <li key={room.roomId}>
            <button type="button" onClick={() => sendTo(room.roomId)}>
              {roomTitle(room)}
            </button>
          </li>
        ))}
      </ul>
      <CreateRoom onCreated={sendTo} />
    </section>
  );
}
