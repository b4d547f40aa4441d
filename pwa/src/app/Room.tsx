// A room: who is here, how to invite, adding files, and the catalog kept current by the live socket.

import { useEffect } from 'react';
import { hasWebRtc } from '../net/webrtc.ts';
import { roomFiles } from '../state/roomFiles.ts';
import { AddFiles } from './AddFiles.tsx';
import { DownloadsPanel } from './DownloadsPanel.tsx';
import { DropZone } from './DropZone.tsx';
import { FileList } from './FileList.tsx';
import { useObservable } from './hooks/useObservable.ts';
import type { RoomControllers } from './hooks/useRoom.ts';
import { useRoom } from './hooks/useRoom.ts';
import { useSession } from './hooks/useSession.ts';
import { InvitePanel } from './InvitePanel.tsx';
import { LobbyPanel } from './LobbyPanel.tsx';
import { MembersList } from './MembersList.tsx';
import { CannotShare } from './NoWebRtcNote.tsx';
import { RememberedFiles } from './RememberedFiles.tsx';
import { navigate } from './router.ts';
import { SendingPanel } from './SendingPanel.tsx';
import { StatusBar } from './StatusBar.tsx';
import { UploadList } from './UploadList.tsx';

const REFUSED = {
  not_found: {
    title: 'Room not found',
    text: 'There is no room at this link. The link may be incomplete, or the room was removed.',
  },
  invite_invalid: {
    title: 'This link no longer works',
    text: 'The room’s owner changed its link. Ask them for the current one.',
  },
  removed: { title: 'Removed from the room', text: 'The room’s owner removed this device from the room.' },
} as const;

/** A room by its link, or the lobby (`lobby`: joined without a link, and left from its own panel). */
export function Room({ roomId, lobby = false }: { roomId: string; lobby?: boolean }) {
  const room = useRoom(roomId, lobby);
  if (!room) return null;
  return <RoomView roomId={roomId} room={room} lobby={lobby} />;
}

function RoomView({ roomId, room, lobby }: { roomId: string; room: RoomControllers; lobby: boolean }) {
  const session = useSession();
  const join = useObservable(room.sync.join);
  const joinError = useObservable(room.sync.joinError);
  const catalog = useObservable(room.sync.catalog);
  const me = useObservable(session.identity)?.peerId ?? null;
  // a source that comes online (or a new one) joins downloads that are waiting or running
  useEffect(() => {
    session.transfers.withEngine((engine) => {
      for (const file of roomFiles(catalog)) engine.sourcesChanged(file);
    });
  }, [catalog, session]);

  const refused = REFUSED[join as keyof typeof REFUSED];
  if (refused) {
    return (
      <section className="panel">
        <h1>{refused.title}</h1>
        <p>{refused.text}</p>
        <button type="button" className="primary" onClick={() => navigate('/')}>
          Go to your rooms
        </button>
      </section>
    );
  }

  const canAdd = join !== 'left';
  // without WebRTC the room can be browsed, and the places to share and download say why not
  const transfers = hasWebRtc();
  // on a phone the invite comes first while nobody else is here, the files once someone is
  const alone = Object.keys(catalog.members).every((id) => id === me);
  return (
    <DropZone onFiles={(files) => void room.uploader.add(files)} enabled={canAdd && transfers}>
      <div className={`room${alone ? ' room-alone' : ''}`}>
        <aside className="room-side">
          {lobby ? <LobbyPanel roomId={roomId} /> : <InvitePanel roomId={roomId} sync={room.sync} me={me} />}
          <MembersList members={catalog.members} me={me} sync={room.sync} lobby={lobby} />
        </aside>
        <div className="room-main">
          <h1 className="visually-hidden">{lobby ? 'Lobby' : 'Room'}</h1>
          {joinError && (
            <p className="error" role="alert">
              {joinError}
            </p>
          )}
          {canAdd && transfers && <AddFiles onFiles={(files) => void room.uploader.add(files)} />}
          {canAdd && !transfers && <CannotShare />}
          <UploadList uploader={room.uploader} />
          <DownloadsPanel roomId={roomId} />
          <SendingPanel members={catalog.members} />
          {transfers && <RememberedFiles roomId={roomId} uploader={room.uploader} />}
          <FileList
            state={catalog}
            waiting={join === 'waiting'}
            me={me}
            roomId={roomId}
            onDownload={transfers ? (file) => session.transfers.download(file, roomId) : undefined}
          />
        </div>
      </div>
      <StatusBar live={room.sync.liveReady} />
    </DropZone>
  );
}
