// How other devices get in: the link, a QR code of it, copy, and the system share sheet.

import { useQrCode } from './hooks/useQrCode.ts';
import { notify } from './notify.ts';
import { roomLink } from './router.ts';

export function InvitePanel({ roomId }: { roomId: string }) {
  const link = roomLink(location.origin, roomId);
  const qr = useQrCode(link);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // no clipboard API on plain-http pages: the old way still works there
      const field = document.getElementById('room-link') as HTMLInputElement | null;
      field?.select();
      if (!document.execCommand('copy')) return notify('Select the link and copy it.');
    }
    notify('Link copied.');
  };
  const canShare = typeof navigator.share === 'function';

  return (
    <section className="panel invite" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite your devices</h2>
      <p className="muted">Scan the code or open the link on another device to join this room.</p>
      {qr && <img className="qr" src={qr} alt="QR code of the room link" width="240" height="240" />}
      <label htmlFor="room-link" className="visually-hidden">
        Room link
      </label>
      <input
        id="room-link"
        className="room-link"
        readOnly
        value={link}
        onFocus={(e) => e.currentTarget.select()}
      />
      <div className="actions">
        <button type="button" onClick={() => void copy()}>
          Copy link
        </button>
        {canShare && (
          <button
            type="button"
            onClick={() =>
              void navigator
                .share({ title: 'MeshDrop room', text: 'Join my MeshDrop room', url: link })
                .catch(() => undefined)
            }
          >
            Share…
          </button>
        )}
      </div>
    </section>
  );
}
