// Registers the service worker (secure contexts only) and offers a new version when one is waiting.
// It never reloads while a transfer runs: the reload waits until isTransferActive() turns false.

import { useRegisterSW } from 'virtual:pwa-register/react';
import { useEffect, useState } from 'react';
import { isTransferActive } from './transferActivity.ts';

export default function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({ immediate: true });
  const [waiting, setWaiting] = useState(false);

  useEffect(() => {
    if (!waiting) return;
    const tryNow = () => {
      if (!isTransferActive()) void updateServiceWorker(true);
    };
    tryNow();
    const timer = setInterval(tryNow, 2000);
    return () => clearInterval(timer);
  }, [waiting, updateServiceWorker]);

  if (!needRefresh) return null;
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
          <button type="button" onClick={() => setNeedRefresh(false)}>
            Later
          </button>
        </>
      )}
    </div>
  );
}
