// Memory and CPU of one device's whole browser, read from /proc: every process in the device's network
// namespace is that Chromium (browser, zygotes, renderers, GPU, network and storage services, crashpad).
// RSS is sampled often (peaks are short); CPU time is exact per process (utime + stime include the
// process's exited threads) and sampled per thread for a breakdown of where it went.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICK_MS = 10; // CLK_TCK is 100 on Linux
const KIB = 1024;

export type ProcessKind =
  | 'browser'
  | 'renderer'
  | 'gpu'
  | 'network'
  | 'storage'
  | 'utility'
  | 'zygote'
  | 'crashpad'
  | 'other';

export interface Rss {
  /** VmRSS */
  total: number;
  anon: number;
  file: number;
  shmem: number;
}

export interface ProcessMemory {
  /** the sum over every process of the browser when that sum peaked */
  peakSum: number;
  /** the sum just before the run */
  baselineSum: number;
  /** per kind: baseline, peak (of that kind, whenever it happened), and RSS split at that peak */
  byKind: Record<string, { baseline: Rss; peak: Rss }>;
  samples: number;
}

export interface ProcessCpu {
  /** CPU milliseconds (user + system) of all the browser's processes during the run */
  totalMs: number;
  byKind: Record<string, number>;
  /** the busiest threads, as `<kind>/<thread name>` */
  topThreads: { name: string; ms: number }[];
}

export interface ProcessReport {
  memory: ProcessMemory;
  cpu: ProcessCpu;
}

interface Seen {
  kind: ProcessKind;
  cpuStart: number;
  cpuLast: number;
  threads: Map<number, { name: string; start: number; last: number }>;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process or thread is gone
  }
}

/** utime + stime in ticks and the state, from a stat line (the name may hold spaces and parentheses). */
function statTimes(stat: string): { state: string; ticks: number; name: string } {
  const close = stat.lastIndexOf(')');
  const name = stat.slice(stat.indexOf('(') + 1, close);
  const rest = stat.slice(close + 2).split(' ');
  return { state: rest[0] ?? '?', ticks: Number(rest[11]) + Number(rest[12]), name };
}

export function kindOf(cmdline: string): ProcessKind {
  // Chromium rewrites its process title, after which the arguments are separated by spaces, not NULs
  const args = cmdline.split(/[\0 ]/);
  const type = args.find((a) => a.startsWith('--type='))?.slice(7);
  if (type === undefined) return args[0]?.includes('chrom') ? 'browser' : 'other';
  if (type === 'renderer') return 'renderer';
  if (type === 'gpu-process') return 'gpu';
  if (type === 'zygote') return 'zygote';
  if (type === 'crashpad-handler') return 'crashpad';
  if (type === 'utility') {
    const sub = args.find((a) => a.startsWith('--utility-sub-type=')) ?? '';
    if (sub.includes('NetworkService')) return 'network';
    if (sub.includes('StorageService')) return 'storage';
    return 'utility';
  }
  return 'other';
}

function rssOf(pid: number): Rss | null {
  const status = read(`/proc/${pid}/status`);
  if (!status) return null;
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * KIB;
  return { total: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile'), shmem: field('RssShmem') };
}

const zero = (): Rss => ({ total: 0, anon: 0, file: 0, shmem: 0 });
const add = (a: Rss, b: Rss): Rss => ({
  total: a.total + b.total,
  anon: a.anon + b.anon,
  file: a.file + b.file,
  shmem: a.shmem + b.shmem,
});

/** Busy CPU time of the whole machine so far (all cores, ms): other work during a run shows as noise. */
export function machineBusyMs(): number {
  const line = read('/proc/stat')?.split('\n')[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal ...
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
  return busy * TICK_MS;
}

/**
 * Waits until the machine is quiet (under `maxCores` busy over one second) or `maxWaitMs` passed, so a
 * run does not start while other work (someone else's build) takes the CPU. Returns how long it waited.
 */
export async function waitQuiet(maxWaitMs: number, maxCores = 0.3): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < maxWaitMs) {
    const busy0 = machineBusyMs();
    await new Promise((r) => setTimeout(r, 1000));
    if ((machineBusyMs() - busy0) / 1000 < maxCores) break;
  }
  return Date.now() - start;
}

/** Processes in the same network namespace as `browserPid`, i.e. the whole browser of one device. */
export function namespaceProcesses(browserPid: number): number[] {
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${browserPid}/ns/net`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) === ns) out.push(pid);
    } catch {
      // gone, or a kernel thread we may not inspect
    }
  }
  return out;
}

/**
 * Samples one browser's processes until stop(): RSS every `rssEveryMs`, per-thread CPU every
 * `threadEveryMs`. The first sample is the baseline.
 */
export class ProcessSampler {
  private readonly browserPid: number;
  private readonly seen = new Map<number, Seen>();
  private pids: number[] = [];
  private baseline = new Map<string, Rss>();
  private peakByKind = new Map<string, Rss>();
  private baselineSum = 0;
  private peakSum = 0;
  private samples = 0;
  private rssTimer: NodeJS.Timeout | undefined;
  private threadTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;

  constructor(browserPid: number) {
    this.browserPid = browserPid;
  }

  start(rssEveryMs = 100, threadEveryMs = 500): this {
    this.rescan();
    const first = this.sampleRss();
    this.baseline = first.byKind;
    this.baselineSum = first.sum;
    this.peakSum = first.sum;
    this.sampleThreads();
    this.rssTimer = setInterval(() => this.sampleRss(), rssEveryMs);
    this.threadTimer = setInterval(() => this.sampleThreads(), threadEveryMs);
    // renderers and utility processes may start during the run (a new tab, a storage service)
    this.rescanTimer = setInterval(() => this.rescan(), 1000);
    return this;
  }

  stop(): ProcessReport {
    clearInterval(this.rssTimer);
    clearInterval(this.threadTimer);
    clearInterval(this.rescanTimer);
    this.rescan();
    this.sampleRss();
    this.sampleThreads();
    const byKindCpu: Record<string, number> = {};
    const threads = new Map<string, number>();
    let totalMs = 0;
    for (const s of this.seen.values()) {
      const ms = (s.cpuLast - s.cpuStart) * TICK_MS;
      totalMs += ms;
      byKindCpu[s.kind] = (byKindCpu[s.kind] ?? 0) + ms;
      for (const t of s.threads.values()) {
        const name = `${s.kind}/${t.name.replace(/\d+$/, '')}`;
        threads.set(name, (threads.get(name) ?? 0) + (t.last - t.start) * TICK_MS);
      }
    }
    const byKind: ProcessMemory['byKind'] = {};
    for (const [kind, peak] of this.peakByKind)
      byKind[kind] = { baseline: this.baseline.get(kind) ?? zero(), peak };
    return {
      memory: { peakSum: this.peakSum, baselineSum: this.baselineSum, byKind, samples: this.samples },
      cpu: {
        totalMs,
        byKind: byKindCpu,
        topThreads: [...threads]
          .map(([name, ms]) => ({ name, ms }))
          .filter((t) => t.ms > 0)
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 20),
      },
    };
  }

  private rescan() {
    this.pids = namespaceProcesses(this.browserPid);
    for (const pid of this.pids) {
      if (this.seen.has(pid)) continue;
      const stat = read(`/proc/${pid}/stat`);
      const cmdline = read(`/proc/${pid}/cmdline`);
      if (!stat || cmdline === null) continue;
      const t = statTimes(stat);
      if (t.state === 'Z') continue;
      // a process born during the run counts from zero; one alive at the start from its current time
      const born = this.samples > 0;
      this.seen.set(pid, {
        kind: kindOf(cmdline),
        cpuStart: born ? 0 : t.ticks,
        cpuLast: t.ticks,
        threads: new Map(),
      });
    }
  }

  private sampleRss(): { sum: number; byKind: Map<string, Rss> } {
    const byKind = new Map<string, Rss>();
    let sum = 0;
    for (const pid of this.pids) {
      const s = this.seen.get(pid);
      const rss = s && rssOf(pid);
      if (!s || !rss) continue;
      byKind.set(s.kind, add(byKind.get(s.kind) ?? zero(), rss));
      sum += rss.total;
      const stat = read(`/proc/${pid}/stat`);
      if (stat) s.cpuLast = statTimes(stat).ticks;
    }
    this.samples++;
    this.peakSum = Math.max(this.peakSum, sum);
    for (const [kind, rss] of byKind) {
      if (rss.total > (this.peakByKind.get(kind)?.total ?? -1)) this.peakByKind.set(kind, rss);
    }
    return { sum, byKind };
  }

  private sampleThreads() {
    for (const pid of this.pids) {
      const s = this.seen.get(pid);
      if (!s) continue;
      let tids: string[];
      try {
        tids = readdirSync(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const entry of tids) {
        const tid = Number(entry);
        const stat = read(`/proc/${pid}/task/${tid}/stat`);
        if (!stat) continue;
        const t = statTimes(stat);
        const known = s.threads.get(tid);
        if (known) known.last = t.ticks;
        // threads seen only after the first sample were born during the run: count them from zero
        else s.threads.set(tid, { name: t.name, start: this.samples > 1 ? 0 : t.ticks, last: t.ticks });
      }
    }
  }
}
