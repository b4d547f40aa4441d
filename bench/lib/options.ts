// What `npm run bench` was asked to do. bench/run.ts turns its flags into these environment variables,
// so `npx vitest run --config bench/vitest.config.ts` honours them too.
//   BENCH_SIZE     file size: bytes or with a unit, e.g. 256MiB, 1GiB, 4GiB+1 (default 256MiB)
//   BENCH_ROUNDS   rounds alternating ours / raw / peerjs-default (default 3)
//   BENCH_PLAIN    0 skips the plain-http row (default 1)
//   BENCH_ONLY     comma list of ours, raw, peerjs (default all three)
//   BENCH_SWEEP    0 skips the raw sweep and uses 64 KiB messages, 4/8 MiB water marks
//   BENCH_SAVE     0 skips pressing Save after each of ours (a browser download, measured apart)
//   BENCH_QUIET    seconds each run may wait for the machine to be quiet first (default 30; 0 = never)
//   BENCH_RESULTS  where the JSON results go (bench/run.ts reads them for the closing table)
//   BENCH_PROFILE  a directory: CPU-profile both pages' main threads in every round (.cpuprofile files)
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Variant = 'ours' | 'raw' | 'peerjs';
export const VARIANTS: readonly Variant[] = ['ours', 'raw', 'peerjs'];

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kib: KiB,
  mib: MiB,
  gib: GiB,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
};

/** "256MiB", "4GiB+1", "1.5GiB", "1000000" -> bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*(?:\+\s*(\d+))?\s*$/i.exec(text);
  const unit = UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined) throw new Error(`not a size: "${text}" (try 256MiB, 1GiB, 4GiB+1)`);
  const bytes = Math.round(Number(m[1]) * unit) + Number(m[3] ?? 0);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new Error(`size out of range: "${text}"`);
  return bytes;
}

export function formatSize(bytes: number): string {
  const unit = (
    [
      ['GiB', GiB],
      ['MiB', MiB],
      ['KiB', KiB],
    ] as const
  ).find(([, n]) => bytes >= n);
  if (!unit) return `${bytes} B`;
  const [name, n] = unit;
  const rest = bytes % n;
  if (rest === 0) return `${bytes / n} ${name}`;
  // 4 GiB + 1 B stays readable as such
  if (rest < KiB) return `${(bytes - rest) / n} ${name} + ${rest} B`;
  return `${(bytes / n).toFixed(2)} ${name}`;
}

export interface RawSetting {
  /** bytes per message (at most the channel's maxMessageSize) */
  message: number;
  /** pause sending when a message would take the queue above this many bytes ... */
  high: number;
  /** ... until it falls to this */
  low: number;
}

export const DEFAULT_RAW: RawSetting = { message: 64 * KiB, high: 8 * MiB, low: 4 * MiB };

/** Message sizes x water marks (low/high), within what the channel accepts. */
export function sweepSettings(maxMessageSize: number): RawSetting[] {
  const messages = [16 * KiB, 64 * KiB, 256 * KiB].filter((m) => m <= maxMessageSize);
  const marks = [
    [1, 4],
    [4, 8],
    [8, 16],
  ] as const;
  return messages.flatMap((message) =>
    marks.map(([low, high]) => ({ message, low: low * MiB, high: high * MiB })),
  );
}

export function describeSetting(s: RawSetting): string {
  return `${s.message / KiB} KiB msgs, ${s.low / MiB}/${s.high / MiB} MiB`;
}

export interface BenchOptions {
  size: number;
  rounds: number;
  plain: boolean;
  variants: Variant[];
  sweep: boolean;
  save: boolean;
  quietWaitMs: number;
  resultsPath: string;
  /** where CPU profiles of the pages go, when asked (profiling costs a little CPU itself) */
  profileDir: string | null;
}

export function benchOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const variants = (env.BENCH_ONLY ?? VARIANTS.join(','))
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  for (const v of variants)
    if (!VARIANTS.includes(v as Variant)) throw new Error(`BENCH_ONLY: unknown variant "${v}"`);
  const rounds = Number(env.BENCH_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a positive integer`);
  if (!(Number(env.BENCH_QUIET ?? 30) >= 0)) throw new Error('BENCH_QUIET must be a number of seconds');
  return {
    size: parseSize(env.BENCH_SIZE ?? '256MiB'),
    rounds,
    plain: env.BENCH_PLAIN !== '0',
    variants: variants as Variant[],
    sweep: env.BENCH_SWEEP !== '0',
    save: env.BENCH_SAVE !== '0',
    quietWaitMs: Number(env.BENCH_QUIET ?? 30) * 1000,
    resultsPath: env.BENCH_RESULTS ?? join(tmpdir(), 'meshdrop-bench-results.json'),
    profileDir: env.BENCH_PROFILE || null,
  };
}
