import { describe, expect, it } from 'vitest';
import { linkUse } from './probes.ts';

const MIB = 1024 * 1024;

describe('link use from bufferedAmount samples', () => {
  it('holds each sample until the next and clips to the window', () => {
    // queue: 2 MiB from 0 to 100, empty from 100 to 300, 4 MiB from 300 to 400
    const samples = [0, 2 * MIB, 100, 0, 300, 4 * MIB, 400, 0];
    const use = linkUse([{ label: 'x', samples }], 'x', 0, 400)!;
    expect(use.idleFraction).toBeCloseTo(0.5);
    expect(use.meanBufferedMiB).toBeCloseTo((2 * 100 + 4 * 100) / 400);
    expect(use.maxSampleGapMs).toBe(200);
    const clipped = linkUse([{ label: 'x', samples }], 'x', 50, 150)!;
    expect(clipped.idleFraction).toBeCloseTo(0.5);
  });

  it('looks only at the named channel, and gives nothing without samples', () => {
    expect(linkUse([{ label: 'other', samples: [0, 0, 10, 0] }], 'x', 0, 10)).toBeNull();
    expect(linkUse([], 'x', 0, 10)).toBeNull();
  });
});
