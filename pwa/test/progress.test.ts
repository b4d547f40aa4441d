import { describe, expect, it } from 'vitest';
import { equalBytes, HashesAssembler } from '../src/transfer/assemble.ts';
import { SpeedMeter, snapshot } from '../src/transfer/progress.ts';

describe('speed and ETA', () => {
  it('measures bytes per second over the window', () => {
    const m = new SpeedMeter(3000);
    m.add(0, 0);
    m.add(1000, 1_000_000);
    m.add(2000, 2_000_000);
    expect(m.speed(2000)).toBeCloseTo(1_000_000);
    // old samples fall out of the window: the recent rate wins
    m.add(5000, 8_000_000);
    expect(m.speed(5000)).toBeCloseTo(2_000_000);
  });

  it('slows towards 0 during a stall instead of freezing', () => {
    const m = new SpeedMeter(3000);
    m.add(0, 0);
    m.add(1000, 1_000_000);
    expect(m.speed(4000)).toBeCloseTo(250_000);
  });

  it('computes fraction and ETA', () => {
    expect(snapshot(25, 100, 5)).toEqual({ bytes: 25, total: 100, fraction: 0.25, speed: 5, eta: 15 });
    expect(snapshot(25, 100, 0).eta).toBeNull();
    expect(snapshot(0, 0, 0)).toMatchObject({ fraction: 1, eta: 0 });
    expect(snapshot(100, 100, 0).eta).toBe(0);
  });
});

describe('assemblers', () => {
  it('assemble manifest hashes', () => {
    const h = new HashesAssembler(3);
    expect(h.add(0, new Uint8Array(64).fill(1))).toBe(true);
    expect(h.add(0, new Uint8Array(32))).toBe(false);
    expect(h.add(2, new Uint8Array(31))).toBe(false);
    expect(h.add(2, new Uint8Array(64))).toBe(false);
    expect(h.add(2, new Uint8Array(32).fill(3))).toBe(true);
    expect(h.complete).toBe(true);
    expect(h.hashOf(2)[0]).toBe(3);
    expect(new HashesAssembler(0).complete).toBe(true);
  });

  it('compare bytes', () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 2]))).toBe(false);
  });
});
