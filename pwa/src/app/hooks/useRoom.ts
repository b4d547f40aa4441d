// One room's controllers for as long as the room screen is shown. Created inside the effect (not in
// render) so StrictMode's mount-unmount-mount gets a fresh, running pair every time.
import { useEffect, useState } from 'react';
import { RoomSync } from '../../net/roomSync.ts';
import { ShareUploader } from '../../net/shareUploader.ts';
import { filesFor, settleFiles } from '../handoff.ts';
import { inviteFromHash } from '../router.ts';
import { useSession } from './useSession.ts';

export interface RoomControllers {
  sync: RoomSync;
  uploader: ShareUploader;
}

export function useRoom(roomId: string, lobby = false): RoomControllers | null {
  const session = useSession();
  const [room, setRoom] = useState<RoomControllers | null>(null);
  useEffect(() => {
    const sync = new RoomSync(
      roomId,
      session,
      lobby
        ? { join: () => session.api.joinLobby(), remember: false }
        : // the link's fragment carries the invite (never sent to a server but in the join's body)
          { linkInvite: inviteFromHash(location.hash) },
    );
    const uploader = new ShareUploader(roomId, session, (signal) => sync.whenJoined(signal), sync.sharedHere);
    sync.start();
    setRoom({ sync, uploader });
    // files handed over from another screen are settled only by a room screen that is still shown once
    // it has dealt with them; one torn down before (StrictMode's double effect) leaves them to the next
    let shown = true;
    const handed = filesFor(roomId);
    if (handed.length > 0)
      void uploader.add(handed).then(() => {
        if (shown) settleFiles(handed);
      });
    return () => {
      shown = false;
      sync.stop();
      uploader.dispose();
    };
  }, [roomId, session, lobby]);
  return room;
}
