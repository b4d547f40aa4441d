// The page's JavaScript heap during a download, sampled through the Chrome DevTools Protocol: what the
// memory promises (bounded growth, nothing kept after the download) are checked against.
import type { Page } from 'playwright-core';
import { mib } from './figures.ts';

export interface HeapReport {
  /** after a forced GC, before the download */
  baseline: number;
  peak: number;
  growth: number;
  samples: number;
  /** V8's usedSize plus ArrayBuffer backing stores, where Chromium reports them */
  baselineWithBuffers: number | null;
  peakWithBuffers: number | null;
  /** after the download and a forced GC: what stayed */
  afterGc: number;
  afterGcWithBuffers: number | null;
}

/** Samples the page's main-thread JS heap through CDP every `everyMs` until stop(). */
export async function startHeapSampler(page: Page, everyMs = 200): Promise<{ stop(): Promise<HeapReport> }> {
  const cdp = await page.context().newCDPSession(page);
  interface Usage {
    usedSize: number;
    totalSize: number;
    backingStorageSize?: number;
  }
  const usage = async (): Promise<Usage> => (await cdp.send('Runtime.getHeapUsage')) as Usage;
  await cdp.send('HeapProfiler.collectGarbage');
  const base = await usage();
  const withBuffers = (u: Usage) =>
    u.backingStorageSize === undefined ? null : u.usedSize + u.backingStorageSize;
  let peak = base.usedSize;
  let peakWithBuffers = withBuffers(base);
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const u = await usage().catch(() => null);
      if (u) {
        samples++;
        peak = Math.max(peak, u.usedSize);
        const wb = withBuffers(u);
        if (wb !== null && peakWithBuffers !== null) peakWithBuffers = Math.max(peakWithBuffers, wb);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await cdp.send('HeapProfiler.collectGarbage');
      const after = await usage();
      await cdp.detach().catch(() => undefined);
      return {
        afterGc: after.usedSize,
        afterGcWithBuffers: withBuffers(after),
        baseline: base.usedSize,
        peak,
        growth: peak - base.usedSize,
        samples,
        baselineWithBuffers: withBuffers(base),
        peakWithBuffers,
      };
    },
  };
}

/** One line for the log: V8 heap (usedSize) and, where reported, with ArrayBuffer backing stores. */
export function heapWords(r: HeapReport): string {
  let out =
    `usedSize baseline ${mib(r.baseline)}, peak ${mib(r.peak)}, growth ${mib(r.growth)}, ` +
    `after download + GC ${mib(r.afterGc)} (${r.samples} samples every 200 ms)`;
  if (r.baselineWithBuffers !== null && r.peakWithBuffers !== null)
    out +=
      `; with ArrayBuffer backing stores: baseline ${mib(r.baselineWithBuffers)}, peak ${mib(r.peakWithBuffers)}, ` +
      `growth ${mib(r.peakWithBuffers - r.baselineWithBuffers)}, after download + GC ${mib(r.afterGcWithBuffers ?? 0)}`;
  return out;
}
