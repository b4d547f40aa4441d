// Keeps `npm run bench` working: the transfer bench's whole procedure on a small file, one round of each
// variant, must complete with figures that hang together (bench/lib/sanity.ts). Never a speed check.
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RAW, MiB } from '../../bench/lib/options.ts';
import { ratioLines, runLines } from '../../bench/lib/report.ts';
import { suiteProblems } from '../../bench/lib/sanity.ts';
import { TransferBench } from '../../bench/lib/transferBench.ts';
import { checkPrerequisites } from '../lan/index.ts';
import { twoDevices } from '../pwa/support.ts';

const skip = checkPrerequisites();
const SIZE = 8 * MiB;
const SWEEP = 4 * MiB;

describe.skipIf(skip)('the transfer bench', () => {
  const env = twoDevices({ secure: true });
  const bench = new TransferBench(env);
  afterAll(() => bench.cleanup());

  it('measures ours, raw and peerjs-default once each, with sane figures', async () => {
    await bench.prepare(1, SIZE);
    const suite = await bench.suite(
      'secure',
      { size: SIZE, rounds: 1, variants: ['ours', 'raw', 'peerjs'], sweep: [DEFAULT_RAW], sweepSize: SWEEP },
      () => {},
    );
    const problems = suiteProblems(suite, SWEEP);
    if (problems.length > 0) console.log([...suite.sweep, ...suite.runs].flatMap(runLines).join('\n'));
    expect(problems).toEqual([]);
    expect(suite.runs.map((r) => r.variant).sort()).toEqual(['ours', 'peerjs', 'raw']);
    // the engine's run went through its own channel and stored every chunk before offering Save
    const ours = suite.runs.find((r) => r.variant === 'ours')!;
    expect(ours.tail).toBeDefined();
    expect(ours.link?.samples).toBeGreaterThan(0);
    expect(ratioLines([suite]).at(-1)).toMatch(/^ours\/raw: \d+\.\d\d$/);
  });
});
