import { describe, expect, it } from 'vitest';
import { controlMessage, MAX_HAVE_RANGES } from '../../worker/protocol/transfer.ts';
import { HaveMap, toRanges, validRanges } from '../src/transfer/haveMap.ts';

describe('HaveMap', () => {
  it('holds chunks as bits, counts them and lists them as ranges', () => {
    const m = new HaveMap(20);
    expect(m.add(3)).toBe(true);
    expect(m.add(3)).toBe(false);
    for (const i of [4, 5, 9, 19]) m.add(i);
    expect(m.size).toBe(5);
    expect(m.has(4)).toBe(true);
    expect(m.has(6)).toBe(false);
    expect(m.ranges()).toEqual([[3, 6, 9, 10, 19, 20]]);
    expect(HaveMap.full(10).complete).toBe(true);
    expect(new HaveMap(0).complete).toBe(true);
  });

  it('never grows: indices outside the count are refused', () => {
    const m = new HaveMap(8);
    expect(m.add(8)).toBe(false);
    expect(m.add(-1)).toBe(false);
    expect(m.add(1.5)).toBe(false);
    expect(m.has(8)).toBe(false);
    expect(m.size).toBe(0);
  });

  it('takes a claim all or nothing, and returns what is new', () => {
    const m = new HaveMap(10);
    expect(m.addRanges([0, 2, 5, 6])).toEqual([0, 1, 5]);
    expect(m.addRanges([1, 3])).toEqual([2]);
    for (const bad of [
      [],
      [1],
      [0, 11], // beyond the chunk count
      [3, 3], // empty
      [4, 2], // backwards
      [5, 7, 6, 8], // overlapping
      [5, 7, 1, 2], // descending
      [0, 1.5],
      [-1, 2],
    ]) {
      expect(m.addRanges(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(m.indices()).toEqual([0, 1, 2, 5]);
  });

  it('splits a fragmented map into messages of at most MAX_HAVE_RANGES ranges, each one valid on the wire', () => {
    const every2nd = Array.from({ length: 3 * MAX_HAVE_RANGES }, (_, k) => 2 * k);
    const messages = toRanges(every2nd);
    expect(messages.map((r) => r.length / 2)).toEqual([MAX_HAVE_RANGES, MAX_HAVE_RANGES, MAX_HAVE_RANGES]);
    for (const ranges of messages) {
      expect(validRanges(ranges, 6 * MAX_HAVE_RANGES)).toBe(true);
      expect(controlMessage.safeParse({ t: 'have', id: 1, ranges }).success).toBe(true);
      expect(JSON.stringify({ t: 'have', id: 1, ranges }).length).toBeLessThan(16 * 1024);
    }
    const back = new HaveMap(6 * MAX_HAVE_RANGES);
    for (const r of messages) back.addRanges(r);
    expect(back.indices()).toEqual(every2nd);
  });

  it('refuses oversized or odd have messages at the schema, before anything is allocated', () => {
    const tooMany = Array.from({ length: 2 * MAX_HAVE_RANGES + 2 }, (_, k) => k);
    expect(controlMessage.safeParse({ t: 'have', id: 1, ranges: tooMany }).success).toBe(false);
    expect(controlMessage.safeParse({ t: 'have', id: 1, ranges: [0, 1, 2] }).success).toBe(false);
    expect(controlMessage.safeParse({ t: 'have', id: 1, ranges: [0, 2 ** 40] }).success).toBe(false);
    expect(controlMessage.safeParse({ t: 'have', id: 1, ranges: [] }).success).toBe(false);
  });
});
