// What the hostile-peer journey measures on the victim: main-thread blocking (long tasks, through a
// PerformanceObserver in the page), the JS heap (CDP, see support.ts), the memory of the whole browser
// (proportional set size of every process in the device's namespace, read from /proc), and the engine's
// own counters of what it refused.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Device } from '../lan/index.ts';

/** Starts recording long tasks (> 50 ms on the main thread) in the page; idempotent per page load. */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks?: { start: number; duration: number }[] };
    if (w.__longTasks) return;
    const list: { start: number; duration: number }[] = [];
    w.__longTasks = list;
    new PerformanceObserver((entries) => {
      for (const e of entries.getEntries()) list.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

export interface Blocking {
  /** main-thread time spent in long tasks since `since` */
  totalMs: number;
  longestMs: number;
  count: number;
  /** of the wall time since `since` */
  share: number;
}

export async function blockingSince(page: Page, since: number): Promise<Blocking> {
  return page.evaluate((from) => {
    const list = (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks;
    const recent = list.filter((t) => t.start >= from);
    const totalMs = recent.reduce((n, t) => n + t.duration, 0);
    const wall = Math.max(1, performance.now() - from);
    return {
      totalMs,
      longestMs: recent.reduce((m, t) => Math.max(m, t.duration), 0),
      count: recent.length,
      share: totalMs / wall,
    };
  }, since);
}

/** Proportional set size of every process of the device's browser (its namespace holds nothing else). */
export function browserPss(device: Device): number {
  const out = execFileSync('ip', ['netns', 'pids', device.ns], { encoding: 'utf8' });
  let kib = 0;
  for (const pid of out.split('\n').map((l) => Number(l.trim()))) {
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch {
      // the process ended meanwhile
    }
  }
  return kib * 1024;
}

/** Samples browserPss every `everyMs` until stop(); returns baseline and peak. */
export function startPssSampler(
  device: Device,
  everyMs = 250,
): { stop(): { baseline: number; peak: number } } {
  const baseline = browserPss(device);
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, browserPss(device));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, browserPss(device));
      return { baseline, peak };
    },
  };
}

export interface EngineCounters {
  droppedByServer: number;
  rejectedChunks: number;
  server: Record<string, number>;
  inbound: { accepted: number; refused: Record<string, number>; orphansSwept: number };
}

export async function engineCounters(page: Page): Promise<EngineCounters> {
  return page.evaluate(() =>
    (window as unknown as { __meshdrop: { engine: { stats(): EngineCounters } } }).__meshdrop.engine.stats(),
  );
}

/** The device's own peer id, from its engine's Peer. */
export async function peerIdOf(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (
        window as unknown as { __meshdrop: { engine: { peer(): { id: string } | null } } }
      ).__meshdrop.engine.peer()?.id ?? '',
  );
}

/** peerjs's store of signaling frames for unknown connection ids, at the victim. */
export async function orphanedFrames(page: Page): Promise<number> {
  return page.evaluate(() => {
    const p = (
      window as unknown as {
        __meshdrop: { engine: { peer(): { _lostMessages?: Map<string, unknown[]> } | null } };
      }
    ).__meshdrop.engine.peer();
    let n = 0;
    for (const list of p?._lostMessages?.values() ?? []) n += list.length;
    return n;
  });
}
