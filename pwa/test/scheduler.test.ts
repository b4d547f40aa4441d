import { describe, expect, it } from 'vitest';
import { ChunkScheduler, MAX_BAD_CHUNKS_PER_SOURCE } from '../src/transfer/scheduler.ts';

describe('ChunkScheduler', () => {
  it('hands out each chunk once, lowest first, across sources', () => {
    const s = new ChunkScheduler(10);
    expect(s.take('a', 3)).toEqual([0, 1, 2]);
    expect(s.take('b', 3)).toEqual([3, 4, 5]);
    expect(s.take('a', 10)).toEqual([6, 7, 8, 9]);
    expect(s.take('b', 1)).toEqual([]);
  });

  it('completes when every chunk is done, and ignores unexpected completions', () => {
    const s = new ChunkScheduler(3);
    const taken = s.take('a', 3);
    expect(s.markDone(1)).toBe(true);
    expect(s.markDone(1)).toBe(false);
    for (const i of taken) s.markDone(i);
    expect(s.complete).toBe(true);
    expect(s.doneCount).toBe(3);
    expect(new ChunkScheduler(0).complete).toBe(true);
  });

  it('asks again for a rejected chunk, first in line', () => {
    const s = new ChunkScheduler(5);
    s.take('a', 3);
    s.markDone(0);
    s.reject(1);
    expect(s.rejected).toBe(1);
    expect(s.stateOf(1)).toBe('missing');
    expect(s.take('a', 2)).toEqual([1, 3]);
  });

  it('bans a source after repeated bad chunks and gives its work to others', () => {
    const s = new ChunkScheduler(10);
    s.take('evil', 5);
    let banned = false;
    for (let i = 0; i < MAX_BAD_CHUNKS_PER_SOURCE; i++) banned = s.reject(i);
    expect(banned).toBe(true);
    expect(s.isUsable('evil')).toBe(false);
    expect(s.take('evil', 5)).toEqual([]);
    expect(s.inflight('evil')).toEqual([]);
    expect(s.take('good', 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('requeues what a lost source had in flight', () => {
    const s = new ChunkScheduler(6);
    s.take('a', 2);
    s.take('b', 2);
    s.markDone(2);
    s.release('b');
    expect(s.inflight('b')).toEqual([]);
    expect(s.take('a', 5)).toEqual([3, 4, 5]);
  });

  it('resumes from chunks already stored', () => {
    const s = new ChunkScheduler(5, [0, 1, 3, 3, 99]);
    expect(s.doneCount).toBe(3);
    expect(s.take('a', 5)).toEqual([2, 4]);
  });
});
