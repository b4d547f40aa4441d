// `npm run bench`: runs the benches (vitest, bench/vitest.config.ts) and closes with the transfer table,
// whose last line is `ours/raw: <ratio>`. Flags (vitest rejects unknown ones, so they become env vars):
//   --size <bytes|256MiB|4GiB+1>  --rounds <n>  --no-plain  --only ours,raw,peerjs  --no-sweep  --no-save
//   --quiet <seconds to wait for a quiet machine before each run>  --profile <dir for .cpuprofile files>
// Anything else goes to vitest, e.g. a file filter: `npm run bench -- --size 1GiB --rounds 1 transfer`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchOptions, formatSize } from './lib/options.ts';
import { LEGEND, ratioLines, suiteTable, threadTable } from './lib/report.ts';
import type { Suite } from './lib/transferBench.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FLAGS: Record<string, string> = {
  '--size': 'BENCH_SIZE',
  '--rounds': 'BENCH_ROUNDS',
  '--only': 'BENCH_ONLY',
  '--profile': 'BENCH_PROFILE',
};
const SWITCHES: Record<string, [string, string]> = {
  '--no-plain': ['BENCH_PLAIN', '0'],
  '--no-sweep': ['BENCH_SWEEP', '0'],
  '--no-save': ['BENCH_SAVE', '0'],
};

const env = { ...process.env };
const passthrough: string[] = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
  const name = FLAGS[flag];
  if (name) {
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    env[name] = value;
  } else if (SWITCHES[flag]) {
    const [key, value] = SWITCHES[flag];
    env[key] = value;
  } else passthrough.push(argv[i]!);
}

let opts: ReturnType<typeof benchOptions>;
try {
  opts = benchOptions(env);
} catch (err) {
  console.error(`bench: ${(err as Error).message}`);
  process.exit(2);
}
rmSync(opts.resultsPath, { force: true });
console.log(
  `bench: ${formatSize(opts.size)}, ${opts.rounds} round(s), ${opts.variants.join('/')}` +
    `${opts.sweep ? ', raw sweep' : ''}${opts.plain ? ', plain-http row' : ''}`,
);

const vitest = spawnSync(
  process.execPath,
  [`${ROOT}node_modules/vitest/vitest.mjs`, 'run', '--config', 'bench/vitest.config.ts', ...passthrough],
  { cwd: ROOT, env, stdio: 'inherit' },
);

if (existsSync(opts.resultsPath)) {
  const { suites } = JSON.parse(readFileSync(opts.resultsPath, 'utf8')) as { suites: Suite[] };
  console.log(`\n== transfer bench (every round above; medians here) ==`);
  console.log(LEGEND.join('\n'));
  for (const s of suites) console.log([...suiteTable(s), ...threadTable(s)].join('\n'));
  console.log(ratioLines(suites).join('\n'));
}
process.exit(vitest.status ?? 1);
