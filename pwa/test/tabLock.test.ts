// The plain-http tab agreement: one tab at a time runs the device's signaling, whoever starts first and
// however close together, and the next one takes over when the holder goes (or crashed silently).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FallbackLockDeps, type LockMessage, withFallbackLock } from '../src/net/tabLock.ts';

/** Tabs of one origin: a shared "localStorage" slot and a broadcast bus that delivers asynchronously. */
function origin() {
  let stored: string | null = null;
  const listeners = new Map<string, (m: LockMessage) => void>();
  const tab = (tabId: string): FallbackLockDeps => ({
    tabId,
    channel: {
      post: (m) => {
        for (const [id, fn] of listeners) if (id !== tabId) setTimeout(() => fn(m), 1);
      },
      listen: (fn) => {
        listeners.set(tabId, fn);
        return () => listeners.delete(tabId);
      },
    },
    store: {
      get: () => stored,
      set: (v) => {
        stored = v;
      },
      clear: () => {
        stored = null;
      },
    },
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        const t = setTimeout(resolve, ms);
        const stop = () => {
          clearTimeout(t);
          resolve();
        };
        signal.addEventListener('abort', stop, { once: true });
      }),
  });
  return { tab, stored: () => stored };
}

/** A tab that runs until stopped, recording whether it holds the lock and whether it was told to wait. */
function startTab(deps: FallbackLockDeps) {
  const abort = new AbortController();
  const state = { running: false, waiting: false, done: false };
  const finished = withFallbackLock(
    deps,
    abort.signal,
    async () => {
      state.running = true;
      await new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve()));
      state.running = false;
    },
    () => {
      state.waiting = true;
    },
  ).then(() => {
    state.done = true;
  });
  return { state, stop: () => abort.abort(), finished };
}

describe('the tab lock without Web Locks', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets the first tab in; the second waits, says so, and takes over when the first goes', async () => {
    const o = origin();
    const a = startTab(o.tab('a'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.state.running).toBe(true);
    const b = startTab(o.tab('b'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(b.state).toMatchObject({ running: false, waiting: true });
    expect(a.state.running).toBe(true);
    a.stop();
    await a.finished;
    expect(o.stored()).toBeNull();
    await vi.advanceTimersByTimeAsync(1000);
    expect(b.state.running).toBe(true);
    b.stop();
    await b.finished;
  });

  it('lets exactly one of several tabs in when they start together or a few ms apart', async () => {
    for (const gap of [0, 1, 5, 100, 300, 390, 450, 600]) {
      const o = origin();
      const tabs = [startTab(o.tab('a'))];
      await vi.advanceTimersByTimeAsync(gap);
      tabs.push(startTab(o.tab('b')));
      await vi.advanceTimersByTimeAsync(gap);
      tabs.push(startTab(o.tab('c')));
      for (let t = 0; t < 20; t++) {
        await vi.advanceTimersByTimeAsync(500);
        expect(tabs.filter((x) => x.state.running).length, `gap ${gap} ms`).toBeLessThanOrEqual(1);
      }
      expect(
        tabs.filter((x) => x.state.running),
        `gap ${gap} ms`,
      ).toHaveLength(1);
      for (const x of tabs) x.stop();
      await Promise.all(tabs.map((x) => x.finished));
    }
  });

  it('takes over from a holder that vanished without a word', async () => {
    const o = origin();
    o.tab('crashed').store.set('crashed');
    const b = startTab(o.tab('b'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(b.state.running).toBe(true);
    b.stop();
    await b.finished;
  });
});
