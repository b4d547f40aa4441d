// What the page holds, read (or seamed) through the test build's hooks, in any browser through `Ui`: the
// engine's view of a download, the chunks a source serves (the `__meshdropTamper` seam), a mark that
// shows the page was never reloaded, the service worker, and what OPFS keeps.
import type { Fixture } from '../transfer/support.ts';
import type { Ui } from './ui.ts';

export interface EngineView {
  state: string;
  bytes: number;
  rejectedChunks: number;
}

/** The download's state in the engine (`window.__meshdrop`, the app's diagnostics handle). */
export function engineView(ui: Ui, fx: Fixture): Promise<EngineView | null> {
  return ui.evaluate((cid) => {
    interface Item {
      contentId: string;
      status: { state: string; progress: { bytes: number }; rejectedChunks: number };
    }
    const engine = (window as unknown as { __meshdrop?: { engine: { downloads(): Item[] } } }).__meshdrop
      ?.engine;
    const item = engine?.downloads().find((i) => i.contentId === cid);
    if (!item) return null;
    return {
      state: item.status.state,
      bytes: item.status.progress.bytes,
      rejectedChunks: item.status.rejectedChunks,
    };
  }, fx.contentId);
}

/**
 * Watches what a source sends through the engine's test seam (`__meshdropTamper`, called for every chunk
 * it serves): counts each chunk of `fx`, and flips one bit of chunk `corrupt` once, if given.
 */
export async function watchServedChunks(ui: Ui, fx: Fixture, corrupt?: number): Promise<void> {
  await ui.evaluate(
    ({ cid, corrupt }) => {
      const w = window as unknown as {
        __meshdropTamper?: (id: string, i: number, b: Uint8Array, offset: number) => Uint8Array;
        __served: Record<number, number>;
        __tampered: number;
      };
      w.__served = {};
      w.__tampered = 0;
      // called per block read from disk; a chunk's first block (offset 0) counts it as served once
      w.__meshdropTamper = (id, index, bytes, offset) => {
        if (id !== cid || offset !== 0) return bytes;
        w.__served[index] = (w.__served[index] ?? 0) + 1;
        if (index !== corrupt || w.__tampered > 0) return bytes;
        w.__tampered++;
        const copy = bytes.slice();
        copy[1234 % copy.length] = (copy[1234 % copy.length] ?? 0) ^ 0x01;
        return copy;
      };
    },
    { cid: fx.contentId, corrupt: corrupt ?? -1 },
  );
}

/** What watchServedChunks saw: chunks served, how many of them more than once, and bits flipped. */
export async function servedChunks(ui: Ui): Promise<{ served: number; again: number; tampered: number }> {
  return ui.evaluate(() => {
    const w = window as unknown as { __served: Record<number, number>; __tampered: number };
    const counts = Object.values(w.__served);
    return {
      served: counts.reduce((a, b) => a + b, 0),
      again: counts.reduce((a, b) => a + (b - 1), 0),
      tampered: w.__tampered,
    };
  }, null);
}

export async function stopWatchingChunks(ui: Ui): Promise<void> {
  await ui.evaluate(() => {
    delete (window as unknown as { __meshdropTamper?: unknown }).__meshdropTamper;
  }, null);
}

/** A mark on the page's window: still there later means the page was never reloaded. */
export async function markPage(ui: Ui): Promise<void> {
  await ui.evaluate(() => {
    (window as unknown as { __journeyMark: number }).__journeyMark = 1;
  }, null);
}

export function stillSamePage(ui: Ui): Promise<boolean> {
  return ui.evaluate(() => (window as unknown as { __journeyMark?: number }).__journeyMark === 1, null);
}

/** The page's service worker: the active one's state (waiting until it has activated) and the controller. */
export function serviceWorkerState(ui: Ui): Promise<{ active: string; controlled: boolean }> {
  return ui.evaluate(async () => {
    const active = (await navigator.serviceWorker.ready).active!;
    if (active.state !== 'activated') {
      await new Promise((done) =>
        active.addEventListener('statechange', () => active.state === 'activated' && done(0)),
      );
    }
    return { active: active.state, controlled: navigator.serviceWorker.controller !== null };
  }, null);
}

/** How many entries the page's origin keeps in OPFS (downloads land there where sync handles work). */
export function opfsEntries(ui: Ui): Promise<number> {
  return ui.evaluate(async () => {
    const root = (await navigator.storage.getDirectory()) as unknown as { keys(): AsyncIterable<string> };
    let n = 0;
    for await (const _ of root.keys()) n++;
    return n;
  }, null);
}
