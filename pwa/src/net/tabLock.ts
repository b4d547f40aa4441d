// One tab per device runs the device's signaling (and the share clean-up that comes with it). Web Locks
// do this in secure contexts; a plain-http page has none, so there tabs agree over a BroadcastChannel
// and localStorage (both exist in insecure contexts): a holder answers every probe at once, a waiter
// that hears nobody claims the lock by writing its id, and keeps it only if the id is still there a
// moment later and no holder answered its claim (two tabs claiming together: the last writer wins).
// Pure enough to test: the channel, the store, the clock and the tab id are passed in.

export interface LockChannel {
  post(message: LockMessage): void;
  listen(onMessage: (message: LockMessage) => void): () => void;
}

export interface LockStore {
  get(): string | null;
  set(owner: string): void;
  clear(): void;
}

export type LockMessage =
  | { type: 'probe' }
  | { type: 'claim' }
  | { type: 'held'; owner: string }
  | { type: 'released' };

export interface FallbackLockDeps {
  channel: LockChannel;
  store: LockStore;
  /** Resolves after `ms` (or at once when `signal` aborts). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  tabId: string;
}

/** How long a probe waits for a holder's answer, and how long a claim must survive to count. */
export const PROBE_MS = 400;
export const CONFIRM_MS = 250;
/** A waiter looks again this often even if it hears no `released` (a holder that crashed says nothing). */
export const RETRY_MS = 2000;

/**
 * Runs `run` once this tab holds the lock, releasing it when `run` ends or `signal` aborts. `onWaiting`
 * is called once if another tab holds it first.
 */
export async function withFallbackLock(
  deps: FallbackLockDeps,
  signal: AbortSignal,
  run: () => Promise<void>,
  onWaiting: () => void = () => {},
): Promise<void> {
  let holding = false;
  let heardHolder = false;
  let wake: (() => void) | null = null;
  const stopListening = deps.channel.listen((message) => {
    if ((message.type === 'probe' || message.type === 'claim') && holding)
      deps.channel.post({ type: 'held', owner: deps.tabId });
    if (message.type === 'held' && message.owner !== deps.tabId) heardHolder = true;
    if (message.type === 'released') wake?.();
  });
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      void deps.sleep(ms, signal).then(resolve);
    }).finally(() => {
      wake = null;
    });
  let toldWaiting = false;
  try {
    while (!signal.aborted) {
      heardHolder = false;
      deps.channel.post({ type: 'probe' });
      await deps.sleep(PROBE_MS, signal);
      if (signal.aborted) return;
      if (!heardHolder) {
        deps.store.set(deps.tabId);
        // a tab that took the lock since our probe answers this one
        deps.channel.post({ type: 'claim' });
        await deps.sleep(CONFIRM_MS, signal);
        if (signal.aborted) break;
        if (deps.store.get() === deps.tabId && !heardHolder) {
          holding = true;
          await run();
          return;
        }
      }
      if (!toldWaiting) {
        toldWaiting = true;
        onWaiting();
      }
      await wait(RETRY_MS);
    }
  } finally {
    if (holding) {
      holding = false;
      if (deps.store.get() === deps.tabId) deps.store.clear();
      deps.channel.post({ type: 'released' });
    }
    stopListening();
  }
}

/** A page's BroadcastChannel and localStorage under `name`; null outside a page (the CLI) or without them. */
export function browserLockDeps(name: string): FallbackLockDeps | null {
  if (typeof window === 'undefined') return null;
  if (typeof BroadcastChannel === 'undefined' || typeof localStorage === 'undefined') return null;
  const bc = new BroadcastChannel(name);
  const key = `tab-lock:${name}`;
  const tabId = crypto.getRandomValues(new Uint32Array(2)).join('-');
  return {
    tabId,
    channel: {
      post: (message) => bc.postMessage(message),
      listen: (onMessage) => {
        const handler = (e: MessageEvent) => {
          const m = e.data as LockMessage | null;
          if (m && typeof m === 'object' && typeof m.type === 'string') onMessage(m);
        };
        bc.addEventListener('message', handler);
        // a tab that goes away lets the next one in at once
        const bye = () => {
          if (localStorage.getItem(key) === tabId) {
            localStorage.removeItem(key);
            bc.postMessage({ type: 'released' });
          }
        };
        addEventListener('pagehide', bye);
        return () => {
          bc.removeEventListener('message', handler);
          removeEventListener('pagehide', bye);
          bc.close();
        };
      },
    },
    store: {
      get: () => localStorage.getItem(key),
      set: (owner) => localStorage.setItem(key, owner),
      clear: () => localStorage.removeItem(key),
    },
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      }),
  };
}
