// What the bench watches inside a page, without touching the app: main-thread long tasks, and every
// RTCDataChannel the page opens (the app's through PeerJS, the baselines' own): bytes and message
// arrival times on the receiving side, `bufferedAmount` samples on the sending side. Installed as an
// init script, so it wraps RTCPeerConnection before the app loads. All times are epoch milliseconds
// (performance.timeOrigin + performance.now()), one clock for both browsers of this machine.
import type { BrowserContext, Page } from 'playwright-core';

export interface ChannelStats {
  label: string;
  rxBytes: number;
  rxMessages: number;
  rxFirst: number;
  rxLast: number;
  /** receiver: silences between two messages longer than the gap given to installProbes, summed */
  rxGapMs: number;
  rxMaxGapMs: number;
}

export interface SendSamples {
  label: string;
  /** flat pairs: time, bufferedAmount */
  samples: number[];
}

export interface LongTasks {
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface ProbeReading {
  channels: ChannelStats[];
  sending: SendSamples[];
  longTasks: LongTasks;
}

interface ProbeChannel extends ChannelStats {
  dc: RTCDataChannel;
  tx: number[];
}

interface ProbeState {
  channels: ProbeChannel[];
  longTasks: { start: number; duration: number }[];
  sampling: ReturnType<typeof setInterval> | null;
  since: number;
}

// Runs in the page before any of its scripts (serialized: no closures over module scope).
function install(gapMs: number): void {
  const w = window as unknown as { __benchProbe?: ProbeState; RTCPeerConnection: typeof RTCPeerConnection };
  if (w.__benchProbe) return;
  const now = () => performance.timeOrigin + performance.now();
  const state: ProbeState = { channels: [], longTasks: [], sampling: null, since: now() };
  w.__benchProbe = state;
  const track = (dc: RTCDataChannel) => {
    const ch: ProbeChannel = {
      dc,
      label: dc.label,
      rxBytes: 0,
      rxMessages: 0,
      rxFirst: 0,
      rxLast: 0,
      rxGapMs: 0,
      rxMaxGapMs: 0,
      tx: [],
    };
    state.channels.push(ch);
    dc.addEventListener('message', (e: MessageEvent) => {
      const t = now();
      const d = e.data as ArrayBuffer | Blob | string;
      ch.rxBytes += typeof d === 'string' ? d.length : d instanceof Blob ? d.size : d.byteLength;
      if (ch.rxMessages === 0) ch.rxFirst = t;
      else {
        const gap = t - ch.rxLast;
        if (gap > gapMs) ch.rxGapMs += gap;
        ch.rxMaxGapMs = Math.max(ch.rxMaxGapMs, gap);
      }
      ch.rxMessages++;
      ch.rxLast = t;
    });
  };
  const Original = w.RTCPeerConnection;
  const create = Original.prototype.createDataChannel;
  Original.prototype.createDataChannel = function (this: RTCPeerConnection, ...args) {
    const dc = create.apply(this, args);
    track(dc);
    return dc;
  } as typeof create;
  w.RTCPeerConnection = new Proxy(Original, {
    construct(target, args, newTarget) {
      const pc = Reflect.construct(target, args, newTarget) as RTCPeerConnection;
      pc.addEventListener('datachannel', (e) => track(e.channel));
      return pc;
    },
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        state.longTasks.push({ start: performance.timeOrigin + e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no long-task timing in this browser: reported as zero
  }
}

export async function installProbes(context: BrowserContext, gapMs = 100): Promise<void> {
  await context.addInitScript(install, gapMs);
}

/**
 * Starts a measurement window in the page: forgets earlier channels and long tasks, and samples the
 * `bufferedAmount` of every open channel every `everyMs` until readProbes().
 */
export async function startProbes(page: Page, everyMs = 5): Promise<void> {
  await page.evaluate((every) => {
    const w = window as unknown as { __benchProbe?: ProbeState };
    const s = w.__benchProbe;
    if (!s) throw new Error('bench probes are not installed in this page (installProbes before loading it)');
    const now = () => performance.timeOrigin + performance.now();
    s.channels = s.channels.filter((c) => c.dc.readyState === 'open' || c.dc.readyState === 'connecting');
    for (const c of s.channels) {
      Object.assign(c, { rxBytes: 0, rxMessages: 0, rxFirst: 0, rxLast: 0, rxGapMs: 0, rxMaxGapMs: 0 });
      c.tx = [];
    }
    s.longTasks = [];
    s.since = now();
    if (s.sampling) clearInterval(s.sampling);
    s.sampling = setInterval(() => {
      const t = now();
      for (const c of s.channels) if (c.dc.readyState === 'open') c.tx.push(t, c.dc.bufferedAmount);
    }, every);
  }, everyMs);
}

export async function readProbes(page: Page): Promise<ProbeReading> {
  return page.evaluate(() => {
    const s = (window as unknown as { __benchProbe: ProbeState }).__benchProbe;
    if (s.sampling) clearInterval(s.sampling);
    s.sampling = null;
    const tasks = s.longTasks.filter((t) => t.start >= s.since);
    return {
      channels: s.channels.map(({ dc: _dc, tx: _tx, ...stats }) => stats),
      sending: s.channels.filter((c) => c.tx.length > 0).map((c) => ({ label: c.label, samples: c.tx })),
      longTasks: {
        count: tasks.length,
        totalMs: tasks.reduce((n, t) => n + t.duration, 0),
        maxMs: tasks.reduce((n, t) => Math.max(n, t.duration), 0),
      },
    };
  });
}

export interface LinkUse {
  /** share of the window in which the sender had nothing queued (the link could idle) */
  idleFraction: number;
  meanBufferedMiB: number;
  /** longest time between two samples: the sender's main thread was that long busy */
  maxSampleGapMs: number;
  samples: number;
}

/** Link use seen from the sender's queue, between `from` and `to` (epoch ms), over channels `label`. */
export function linkUse(sending: SendSamples[], label: string, from: number, to: number): LinkUse | null {
  const series = sending.filter((s) => s.label === label);
  // several channels with one label (a reconnect): take the one that queued the most
  const best = series.sort((a, b) => b.samples.length - a.samples.length)[0];
  if (!best || to <= from) return null;
  let idle = 0;
  let weighted = 0;
  let maxGap = 0;
  let n = 0;
  const xs = best.samples;
  for (let i = 0; i + 3 < xs.length; i += 2) {
    const t0 = Math.max(xs[i]!, from);
    const t1 = Math.min(xs[i + 2]!, to);
    if (t1 <= t0) continue;
    n++;
    maxGap = Math.max(maxGap, xs[i + 2]! - xs[i]!);
    if (xs[i + 1] === 0) idle += t1 - t0;
    weighted += (t1 - t0) * xs[i + 1]!;
  }
  const span = to - from;
  return {
    idleFraction: idle / span,
    meanBufferedMiB: weighted / span / (1024 * 1024),
    maxSampleGapMs: maxGap,
    samples: n,
  };
}
