// Download throughput of the engine through the UI (PeerJS, framing, SHA-256 per chunk, storage, the
// finish) against a bare RTCDataChannel at its best setting and against PeerJS's default serialization,
// between the same two Chromium devices on the test LAN, rounds alternating. Also CPU time of both
// browsers, long tasks in both pages, RSS of every browser process and the pages' JS heaps.
// Options: bench/lib/options.ts (`npm run bench -- --size 1GiB --rounds 1`).
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPrerequisites } from '../e2e/lan/index.ts';
import { twoDevices } from '../e2e/pwa/support.ts';
import {
  benchOptions,
  DEFAULT_RAW,
  formatSize,
  MiB,
  type RawSetting,
  sweepSettings,
  type Variant,
} from './lib/options.ts';
import { LEGEND, ratioLines, runLines, suiteTable, threadTable } from './lib/report.ts';
import { suiteProblems } from './lib/sanity.ts';
import { type Suite, TransferBench } from './lib/transferBench.ts';

const skip = checkPrerequisites();
const opts = benchOptions();
const suites: Suite[] = [];
const sweepSize = Math.min(opts.size, 64 * MiB);
// about 3 MB/s for every transfer plus set-up: a stall fails, a slow machine does not
const budget = (transfers: number, bytes: number) => 120_000 + transfers * (10_000 + bytes / 3_000);

function save(): void {
  writeFileSync(opts.resultsPath, JSON.stringify({ options: opts, suites }, null, 1));
}

function print(suite: Suite): void {
  console.log([...suite.sweep, ...suite.runs].flatMap(runLines).join('\n'));
  console.log([...LEGEND, ...suiteTable(suite), ...threadTable(suite)].join('\n'));
}

/** One pair of devices on one kind of origin, measured as a suite; its figures are printed and saved. */
function benchSuite(
  origin: Suite['origin'],
  title: string,
  variants: Variant[],
  settings: (bench: TransferBench) => Promise<RawSetting[]>,
): void {
  const env = twoDevices({ secure: origin === 'secure' });
  const bench = new TransferBench(env, opts.quietWaitMs, opts.profileDir);
  afterAll(() => bench.cleanup());
  const transfers = (settings === sweepAll ? 9 : 0) + variants.length * opts.rounds;
  it(
    `${title}, ${formatSize(opts.size)}, ${opts.rounds} rounds`,
    async () => {
      await bench.prepare(variants.includes('ours') ? opts.rounds : 1, opts.size);
      const sweep = await settings(bench);
      const suite = await bench.suite(
        origin,
        { size: opts.size, rounds: opts.rounds, variants, sweep, sweepSize, save: opts.save },
        (line) => console.log(line),
      );
      suites.push(suite);
      save();
      print(suite);
      console.log(ratioLines(suites).join('\n'));
      expect(suiteProblems(suite, sweepSize)).toEqual([]);
    },
    budget(transfers, opts.size),
  );
}

const sweepAll = async (bench: TransferBench) =>
  opts.sweep ? sweepSettings(await bench.maxMessageSize()) : [DEFAULT_RAW];
// plain http: raw at the secure suite's best setting (the network is the same)
const secureBest = async () => [suites.find((s) => s.origin === 'secure')?.best ?? DEFAULT_RAW];

describe.skipIf(skip)('transfer, secure origin', () => {
  benchSuite('secure', 'ours vs raw vs peerjs-default', opts.variants, sweepAll);
});

describe.skipIf(skip || !opts.plain || !opts.variants.includes('ours'))('transfer, plain http', () => {
  benchSuite(
    'plain',
    'ours (IndexedDB) vs raw',
    opts.variants.filter((v) => v !== 'peerjs'),
    secureBest,
  );
});
