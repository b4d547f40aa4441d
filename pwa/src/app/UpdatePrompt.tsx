// Registers the service worker (secure contexts only) and offers a new version when one is waiting
// (updates.ts decides what counts as one). It never reloads while a transfer runs: the reload waits until
// the session's transfers are idle.

import { useEffect, useState } from 'react';
import { useSession } from './hooks/useSession.ts';
import { type UpdateWatch, watchForUpdates } from './updates.ts';

export default function UpdatePrompt() {
  const { transfers } = useSession();
  const [watch, setWatch] = useState<UpdateWatch | null>(null);
  const [offered, setOffered] = useState(false);
  const [waiting, setWaiting] = useState(false);

  useEffect(() => {
    setWatch(watchForUpdates(() => setOffered(true)));
  }, []);

  useEffect(() => {
    if (!waiting || !watch) return;
    const tryNow = () => {
      if (!transfers.isActive()) void watch.apply();
    };
    tryNow();
    const timer = setInterval(tryNow, 2000);
    return () => clearInterval(timer);
  }, [waiting, watch, transfers]);

  if (!offered) return null;
  return (
    <div className="update-prompt" role="alert">
      <span>
        {waiting ? 'The new version loads as soon as the transfer finishes.' : 'A new version is ready.'}
      </span>
      {!waiting && (
        <>
          <button type="button" className="primary" onClick={() => setWaiting(true)}>
            Reload
          </button>
          <button type="button" onClick={() => setOffered(false)}>
            Later
          </button>
        </>
      )}
    </div>
  );
}
