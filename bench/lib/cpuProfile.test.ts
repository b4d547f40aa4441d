import { describe, expect, it } from 'vitest';
import { selfTimes } from './cpuProfile.ts';

describe('selfTimes', () => {
  it('sums the time each sample stands for per function, idle left out, most first', () => {
    const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(idle)') },
        { id: 2, callFrame: frame('receive', 'https://x/assets/index-abc.js?v=1', 9) },
        { id: 3, callFrame: frame('(garbage collector)') },
      ],
      samples: [2, 2, 1, 3, 2],
      timeDeltas: [0, 1000, 2000, 500, 3000],
    };
    expect(selfTimes(profile)).toEqual([
      { what: 'receive index-abc.js:10', ms: 3 },
      { what: '(garbage collector)', ms: 3 },
    ]);
  });
});
