import { describe, expect, it } from 'vitest';
import { benchOptions, describeSetting, formatSize, GiB, MiB, parseSize, sweepSettings } from './options.ts';

describe('sizes', () => {
  it('reads bytes, binary and decimal units, and a byte offset', () => {
    expect(parseSize('256MiB')).toBe(256 * MiB);
    expect(parseSize('4GiB+1')).toBe(4 * GiB + 1);
    expect(parseSize('1.5gib')).toBe(1.5 * GiB);
    expect(parseSize('1000000')).toBe(1_000_000);
    expect(parseSize('10MB')).toBe(10_000_000);
  });

  it('refuses what is not a size', () => {
    for (const bad of ['', 'big', '12XB', '-1MiB', '0', '1e3']) expect(() => parseSize(bad)).toThrow();
  });

  it('prints sizes the way they were asked for', () => {
    expect(formatSize(256 * MiB)).toBe('256 MiB');
    expect(formatSize(4 * GiB + 1)).toBe('4 GiB + 1 B');
    expect(formatSize(1.5 * GiB)).toBe('1.50 GiB');
    expect(formatSize(100)).toBe('100 B');
  });
});

describe('bench options', () => {
  it('defaults to 256 MiB, 3 rounds, every variant, the sweep and the plain-http row', () => {
    const o = benchOptions({});
    expect(o).toMatchObject({
      size: 256 * MiB,
      rounds: 3,
      plain: true,
      sweep: true,
      save: true,
      quietWaitMs: 30_000,
    });
    expect(o.variants).toEqual(['ours', 'raw', 'peerjs']);
  });

  it('takes its settings from the environment and rejects nonsense', () => {
    const o = benchOptions({
      BENCH_SIZE: '4GiB+1',
      BENCH_ROUNDS: '1',
      BENCH_PLAIN: '0',
      BENCH_ONLY: 'ours,raw',
    });
    expect(o).toMatchObject({ size: 4 * GiB + 1, rounds: 1, plain: false, variants: ['ours', 'raw'] });
    expect(() => benchOptions({ BENCH_ONLY: 'ours,fast' })).toThrow(/fast/);
    expect(() => benchOptions({ BENCH_ROUNDS: '0' })).toThrow();
    expect(() => benchOptions({ BENCH_QUIET: 'soon' })).toThrow();
  });
});

describe('raw sweep', () => {
  it('tries 16, 64 and 256 KiB messages with three pairs of water marks, within maxMessageSize', () => {
    const all = sweepSettings(256 * 1024);
    expect(all).toHaveLength(9);
    expect(all.map(describeSetting)).toContain('256 KiB msgs, 8/16 MiB');
    // a channel that takes only 64 KiB messages is not sent 256 KiB ones
    expect(sweepSettings(65536).every((s) => s.message <= 65536)).toBe(true);
    expect(sweepSettings(65536)).toHaveLength(6);
  });
});
