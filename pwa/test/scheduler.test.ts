import { describe, expect, it } from 'vitest';
import { ChunkScheduler, MAX_BAD_CHUNKS_PER_SOURCE, SOURCE_DEADLINES } from '../src/transfer/scheduler.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const lengthOf = () => MiB;
const many = { maxChunks: 1000, maxBytes: Number.POSITIVE_INFINITY };
const up = (n: number) => ({ maxChunks: n, maxBytes: Number.POSITIVE_INFINITY });

describe('ChunkScheduler', () => {
  it('hands out each chunk once, lowest first, across sources', () => {
    const s = new ChunkScheduler(10, lengthOf);
    expect(s.take('a', 0, up(3))).toEqual([0, 1, 2]);
    expect(s.take('b', 0, up(3))).toEqual([3, 4, 5]);
    expect(s.take('a', 0, up(10))).toEqual([6, 7, 8, 9]);
    expect(s.inflightBytes('a')).toBe(7 * MiB);
    expect(s.inflightBytes()).toBe(10 * MiB);
  });

  it('keeps within a byte limit as well as a chunk limit', () => {
    const s = new ChunkScheduler(10, (i) => (i === 9 ? 10 : 4 * KiB));
    expect(s.take('a', 0, { maxChunks: 64, maxBytes: 10 * KiB })).toEqual([0, 1]);
    expect(s.take('a', 0, { maxChunks: 64, maxBytes: 3 * KiB })).toEqual([]);
  });

  it('completes when every chunk is done, and ignores unexpected completions', () => {
    const s = new ChunkScheduler(3, lengthOf);
    const taken = s.take('a', 0, up(3));
    expect(s.markDone(1, 'a', 0)).toEqual([]);
    expect(s.markDone(1, 'a', 0)).toBeNull();
    expect(s.markDone(2, 'b', 0)).toBeNull(); // never asked of b
    for (const i of taken) s.markDone(i, 'a', 0);
    expect(s.complete).toBe(true);
    expect(s.doneCount).toBe(3);
    expect(new ChunkScheduler(0, lengthOf).complete).toBe(true);
  });

  it('asks again for a rejected chunk, first in line', () => {
    const s = new ChunkScheduler(5, lengthOf);
    s.take('a', 0, up(3));
    s.markDone(0, 'a', 0);
    s.reject(1, 'a');
    expect(s.rejected).toBe(1);
    expect(s.stateOf(1)).toBe('missing');
    expect(s.take('a', 0, up(2))).toEqual([1, 3]);
  });

  it('bans a source after repeated bad chunks and gives its work to others', () => {
    const s = new ChunkScheduler(10, lengthOf);
    s.take('evil', 0, up(5));
    let banned = false;
    for (let i = 0; i < MAX_BAD_CHUNKS_PER_SOURCE; i++) banned = s.reject(i, 'evil');
    expect(banned).toBe(true);
    expect(s.isUsable('evil')).toBe(false);
    expect(s.take('evil', 0, up(5))).toEqual([]);
    expect(s.inflight('evil')).toEqual([]);
    expect(s.take('good', 0, up(10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('requeues what a lost source had in flight', () => {
    const s = new ChunkScheduler(6, lengthOf);
    s.take('a', 0, up(2));
    s.take('b', 0, up(2));
    s.markDone(2, 'b', 0);
    s.release('b');
    expect(s.inflight('b')).toEqual([]);
    expect(s.take('a', 0, up(5))).toEqual([3, 4, 5]);
  });

  it('resumes from chunks already stored', () => {
    const s = new ChunkScheduler(5, lengthOf, [0, 1, 3, 3, 99, -1, 1.5]);
    expect(s.doneCount).toBe(3);
    expect(s.take('a', 0, up(5))).toEqual([2, 4]);
  });

  it('end-game: once nothing is missing, an idle source copies what another still owes; the first copy wins', () => {
    const s = new ChunkScheduler(4, lengthOf);
    expect(s.take('slow', 0, up(2))).toEqual([0, 1]);
    expect(s.take('fast', 5, up(2))).toEqual([2, 3]);
    s.markDone(2, 'fast', 6);
    s.markDone(3, 'fast', 7);
    // nothing missing: fast takes copies of slow's chunks, oldest request first
    expect(s.hasWorkFor('fast')).toBe(true);
    expect(s.take('fast', 8, many)).toEqual([0, 1]);
    // at most two owners: a third source gets nothing
    expect(s.take('third', 9, many)).toEqual([]);
    expect(s.markDone(0, 'fast', 10)).toEqual(['slow']);
    expect(s.inflight('slow')).toEqual([1]);
    // a late copy from slow is not expected any more
    expect(s.markDone(0, 'slow', 11)).toBeNull();
    expect(s.markDone(1, 'slow', 12)).toEqual(['fast']);
    expect(s.complete).toBe(true);
  });

  it('a rejected copy leaves the chunk with its other owner', () => {
    const s = new ChunkScheduler(1, lengthOf);
    s.take('a', 0, up(1));
    expect(s.take('b', 0, up(1))).toEqual([0]);
    s.reject(0, 'b');
    expect(s.stateOf(0)).toBe('inflight');
    expect(s.isOwner(0, 'a')).toBe(true);
  });

  it('drops a source that owes data and sends nothing, counted from its request', () => {
    const s = new ChunkScheduler(4, lengthOf);
    s.take('a', 1000, up(2));
    expect(s.overdue(1000 + SOURCE_DEADLINES.silenceMs)).toEqual([]);
    expect(s.overdue(1001 + SOURCE_DEADLINES.silenceMs)).toEqual([{ source: 'a', reason: 'silent' }]);
    // a source owing nothing is never overdue
    s.release('a');
    expect(s.overdue(10_000_000)).toEqual([]);
  });

  it('pieces keep a source from being silent, but only verified chunks keep it from being slow', () => {
    const s = new ChunkScheduler(4, lengthOf);
    s.take('trickle', 0, up(1));
    const allowed = SOURCE_DEADLINES.progressGraceMs + (MiB * 1000) / SOURCE_DEADLINES.minRate;
    for (let t = 1000; t <= allowed; t += 1000) {
      s.piece('trickle', t);
      expect(s.overdue(t)).toEqual([]);
    }
    s.piece('trickle', allowed + 500);
    expect(s.overdue(allowed + 1)).toEqual([{ source: 'trickle', reason: 'slow' }]);
  });

  it('a verified chunk restarts the progress deadline', () => {
    const s = new ChunkScheduler(4, lengthOf);
    s.take('a', 0, up(2));
    const allowed = SOURCE_DEADLINES.progressGraceMs + (MiB * 1000) / SOURCE_DEADLINES.minRate;
    s.piece('a', allowed - 10);
    s.markDone(0, 'a', allowed - 10);
    s.piece('a', allowed + 5);
    expect(s.overdue(allowed + 10)).toEqual([]);
    expect(s.overdue(2 * allowed)).toEqual([{ source: 'a', reason: 'silent' }]);
  });

  it('the progress deadline grows with the chunk: a 64 MiB chunk at the minimum rate is on time', () => {
    const big = 64 * MiB;
    const s = new ChunkScheduler(2, () => big);
    s.take('a', 0, up(1));
    const atMinRate = (big * 1000) / SOURCE_DEADLINES.minRate;
    for (let t = 5000; t < atMinRate; t += 5000) s.piece('a', t);
    expect(s.overdue(atMinRate)).toEqual([]);
  });
});
