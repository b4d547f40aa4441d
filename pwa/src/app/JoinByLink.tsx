// For devices without a camera: paste a room link (or its id) instead of scanning the QR code.
import { useState } from 'react';
import { inviteFromText, navigate, roomIdFromText, roomPath } from './router.ts';

export function JoinByLink() {
  const [text, setText] = useState('');
  const [error, setError] = useState(false);
  return (
    <section className="panel" aria-labelledby="join-title">
      <h2 id="join-title">Have a room link?</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const roomId = roomIdFromText(text);
          if (roomId) navigate(roomPath(roomId, inviteFromText(text) ?? undefined));
          else setError(true);
        }}
      >
        <label htmlFor="join-link">Room link</label>
        <input
          id="join-link"
          type="url"
          inputMode="url"
          placeholder="https://…/r/…"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError(false);
          }}
        />
        <button type="submit">Open</button>
      </form>
      {error && (
        <p className="error" role="alert">
          That does not look like a MeshDrop room link.
        </p>
      )}
    </section>
  );
}
