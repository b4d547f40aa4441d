// Registers the service worker (secure contexts only) and says when a new version of the app waits
// behind the one in use; applying it activates the new worker, then reloads.
import { Workbox } from 'workbox-window';

/** What this module needs from the browser; tests pass fakes. */
export interface UpdateDeps {
  workbox: Pick<Workbox, 'addEventListener' | 'register'>;
  getRegistration: () => Promise<ServiceWorkerRegistration | undefined>;
  reload: () => void;
}

export interface UpdateWatch {
  /** Activates the waiting version and reloads once it has taken over. */
  apply(): Promise<void>;
}

function browserDeps(): UpdateDeps {
  return {
    workbox: new Workbox('/sw.js', { scope: '/', type: 'classic' }),
    getRegistration: () => navigator.serviceWorker.getRegistration('/'),
    reload: () => location.reload(),
  };
}

export function watchForUpdates(onUpdate: () => void, deps: UpdateDeps = browserDeps()): UpdateWatch {
  // workbox-window calls a worker "waiting" once it has stayed "installed" for 200 ms. On a first visit
  // Firefox can take longer than that to activate the first worker, though nothing older exists for it
  // to wait behind: only a worker waiting while another is active is a new version.
  deps.workbox.addEventListener('waiting', () => {
    void deps.getRegistration().then((registration) => {
      if (registration?.active && registration.waiting) onUpdate();
    });
  });
  void deps.workbox.register({ immediate: true }).catch((error: unknown) => {
    console.warn('service worker registration failed', error);
  });
  return {
    async apply() {
      const next = (await deps.getRegistration())?.waiting;
      if (!next) return deps.reload();
      next.addEventListener('statechange', () => {
        if (next.state === 'activated') deps.reload();
      });
      // sw.ts skips waiting on this message (registerType 'prompt': it never does so by itself)
      next.postMessage({ type: 'SKIP_WAITING' });
    },
  };
}
