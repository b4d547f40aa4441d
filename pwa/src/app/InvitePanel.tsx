// How other devices get in: the link (its invite in the fragment), a QR code of it, copy, the system share
// sheet, and for the room's owner "Change link". Other members show the link they hold while it works;
// after the owner changed it only the owner has the new one (the tracker keeps only its hash).

import { useState } from 'react';
import type { RoomSync } from '../net/roomSync.ts';
import { useObservable } from './hooks/useObservable.ts';
import { useQrCode } from './hooks/useQrCode.ts';
import { notify } from './notify.ts';
import { roomLink } from './router.ts';

export function InvitePanel({ roomId, sync, me }: { roomId: string; sync: RoomSync; me: string | null }) {
  const invite = useObservable(sync.invite);
  const owner = useObservable(sync.ownerId);
  const isOwner = owner !== null && owner === me;
  const link = invite ? roomLink(location.origin, roomId, invite) : null;
  const qr = useQrCode(link);
  const [busy, setBusy] = useState(false);

  const copy = async () => {
    if (!link) return;
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
  const rotate = async () => {
    setBusy(true);
    try {
      await sync.rotateInvite();
      notify('The room has a new link. The old one no longer lets anyone in.');
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const canShare = typeof navigator.share === 'function';

  return (
    <section className="panel invite" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite your devices</h2>
      {link ? (
        <>
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
                    // dismissed share sheet (AbortError): nothing to tell
                    .catch(() => undefined)
                }
              >
                Share…
              </button>
            )}
          </div>
        </>
      ) : (
        <p className="muted">
          {isOwner
            ? 'Make a new link to invite devices.'
            : 'The room’s owner changed its link. Ask them for the current one to invite a device.'}
        </p>
      )}
      {isOwner && (
        <p>
          <button type="button" disabled={busy} onClick={() => void rotate()}>
            {link ? 'Change link' : 'Make a new link'}
          </button>{' '}
          <span className="muted">
            Anyone with the old link can no longer join; devices already here stay.
          </span>
        </p>
      )}
    </section>
  );
}
