// The "new version" offer, through the real workbox-window and a fake service-worker container that
// plays the browser's part with fake timers. Firefox's first visit was the bug: its first worker stayed
// "installed" longer than the 200 ms after which workbox-window calls a worker "waiting", so the app
// offered an update that did not exist.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchForUpdates } from '../src/app/updates.ts';

const URL_SW = 'https://lan.test/sw.js';

class FakeWorker extends EventTarget {
  state: ServiceWorkerState = 'installing';
  readonly scriptURL = URL_SW;
  readonly messages: unknown[] = [];
  postMessage(message: unknown): void {
    this.messages.push(message);
  }
  to(state: ServiceWorkerState): void {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

class FakeRegistration extends EventTarget {
  installing: FakeWorker | null = null;
  waiting: FakeWorker | null = null;
  active: FakeWorker | null = null;
  readonly scope = 'https://lan.test/';

  /** The browser found a new script: installing, then installed (waiting). */
  install(worker: FakeWorker): void {
    this.installing = worker;
    this.dispatchEvent(new Event('updatefound'));
    this.installing = null;
    this.waiting = worker;
    worker.to('installed');
  }

  activate(worker: FakeWorker): void {
    this.waiting = null;
    this.active = worker;
    worker.to('activating');
    worker.to('activated');
  }
}

class FakeContainer extends EventTarget {
  controller: FakeWorker | null = null;
  readonly registration = new FakeRegistration();
  async register(): Promise<FakeRegistration> {
    return this.registration;
  }
}

let container: FakeContainer;

beforeEach(() => {
  vi.useFakeTimers();
  container = new FakeContainer();
  vi.stubGlobal('navigator', { serviceWorker: container });
  vi.stubGlobal('self', globalThis);
  vi.stubGlobal('location', new URL('https://lan.test/'));
  vi.stubGlobal('document', { readyState: 'complete', baseURI: 'https://lan.test/' });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Registers as the app does, with the real Workbox, and counts the offers. */
async function start() {
  const { Workbox } = await import('workbox-window');
  const offers = { count: 0 };
  let reloads = 0;
  const watch = watchForUpdates(() => offers.count++, {
    workbox: new Workbox(URL_SW, { scope: '/' }),
    getRegistration: async () => container.registration as unknown as ServiceWorkerRegistration,
    reload: () => reloads++,
  });
  await vi.advanceTimersByTimeAsync(0);
  return { offers, watch, reloads: () => reloads };
}

describe('offering a new version', () => {
  it('offers nothing on a first visit, even when the first worker is slow to activate (Firefox)', async () => {
    const { offers } = await start();
    const first = new FakeWorker();
    container.registration.install(first);
    await vi.advanceTimersByTimeAsync(700);
    container.registration.activate(first);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(offers.count).toBe(0);
  });

  it('offers a new version that waits behind the one in use, and applies it on request', async () => {
    const old = new FakeWorker();
    old.state = 'activated';
    container.registration.active = old;
    container.controller = old;
    const { offers, watch, reloads } = await start();
    const next = new FakeWorker();
    container.registration.install(next);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(offers.count).toBe(1);

    await watch.apply();
    expect(next.messages).toEqual([{ type: 'SKIP_WAITING' }]);
    expect(reloads()).toBe(0);
    container.registration.activate(next);
    expect(reloads()).toBe(1);
  });

  it('offers a version that was already waiting when the page opened', async () => {
    const old = new FakeWorker();
    old.state = 'activated';
    const next = new FakeWorker();
    next.state = 'installed';
    Object.assign(container.registration, { active: old, waiting: next });
    container.controller = old;
    const { offers } = await start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(offers.count).toBe(1);
  });

  it('offers an update that arrives while a first-visit page is still open', async () => {
    const { offers } = await start();
    const first = new FakeWorker();
    container.registration.install(first);
    await vi.advanceTimersByTimeAsync(50);
    container.registration.activate(first);
    const next = new FakeWorker();
    container.registration.install(next);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(offers.count).toBe(1);
  });
});
