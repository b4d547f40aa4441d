// This device's name, as other devices see it; edited in place.
import { useState } from 'react';
import { LIMITS } from '../../../worker/protocol/limits.ts';
import { useObservable } from './hooks/useObservable.ts';
import { useSession } from './hooks/useSession.ts';

/** `compact`: only the Rename button until editing (the name is already shown next to it). */
export function DeviceName({ compact = false }: { compact?: boolean }) {
  const session = useSession();
  const identity = useObservable(session.identity);
  const [draft, setDraft] = useState<string | null>(null);

  if (!identity) return <p className="device-name muted">Setting up this device…</p>;

  const save = () => {
    if (draft?.trim()) void session.rename(draft);
    setDraft(null);
  };

  if (draft !== null) {
    return (
      <form
        className="device-name"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <label htmlFor="device-name-input">This device is called</label>
        <input
          id="device-name-input"
          value={draft}
          maxLength={LIMITS.maxPeerNameLength}
          // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this field
          autoFocus
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setDraft(null)}
        />
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={() => setDraft(null)}>
          Cancel
        </button>
      </form>
    );
  }

  if (compact) {
    return (
      <button
        type="button"
        className="link-button"
        onClick={() => setDraft(identity.name)}
        aria-label="Rename this device"
      >
        Rename
      </button>
    );
  }

  return (
    <p className="device-name">
      This device is called <strong className="name">{identity.name}</strong>
      {identity.nameUnsynced && <span className="muted"> (saved here, sent when online)</span>}{' '}
      <button type="button" className="link-button" onClick={() => setDraft(identity.name)}>
        Rename
      </button>
    </p>
  );
}
