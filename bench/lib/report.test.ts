import { describe, expect, it } from 'vitest';
import { median } from './report.ts';

describe('median', () => {
  it('is the middle value of an odd count and the mean of the two middle values of an even one', () => {
    expect(median([9, 1, 5])).toBe(5);
    // the old bench took index floor(n/2) of two rounds: the maximum
    expect(median([10, 20])).toBe(15);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});
