// Run records and stale-run cleanup. Each run writes /tmp/meshdrop-e2e/<runId>.json
// (owner pid + its start time) BEFORE it creates anything, so a namespace with
// our prefix and no live owner is always a leftover of a crashed run.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NS_PREFIX, RECORD_DIR } from './config.ts';
import { deleteNamespace, listNamespaces, removeEtcNetns } from './netns.ts';
import { isAlive, startTimeOf } from './procs.ts';

export interface RunRecordData {
  runId: string;
  pid: number;
  startTime: string;
  octet: number;
  namespaces: string[];
  dirs: string[];
}

export class RunRecord {
  readonly data: RunRecordData;

  constructor(runId: string, octet: number) {
    this.data = {
      runId,
      pid: process.pid,
      startTime: startTimeOf(process.pid) ?? '',
      octet,
      namespaces: [],
      dirs: [],
    };
    this.save();
  }

  get path(): string {
    return join(RECORD_DIR, `${this.data.runId}.json`);
  }

  addNamespace(ns: string): void {
    this.data.namespaces.push(ns);
    this.save();
  }

  addDir(dir: string): void {
    this.data.dirs.push(dir);
    this.save();
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }

  private save(): void {
    mkdirSync(RECORD_DIR, { recursive: true });
    writeFileSync(this.path, JSON.stringify(this.data, null, 2));
  }
}

// namespaces and temp dirs are both named mdlan-<runId>-<what>
export function runIdOf(name: string): string | undefined {
  if (!name.startsWith(NS_PREFIX)) return undefined;
  return name.slice(NS_PREFIX.length).split('-')[0];
}

function readRecords(): RunRecordData[] {
  let names: string[];
  try {
    names = readdirSync(RECORD_DIR).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const records: RunRecordData[] = [];
  for (const name of names) {
    try {
      records.push(JSON.parse(readFileSync(join(RECORD_DIR, name), 'utf8')) as RunRecordData);
    } catch {
      // half-written by a run killed mid-write: treat as dead
      rmSync(join(RECORD_DIR, name), { force: true });
    }
  }
  return records;
}

function ownerAlive(record: RunRecordData): boolean {
  return isAlive(record.pid) && startTimeOf(record.pid) === record.startTime;
}

export function liveRuns(): RunRecordData[] {
  return readRecords().filter(ownerAlive);
}

// Removes namespaces, /etc/netns entries, temp dirs and records of runs whose
// owner process is gone. Returns what it removed, for the log.
export async function cleanupStale(): Promise<string[]> {
  const removed: string[] = [];
  const live = new Set<string>();
  for (const record of readRecords()) {
    if (ownerAlive(record)) {
      live.add(record.runId);
      continue;
    }
    for (const dir of record.dirs) rmSync(dir, { recursive: true, force: true });
    removed.push(`record ${record.runId} (pid ${record.pid})`);
    rmSync(join(RECORD_DIR, `${record.runId}.json`), { force: true });
  }
  for (const ns of await listNamespaces()) {
    const runId = runIdOf(ns);
    if (runId === undefined || live.has(runId)) continue;
    await deleteNamespace(ns);
    removed.push(`namespace ${ns}`);
  }
  for (const ns of safeReaddir('/etc/netns')) {
    const runId = runIdOf(ns);
    if (runId !== undefined && !live.has(runId)) removeEtcNetns(ns);
  }
  for (const dir of safeReaddir(tmpdir())) {
    const runId = runIdOf(dir);
    if (runId === undefined || live.has(runId)) continue;
    rmSync(join(tmpdir(), dir), { recursive: true, force: true });
    removed.push(`dir ${dir}`);
  }
  return removed;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
