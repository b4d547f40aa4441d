// The engine as the page holds it, read through the test build's debug handle `window.__meshdrop.engine`:
// one download's state, the engine's counters, and every state change timed in the page.
import type { Page } from 'playwright-core';

export interface EngineItem {
  contentId: string;
  state: string;
  bytes: number;
  total: number;
  speed: number;
  rejectedChunks: number;
  dropped: number;
  sources: string[];
  /** the engine handed over the finished file (it is in the library) */
  hasBlob: boolean;
  timedOut: number;
  /** chunks found on disk from an interrupted run (checked, not fetched again) */
  resumedChunks: number;
  /** the last message a source sent that was dropped, and why */
  lastDropped?: string;
  error?: { code: string; message: string };
}

/** The engine's view of one download, through the debug handle `window.__meshdrop.engine`. */
export async function engineItem(page: Page, contentId: string): Promise<EngineItem | null> {
  return page.evaluate((cid) => {
    interface Item {
      contentId: string;
      blob?: Blob;
      status: {
        state: string;
        progress: { bytes: number; total: number; speed: number };
        rejectedChunks: number;
        dropped: number;
        sources: string[];
        timedOut: number;
        resumedChunks?: number;
        lastDropped?: string;
        error?: { code: string; message: string };
      };
    }
    const engine = (window as unknown as { __meshdrop?: { engine: { downloads(): Item[] } } }).__meshdrop
      ?.engine;
    const item = engine?.downloads().find((i) => i.contentId === cid);
    if (!item) return null;
    const s = item.status;
    return {
      contentId: item.contentId,
      state: s.state,
      bytes: s.progress.bytes,
      total: s.progress.total,
      speed: s.progress.speed,
      rejectedChunks: s.rejectedChunks,
      dropped: s.dropped,
      sources: s.sources,
      hasBlob: item.blob !== undefined,
      timedOut: s.timedOut,
      resumedChunks: s.resumedChunks ?? 0,
      ...(s.lastDropped ? { lastDropped: s.lastDropped } : {}),
      ...(s.error ? { error: s.error } : {}),
    };
  }, contentId);
}

export async function engineStats(page: Page): Promise<{ droppedByServer: number; rejectedChunks: number }> {
  return page.evaluate(() => {
    const engine = (
      window as unknown as {
        __meshdrop: { engine: { stats(): { droppedByServer: number; rejectedChunks: number } } };
      }
    ).__meshdrop.engine;
    return engine.stats();
  });
}

export interface Transition {
  contentId: string;
  state: string;
  /** sources linked at that moment */
  sources: number;
  /** the engine holds the finished file */
  blob: boolean;
  t: number;
}

/**
 * Records every change of state, of the number of linked sources, and the hand-over of the finished file,
 * for every download in the page, timed with performance.now(), through the engine's subscribe(): timings
 * that polling from the driver would blur, and the history to explain a download that got stuck.
 * Idempotent per page load.
 */
export async function recordTransitions(page: Page): Promise<void> {
  await page.evaluate(() => {
    interface Item {
      contentId: string;
      blob?: Blob;
      status: { state: string; sources: string[] };
    }
    interface Engine {
      downloads(): Item[];
      subscribe(l: () => void): () => void;
    }
    const w = window as unknown as {
      __meshdrop: { engine: Engine };
      __transitions?: Transition[];
    };
    if (w.__transitions) return;
    const log: Transition[] = [];
    w.__transitions = log;
    const last = new Map<string, string>();
    const engine = w.__meshdrop.engine;
    const look = () => {
      for (const i of engine.downloads()) {
        const key = `${i.status.state}/${i.status.sources.length}/${i.blob !== undefined}`;
        if (last.get(i.contentId) !== key) {
          last.set(i.contentId, key);
          log.push({
            contentId: i.contentId,
            state: i.status.state,
            sources: i.status.sources.length,
            blob: i.blob !== undefined,
            t: performance.now(),
          });
        }
      }
    };
    engine.subscribe(look);
    look();
  });
}

export async function transitions(page: Page, contentId: string): Promise<Transition[]> {
  return page.evaluate(
    (cid) =>
      ((window as unknown as { __transitions?: Transition[] }).__transitions ?? []).filter(
        (x) => x.contentId === cid,
      ),
    contentId,
  );
}

export async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}
