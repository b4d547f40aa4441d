// The bench's printed figures: one block per run (every round is shown), then a table of medians and the
// ratios. The very last line is `ours/raw: <ratio>`.

import { describeSetting, formatSize, MiB, type Variant } from './options.ts';
import type { Rss } from './procs.ts';
import type { Run, Side, Suite } from './transferBench.ts';

/** What each figure means: printed once above the tables. */
export const LEGEND = [
  'window, all at the receiver on one clock: ours = click on Download -> Save offered (every chunk verified,',
  '  stored, the file handed over), including PeerJS connect and manifest; raw = request sent on an already',
  '  open channel -> last byte; peerjs-default = connect() -> last byte. MB/s = 10^6 bytes/s over the window.',
  'stream = first -> last message at the receiver. TTFB = request -> first verified chunk (ours) / first byte.',
  'CPU = utime+stime of every process of that browser; RSS = growth of the sum over all its processes;',
  'long tasks = main-thread tasks over 50 ms in the page. noise = cores busy with other work during the run.',
];

/** The true median: the middle value, or the mean of the two middle values. */
export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${bytes >= 0 ? '+' : ''}${(bytes / MiB).toFixed(0)} MiB`;
const KINDS = ['browser', 'renderer', 'gpu', 'network', 'storage', 'utility', 'zygote', 'crashpad', 'other'];

export const VARIANT_NAMES: Record<Variant, string> = {
  ours: 'ours (engine, UI)',
  raw: 'raw RTCDataChannel',
  peerjs: 'peerjs-default',
};

/** Growth of the summed RSS of all processes, and of each kind of process that grew by 1 MiB or more. */
export function memoryWords(side: Pick<Side, 'memory'>): string {
  const m = side.memory;
  const kinds = KINDS.filter((k) => m.byKind[k])
    .map((k) => {
      const { baseline, peak } = m.byKind[k]!;
      return { k, grew: peak.total - baseline.total, peak };
    })
    .filter((x) => Math.abs(x.grew) >= MiB)
    .map((x) => `${x.k} ${mib(x.grew)}${splitWords(x.peak, m.byKind[x.k]!.baseline)}`);
  return `RSS ${mib(m.peakSum - m.baselineSum)} (peak ${(m.peakSum / MiB).toFixed(0)} MiB)${kinds.length ? `: ${kinds.join(', ')}` : ''}`;
}

function splitWords(peak: Rss, base: Rss): string {
  const parts = (['anon', 'shmem', 'file'] as const)
    .map((f) => ({ f, d: peak[f] - base[f] }))
    .filter((x) => Math.abs(x.d) >= 4 * MiB)
    .map((x) => `${x.f} ${mib(x.d)}`);
  return parts.length ? ` [${parts.join(' ')}]` : '';
}

export function cpuWords(side: Pick<Side, 'cpu'>, windowMs: number): string {
  const c = side.cpu;
  const kinds = Object.entries(c.byKind)
    .filter(([, ms]) => ms >= 50)
    .sort((a, b) => b[1] - a[1])
    .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`)
    .join(', ');
  return `CPU ${(c.totalMs / 1000).toFixed(1)} s = ${(c.totalMs / windowMs).toFixed(2)} cores (${kinds})`;
}

export function threadWords(side: Side): string {
  return side.cpu.topThreads
    .slice(0, 6)
    .map((t) => `${t.name} ${(t.ms / 1000).toFixed(1)}`)
    .join(', ');
}

const heapWords = (side: Pick<Side, 'heap'>) =>
  `JS heap ${mib(side.heap.peak - side.heap.baseline)} (peak ${(side.heap.peak / MiB).toFixed(0)} MiB)`;

const longTaskWords = (side: Side) =>
  `long tasks ${sec(side.longTasks.totalMs)} in ${side.longTasks.count} (max ${Math.round(side.longTasks.maxMs)} ms)`;

export function runLines(run: Run): string[] {
  const head =
    `${run.round < 0 ? 'sweep' : `round ${run.round + 1}`} ${VARIANT_NAMES[run.variant]}` +
    `${run.setting ? ` [${run.setting}]` : ''}: ${formatSize(run.bytes)} in ${sec(run.windowMs)} = ` +
    `${run.mbps.toFixed(1)} MB/s; TTFB ${sec(run.ttfbMs)}; stream ${run.streamMbps.toFixed(1)} MB/s`;
  const lines = [head];
  const steps: string[] = [];
  if (run.variant === 'ours')
    steps.push(
      `click -> first message on the channel (connect, open, manifest) ${sec(run.timeline.firstByteAt - run.timeline.requestedAt)}`,
    );
  if (run.tail)
    steps.push(
      `last byte -> stored ${sec(run.tail.storedMs)}, stored -> Save offered ${sec(run.tail.readyMs)}`,
    );
  if (run.emits !== undefined) steps.push(`${run.emits} engine events`);
  if (run.link)
    steps.push(
      `sender queue empty ${(run.link.idleFraction * 100).toFixed(0)}% of the stream, mean ${run.link.meanBufferedMiB.toFixed(1)} MiB` +
        ` (sampled every 5 ms, longest gap ${Math.round(run.link.maxSampleGapMs)} ms)`,
    );
  steps.push(`receiver silences > 100 ms: ${sec(run.rxGapMs)}`);
  steps.push(
    `machine ${(run.machine.busyMs / run.windowMs).toFixed(2)} cores busy, ` +
      `${(run.machine.otherMs / run.windowMs).toFixed(2)} of them not these browsers` +
      (run.machine.waitedMs > 1500 ? ` (waited ${sec(run.machine.waitedMs)} for quiet first)` : ''),
  );
  lines.push(`    ${steps.join('; ')}`);
  for (const [who, side] of [
    ['receiver', run.receiver],
    ['sender', run.sender],
  ] as const) {
    lines.push(`    ${who}: ${cpuWords(side, run.windowMs)}; ${longTaskWords(side)}; ${heapWords(side)}`);
    lines.push(`      ${memoryWords(side)}`);
    lines.push(`      busiest threads (s): ${threadWords(side)}`);
  }
  for (const [who, top] of [
    ['receiver', run.profile?.receiver],
    ['sender', run.profile?.sender],
  ] as const) {
    if (top?.length)
      lines.push(
        `    ${who} main thread, most self time (ms): ${top.map((t) => `${t.what} ${Math.round(t.ms)}`).join(', ')}`,
      );
  }
  if (run.save) {
    const r = run.save.receiver;
    lines.push(
      `    then Save (browser download to disk): ${sec(run.save.ms)}; receiver ${cpuWords(r, run.save.ms)}; ${heapWords(r)}`,
    );
    lines.push(`      ${memoryWords(r)}`);
  }
  return lines;
}

interface Row {
  name: string;
  runs: Run[];
}

function rowsOf(suite: Suite): Row[] {
  const rows: Row[] = [];
  for (const v of ['raw', 'ours', 'peerjs'] as const) {
    const runs = suite.runs.filter((r) => r.variant === v);
    if (runs.length) rows.push({ name: VARIANT_NAMES[v], runs });
  }
  return rows;
}

export function medianOf(suite: Suite, v: Variant, f: (r: Run) => number): number {
  return median(suite.runs.filter((r) => r.variant === v).map(f));
}

/** The table of one suite: every round's MB/s, medians of each figure. */
export function suiteTable(suite: Suite): string[] {
  const lines = [
    `${suite.origin === 'secure' ? 'secure origin (OPFS)' : 'plain http (IndexedDB)'}, ${formatSize(suite.size)}, ` +
      `${suite.rounds} round(s), alice -> bob on the test LAN; medians over rounds:`,
  ];
  if (suite.sweep.length > 0) {
    const sweep = suite.sweep.map((r) => `${r.setting} ${r.mbps.toFixed(1)}`).join(' | ');
    lines.push(`  raw sweep (MB/s, ${formatSize(suite.sweep[0]!.bytes)} each, one run each): ${sweep}`);
  }
  if (suite.best) lines.push(`  raw in the rounds: ${describeSetting(suite.best)}`);
  const head = [
    'variant'.padEnd(20),
    'MB/s per round'.padEnd(20),
    'median'.padStart(7),
    'stream'.padStart(7),
    'TTFB'.padStart(7),
    'CPU s recv/send'.padStart(16),
    'long tasks recv/send'.padStart(21),
    'RSS recv/send'.padStart(18),
    'heap recv'.padStart(10),
    'noise'.padStart(6),
  ];
  lines.push(`  ${head.join(' ')}`);
  for (const row of rowsOf(suite)) {
    const m = (f: (r: Run) => number) => median(row.runs.map(f));
    const cells = [
      row.name.padEnd(20),
      row.runs
        .map((r) => r.mbps.toFixed(1))
        .join(' ')
        .padEnd(20),
      m((r) => r.mbps)
        .toFixed(1)
        .padStart(7),
      m((r) => r.streamMbps)
        .toFixed(1)
        .padStart(7),
      sec(m((r) => r.ttfbMs)).padStart(7),
      `${(m((r) => r.receiver.cpu.totalMs) / 1000).toFixed(1)}/${(m((r) => r.sender.cpu.totalMs) / 1000).toFixed(1)}`.padStart(
        16,
      ),
      `${sec(m((r) => r.receiver.longTasks.totalMs))}/${sec(m((r) => r.sender.longTasks.totalMs))}`.padStart(
        21,
      ),
      `${mib(m((r) => r.receiver.memory.peakSum - r.receiver.memory.baselineSum))}/${mib(
        m((r) => r.sender.memory.peakSum - r.sender.memory.baselineSum),
      )}`.padStart(18),
      mib(m((r) => r.receiver.heap.peak - r.receiver.heap.baseline)).padStart(10),
      m((r) => r.machine.otherMs / r.windowMs)
        .toFixed(2)
        .padStart(6),
    ];
    lines.push(`  ${cells.join(' ')}`);
  }
  return lines;
}

/** Where each variant's CPU went, by thread (median seconds over rounds), on both sides. */
export function threadTable(suite: Suite): string[] {
  const lines = [
    '  CPU by thread, median s (network/Chrome_ChildIOT = UDP in the network service; renderer/WebRTC_W_and_N =',
    '  SCTP and DTLS; renderer/chromium = the page main thread; DedicatedWorker = hashing or OPFS worker):',
  ];
  for (const row of rowsOf(suite)) {
    for (const side of ['receiver', 'sender'] as const) {
      const names = new Set(row.runs.flatMap((r) => r[side].cpu.topThreads.map((t) => t.name)));
      const cells = [...names]
        .map((name) => ({
          name,
          s: median(row.runs.map((r) => r[side].cpu.topThreads.find((t) => t.name === name)?.ms ?? 0)) / 1000,
        }))
        .filter((c) => c.s >= 0.1)
        .sort((a, b) => b.s - a.s)
        .slice(0, 8)
        .map((c) => `${c.name} ${c.s.toFixed(1)}`);
      lines.push(`    ${row.name}, ${side}: ${cells.join(', ')}`);
    }
  }
  return lines;
}

/** Ratios against the secure suite's raw median (the best single-connection figure) and peerjs-default. */
export function ratioLines(suites: Suite[]): string[] {
  const lines: string[] = [];
  const secure = suites.find((s) => s.origin === 'secure') ?? suites[0];
  if (!secure) return ['ours/raw: n/a'];
  const raw = medianOf(secure, 'raw', (r) => r.mbps);
  const peerjs = medianOf(secure, 'peerjs', (r) => r.mbps);
  for (const s of suites) {
    const ours = medianOf(s, 'ours', (r) => r.mbps);
    const own = medianOf(s, 'raw', (r) => r.mbps);
    if (s !== secure && Number.isFinite(ours))
      lines.push(
        `${s.origin}: ours ${ours.toFixed(1)} MB/s, ours/raw (same origin) ${(ours / own).toFixed(2)}`,
      );
  }
  const ours = medianOf(secure, 'ours', (r) => r.mbps);
  lines.push(`ours/peerjs-default: ${(ours / peerjs).toFixed(2)}`);
  lines.push(`ours/raw: ${(ours / raw).toFixed(2)}`);
  return lines;
}
