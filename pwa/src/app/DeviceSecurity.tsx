// "Change this device's secret": if the secret may have leaked (a lost backup, a shared profile), a new
// one makes the old one and every ticket issued with it useless at once; the app reconnects by itself.
import { useState } from 'react';
import { useSession } from './hooks/useSession.ts';
import { notify } from './notify.ts';

export function DeviceSecurity() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const rotate = async () => {
    setBusy(true);
    try {
      await session.rotateSecret();
      notify('This device has a new secret. The old one no longer works anywhere.');
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <p className="muted">
      <button type="button" className="link-button" disabled={busy} onClick={() => void rotate()}>
        Change this device’s secret
      </button>
    </p>
  );
}
