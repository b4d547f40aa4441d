// The lobby's side panel: who sees it (everyone who opens this address on the network), a QR code of
// the bare address for the next device, and the way out (which this device then remembers).
import { useState } from 'react';
import { setLeftLobby } from '../net/lobby.ts';
import { useQrCode } from './hooks/useQrCode.ts';
import { useSession } from './hooks/useSession.ts';
import { navigate } from './router.ts';

export function LobbyPanel({ roomId }: { roomId: string }) {
  const session = useSession();
  const address = `${location.origin}/`;
  const qr = useQrCode(address);
  const [error, setError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);

  const leave = async () => {
    setLeaving(true);
    setError(null);
    try {
      // takes this device's files out of the lobby too
      await session.api.leaveRoom(roomId);
      setLeftLobby(true);
      navigate('/');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setLeaving(false);
    }
  };

  return (
    <section className="panel invite lobby" aria-labelledby="lobby-title">
      <h2 id="lobby-title">The lobby</h2>
      <p className="muted">
        Everyone who opens this address on this network is here and sees what is shared. No link needed.
      </p>
      {qr && <img className="qr" src={qr} alt="QR code of this address" width="240" height="240" />}
      <p className="room-link-text">{address}</p>
      <div className="actions">
        <button type="button" disabled={leaving} onClick={() => void leave()}>
          Leave the lobby
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
