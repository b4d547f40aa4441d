// The lobby screen: finds (and joins) this tracker's lobby, then shows it as a room. Opens at once from
// the last known lobby, offline too; follows the tracker if its lobby changed (its data was reset).
import { useEffect, useState } from 'react';
import { joinLobby, knownLobbyRoom, setLeftLobby } from '../net/lobby.ts';
import { AppLink } from './AppLink.tsx';
import { useSession } from './hooks/useSession.ts';
import { Room } from './Room.tsx';

export function Lobby() {
  const session = useSession();
  const [roomId, setRoomId] = useState<string | null>(knownLobbyRoom);
  const [state, setState] = useState<'looking' | 'off' | 'error'>('looking');
  useEffect(() => {
    // opening the lobby is coming back to it
    setLeftLobby(false);
    const abort = new AbortController();
    joinLobby(session, abort.signal)
      .then((id) => {
        if (abort.signal.aborted) return;
        if (id === null) setState('off');
        else setRoomId(id);
      })
      .catch(() => !abort.signal.aborted && setState('error'));
    return () => abort.abort();
  }, [session]);

  if (state === 'off' || (state === 'error' && roomId === null)) {
    return (
      <section className="panel">
        <h1>No lobby here</h1>
        <p>
          {state === 'off'
            ? 'This tracker has no lobby. Create a room and open its link on your other devices.'
            : 'The lobby could not be opened. Try again in a moment.'}
        </p>
        <p>
          <AppLink to="/">Go to your rooms</AppLink>
        </p>
      </section>
    );
  }
  if (roomId === null) return <p className="muted">Opening the lobby…</p>;
  return <Room key={roomId} roomId={roomId} lobby />;
}
