// The scheduler with partial sources: who holds what, rarest first, and sources that claim and do not
// deliver. Pure, with time passed in.
import { describe, expect, it } from 'vitest';
import { HaveMap } from '../src/transfer/haveMap.ts';
import {
  ChunkScheduler,
  CONNECT_GRACE_MS,
  MAX_BAD_CHUNKS_PER_SOURCE,
  SHARED_SOURCE_CHUNKS,
  SOURCE_DEADLINES,
  SPARE_MS,
} from '../src/transfer/scheduler.ts';

const MiB = 1024 * 1024;
const lengthOf = () => MiB;
const up = (n: number) => ({ maxChunks: n, maxBytes: Number.POSITIVE_INFINITY });
/** What was taken, in index order (with partial sources the order is the download's own). */
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** Everything `source` is given, each chunk verified as soon as asked (so its window never fills). */
const drain = (s: ChunkScheduler, source: string, now = 0) => {
  const out: number[] = [];
  for (let got = s.take(source, now, up(8)); got.length > 0; got = s.take(source, now, up(8)))
    for (const i of got) {
      s.markDone(i, source, now);
      out.push(i);
    }
  return out;
};
const holding = (count: number, indices: number[]) => {
  const m = new HaveMap(count);
  for (const i of indices) m.add(i);
  return m;
};

describe('ChunkScheduler with partial sources', () => {
  it('asks a partial source only for chunks it holds, and for more as its map grows', () => {
    const s = new ChunkScheduler(10, lengthOf);
    const have = holding(10, [2, 3]);
    s.setHave('b', have, 0);
    expect(s.take('b', 0, up(10))).toEqual([2, 3]);
    expect(s.hasWorkFor('b')).toBe(false);
    have.add(7);
    expect(s.hasWorkFor('b')).toBe(true);
    expect(s.take('b', 0, up(10))).toEqual([7]);
  });

  it('gives a complete source the chunks no partial source holds first (rarest first)', () => {
    const s = new ChunkScheduler(8, lengthOf);
    s.setHave('a', null, 0);
    s.setHave('b', holding(8, [0, 1, 2, 3]), 0);
    // a could send 0..3 too, but b holds them: a takes what only it can give, two at a time
    const first = s.take('a', 0, up(4));
    expect(first).toHaveLength(SHARED_SOURCE_CHUNKS);
    for (const i of first) s.markDone(i, 'a', 0);
    expect(sorted([...first, ...drain(s, 'a')])).toEqual([4, 5, 6, 7]);
    expect(sorted(s.take('b', 0, up(4)))).toEqual([0, 1, 2, 3]);
  });

  it('keeps a complete source to one chunk while another source connects', () => {
    const s = new ChunkScheduler(8, lengthOf);
    s.setHave('a', null, 0);
    s.connecting('b', 0);
    expect(s.take('a', 0, up(8))).toHaveLength(1);
    expect(s.take('a', 0, up(8))).toEqual([]);
    // b never answers: after the grace a has its full window again
    expect(s.take('a', CONNECT_GRACE_MS, up(8))).toHaveLength(7);
  });

  it('prefers chunks held by one partial source over those two hold', () => {
    const s = new ChunkScheduler(6, lengthOf);
    s.setHave('b', holding(6, [0, 1, 2, 3]), 0);
    s.setHave('c', holding(6, [0, 1, 4, 5]), 0);
    expect(sorted(s.take('b', 0, up(2)))).toEqual([2, 3]);
    expect(sorted(s.take('c', 0, up(2)))).toEqual([4, 5]);
    expect(sorted(s.take('b', 0, up(4)))).toEqual([0, 1]);
  });

  it('with only complete sources, goes lowest first', () => {
    const s = new ChunkScheduler(6, lengthOf);
    s.setHave('a', null, 0);
    s.setHave('b', null, 0);
    expect(s.take('b', 0, up(3))).toEqual([0, 1, 2]);
    expect(s.take('a', 0, up(3))).toEqual([3, 4, 5]);
  });

  it('forgets a released source: it no longer makes chunks look common', () => {
    const s = new ChunkScheduler(4, lengthOf);
    s.setHave('a', null, 0);
    s.setHave('b', holding(4, [0, 1]), 0);
    s.release('b');
    expect(s.take('a', 0, up(2))).toEqual([0, 1]);
  });

  it('makes end-game copies only of chunks the source holds', () => {
    const s = new ChunkScheduler(4, lengthOf);
    s.setHave('a', null, 0);
    s.setHave('b', holding(4, [2, 3]), 0);
    expect(sorted(s.take('a', 0, up(1)))).toEqual([0]);
    expect(sorted(s.take('b', 0, up(1))).length).toBe(1);
    expect(sorted(s.take('a', 0, up(4)))).toEqual([1]); // not what b holds
    // b takes the other chunk it holds; then nothing is missing, and a copies nothing b holds
    expect(s.take('b', 0, up(4))).toHaveLength(1);
    expect(s.take('a', 0, up(4))).toEqual([]);
  });

  it('drops a partial source that claims chunks and sends nothing; the chunks go to the complete one', () => {
    const s = new ChunkScheduler(4, lengthOf);
    s.setHave('a', null, 0);
    s.setHave('liar', HaveMap.full(4), 0);
    expect(s.take('liar', 0, up(4))).toEqual([0, 1, 2, 3]);
    expect(s.take('a', 0, up(4))).toEqual([0, 1, 2, 3]); // end-game copies meanwhile
    s.piece('a', 1000);
    s.markDone(0, 'a', 1000);
    s.piece('a', SOURCE_DEADLINES.silenceMs); // the honest one keeps sending
    expect(s.overdue(SOURCE_DEADLINES.silenceMs)).toEqual([]);
    expect(s.overdue(SOURCE_DEADLINES.silenceMs + 1)).toEqual([{ source: 'liar', reason: 'silent' }]);
    s.ban('liar');
    expect(s.inflight('liar')).toEqual([]);
    for (const i of [1, 2, 3]) expect(s.isOwner(i, 'a')).toBe(true);
  });

  it('spares a complete source what a partial one holds, until that one misses its deadline', () => {
    const s = new ChunkScheduler(4, lengthOf);
    s.setHave('a', null, 0);
    s.setHave('liar', holding(4, [0, 1, 2]), 0);
    expect(sorted(s.take('liar', 0, up(4)))).toEqual([0, 1, 2]);
    // the complete source gets only what no partial one holds, and no end-game copies of the rest
    expect(s.take('a', 0, up(4))).toEqual([3]);
    expect(s.take('a', 0, up(4))).toEqual([]);
    expect(s.overdue(SOURCE_DEADLINES.silenceMs + 1)).toEqual([
      { source: 'a', reason: 'silent' },
      { source: 'liar', reason: 'silent' },
    ]);
    s.ban('liar');
    expect(sorted(s.take('a', SOURCE_DEADLINES.silenceMs + 1, up(4)))).toEqual([0, 1, 2]);
  });

  it('bans a partial source that serves junk for what it claims, and gives the chunks back', () => {
    const s = new ChunkScheduler(6, lengthOf);
    s.setHave('junk', holding(6, [0, 1, 2]), 0);
    s.take('junk', 0, up(6));
    let banned = false;
    for (const i of [0, 1, 2].slice(0, MAX_BAD_CHUNKS_PER_SOURCE)) banned = s.reject(i, 'junk');
    expect(banned).toBe(true);
    s.setHave('a', null, 0);
    expect(s.take('a', 0, up(6))).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('ChunkScheduler order (downloaders of one file spread out)', () => {
  it('with a partial source linked, takes equally rare chunks in its own order, rarest first still', () => {
    const s = new ChunkScheduler(10, lengthOf, [], 1234);
    s.setHave('a', null, 0);
    s.setHave('b', holding(10, [0, 1]), 0);
    const order = drain(s, 'a');
    expect(order).not.toEqual([2, 3, 4, 5, 6, 7, 8, 9]); // not index order
    // 0 and 1 are left to b: the complete source's upload goes to what only it can give
    expect(sorted(order)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    // the same seed, the same order
    const again = new ChunkScheduler(10, lengthOf, [], 1234);
    again.setHave('a', null, 0);
    again.setHave('b', holding(10, [0, 1]), 0);
    expect(drain(again, 'a')).toEqual(order);
  });

  it('two downloaders with different seeds mostly ask a complete source for different chunks', () => {
    let overlap = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const [bob, carol] = [
        new ChunkScheduler(64, lengthOf, [], seed),
        new ChunkScheduler(64, lengthOf, [], seed * 7919),
      ];
      for (const s of [bob, carol]) {
        s.setHave('alice', null, 0);
        s.setHave('other', new HaveMap(64), 0); // the other downloader, holding nothing yet
      }
      const fromBob = bob.take('alice', 0, up(8));
      overlap += carol.take('alice', 0, up(8)).filter((i) => fromBob.includes(i)).length;
    }
    // in index order every one of the 160 would be asked twice; at random about 8 x 8/64 each time
    expect(overlap).toBeLessThan(40);
  });

  it('with only complete sources, ignores its order: lowest first', () => {
    const s = new ChunkScheduler(10, lengthOf, [], 6);
    s.setHave('a', null, 0);
    expect(s.take('a', 0, up(3))).toEqual([0, 1, 2]);
  });
});

describe('a partial source with nothing for us', () => {
  it('is let go after uselessMs of having nothing we miss, and only then', () => {
    const s = new ChunkScheduler(4, lengthOf);
    const have = new HaveMap(4);
    s.setHave('quiet', have, 0);
    expect(s.overdue(SOURCE_DEADLINES.uselessMs)).toEqual([]);
    have.add(1);
    expect(s.take('quiet', 30_000, up(4))).toEqual([1]);
    s.piece('quiet', 31_000);
    s.markDone(1, 'quiet', 31_000);
    // the last chunk it was given restarts the count
    expect(s.overdue(30_000 + SOURCE_DEADLINES.uselessMs)).toEqual([]);
    expect(s.overdue(30_001 + SOURCE_DEADLINES.uselessMs)).toEqual([{ source: 'quiet', reason: 'useless' }]);
    s.release('quiet');
    expect(s.overdue(10 * SOURCE_DEADLINES.uselessMs)).toEqual([]);
    expect(s.isUsable('quiet')).toBe(true); // not banned
  });

  it('never applies to a complete source', () => {
    const s = new ChunkScheduler(4, lengthOf);
    s.setHave('a', null, 0);
    expect(s.overdue(10 * SOURCE_DEADLINES.uselessMs)).toEqual([]);
  });

  describe('a hostile partial source keeps the complete source off a chunk for SPARE_MS at most', () => {
    // what claims.ts believes can be gamed (a claim withdrawn and made again, a have-map grown with chunks
    // we hold, a relink); the scheduler's own bound holds whatever the view says
    const liar = (says: 'has' | 'coming') => ({
      complete: false,
      has: () => says === 'has',
      coming: () => says === 'coming',
    });
    for (const says of ['has', 'coming'] as const) {
      it(`one that says it ${says === 'has' ? 'holds' : 'has coming'} everything and delivers nothing, across relinks`, () => {
        const s = new ChunkScheduler(6, lengthOf);
        s.setHave('a', null, 0);
        s.setHave('h', liar(says), 0);
        expect(s.take('a', 0, up(4))).toEqual([]);
        expect(s.take('a', SPARE_MS, up(4))).toEqual([]);
        // it leaves and comes back with the same story: the clock it started does not start again
        s.release('h');
        s.setHave('h', liar(says), SPARE_MS);
        const got = s.take('a', SPARE_MS + 1, up(4));
        expect(got).toHaveLength(SHARED_SOURCE_CHUNKS);
        for (const i of got) s.markDone(i, 'a', SPARE_MS + 1);
        expect(sorted([...got, ...drain(s, 'a', SPARE_MS + 2)])).toEqual([0, 1, 2, 3, 4, 5]);
      });
    }
  });
});
