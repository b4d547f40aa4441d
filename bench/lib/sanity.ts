// Figures that cannot be right: a bench that measures nothing, or measures the wrong thing, says so here
// instead of printing numbers. Checks consistency only, never a speed.
import { MiB } from './options.ts';
import type { Run, Side, Suite } from './transferBench.ts';

const CORES = 2;

function sideProblems(who: string, side: Side, windowMs: number): string[] {
  const out: string[] = [];
  const { cpu, memory, longTasks, heap } = side;
  if (!(cpu.totalMs > 0)) out.push(`${who} used no CPU`);
  // a browser cannot use more than the machine had during the window (plus sampling slack)
  if (cpu.totalMs > windowMs * CORES + 1_000) out.push(`${who} CPU ${cpu.totalMs} ms exceeds ${CORES} cores`);
  if (!(memory.baselineSum > 20 * MiB))
    out.push(`${who} RSS baseline ${memory.baselineSum} is not a browser`);
  if (memory.peakSum < memory.baselineSum) out.push(`${who} RSS peak below its baseline`);
  if (memory.samples < 2) out.push(`${who} RSS sampled ${memory.samples} times`);
  if (!(longTasks.totalMs >= 0 && longTasks.totalMs <= windowMs + 1_000))
    out.push(`${who} long tasks ${longTasks.totalMs} ms outside the window`);
  if (!(heap.baseline > 0 && heap.peak >= heap.baseline)) out.push(`${who} JS heap not measured`);
  return out;
}

export function runProblems(run: Run, expectedBytes: number): string[] {
  const name = `${run.variant}${run.setting ? ` [${run.setting}]` : ''} round ${run.round + 1}`;
  const out: string[] = [];
  if (run.bytes !== expectedBytes) out.push(`got ${run.bytes} bytes, not ${expectedBytes}`);
  if (!(run.windowMs > 0) || !Number.isFinite(run.mbps) || !(run.mbps > 0))
    out.push(`window ${run.windowMs} ms`);
  if (!(run.ttfbMs > 0 && run.ttfbMs <= run.windowMs)) out.push(`TTFB ${run.ttfbMs} ms outside the window`);
  if (!Number.isFinite(run.streamMbps) || !(run.streamMbps > 0)) out.push(`stream rate ${run.streamMbps}`);
  const t = run.timeline;
  if (!(t.requestedAt <= t.firstByteAt && t.firstByteAt <= t.lastByteAt && t.lastByteAt <= t.endAt))
    out.push(`timeline out of order: ${JSON.stringify(t)}`);
  if (run.tail && !(run.tail.storedMs >= 0 && run.tail.readyMs >= 0))
    out.push(`tail ${JSON.stringify(run.tail)}`);
  if (run.link && !(run.link.samples > 0)) out.push('the sender queue was never sampled');
  out.push(
    ...sideProblems('receiver', run.receiver, run.windowMs),
    ...sideProblems('sender', run.sender, run.windowMs),
  );
  return out.map((p) => `${name}: ${p}`);
}

export function suiteProblems(suite: Suite, sweepBytes: number): string[] {
  return [
    ...suite.sweep.flatMap((r) => runProblems(r, sweepBytes)),
    ...suite.runs.flatMap((r) => runProblems(r, suite.size)),
  ];
}
