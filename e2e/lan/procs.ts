// Process bookkeeping read straight from /proc. Zombies are ignored: pid 1 in
// this sandbox is not a classic init, so reaped-late zombies can linger and
// must not count as "still running".
import { readFileSync } from 'node:fs';

interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  startTime: string;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may contain spaces and parentheses: split after the last ')'
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return {
      pid,
      state: rest[0] ?? '?',
      ppid: Number(rest[1]),
      startTime: rest[19] ?? '',
    };
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

// start time (clock ticks since boot) tells a live owner from a reused pid
export function startTimeOf(pid: number): string | undefined {
  return readStat(pid)?.startTime;
}

export function parentOf(pid: number): number | undefined {
  return readStat(pid)?.ppid;
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
