// Partial sources pay off: a downloader says which chunks it has asked for (`coming`), the other leaves
// them to it, and the slow original source sends each chunk about once. Claims are bounded, checked,
// expire, and a source that claims and never delivers costs a bounded wait, not a stall.
import { describe, expect, it } from 'vitest';
import { COMING_MS, type ControlMessage, MAX_COMING_CHUNKS } from '../../worker/protocol/transfer.ts';
import type { Channel } from '../src/transfer/channel.ts';
import { COMING_STALL_MS, comingRanges, PeerHave } from '../src/transfer/claims.ts';
import { decodeControl, encodeControl } from '../src/transfer/control.ts';
import { Download } from '../src/transfer/download.ts';
import { partialFileOf } from '../src/transfer/partialSource.ts';
import { ChunkScheduler } from '../src/transfer/scheduler.ts';
import { type ServedFile, TransferServer } from '../src/transfer/server.ts';
import {
  deps,
  digest,
  expectExact,
  FakeClock,
  honestServer,
  MemoryStore,
  network,
  ROOM,
  randomBytes,
  scripted,
  served,
  settle,
  specOf,
} from './transferKit.ts';

const MiB = 1024 * 1024;
const up = (n: number) => ({ maxChunks: n, maxBytes: Number.POSITIVE_INFINITY });
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('coming claims (PeerHave)', () => {
  it('keeps a claim for COMING_MS from when it was first made, then distrusts the claimer', () => {
    const p = new PeerHave(40);
    expect(p.setComing([2, 6], 0)).toBe(true);
    expect(p.coming(2, 0)).toBe(true);
    expect(p.coming(8, 0)).toBe(false);
    // while its have-map grows, repeating the claim does not renew it
    for (let t = 1000; t <= COMING_MS; t += 1000) {
      p.add(10 + t / 1000);
      expect(p.setComing([2, 6], t)).toBe(true);
      expect(p.coming(3, t)).toBe(true);
    }
    p.add(30);
    expect(p.coming(3, COMING_MS + 1)).toBe(false);
    // one broken claim and none counts any more, new ones included
    expect(p.setComing([7, 8], COMING_MS + 2)).toBe(true);
    p.add(31);
    expect(p.coming(7, COMING_MS + 2)).toBe(false);
    expect(p.claims).toBe(0);
  });

  it('counts claims only while the claimer makes progress (its have-map grows)', () => {
    const p = new PeerHave(10);
    p.setComing([0, 4], 0);
    expect(p.coming(0, 0)).toBe(true);
    expect(p.coming(0, COMING_STALL_MS)).toBe(true);
    expect(p.coming(0, COMING_STALL_MS + 1)).toBe(false); // stalled: fetched elsewhere meanwhile
    p.add(3);
    expect(p.coming(0, COMING_STALL_MS + 2)).toBe(true); // moving again, and not distrusted
  });

  it('a held chunk is no longer coming, and a withdrawn claim is gone', () => {
    const p = new PeerHave(10);
    p.setComing([0, 3], 0);
    p.add(1);
    expect(p.coming(1, 1)).toBe(false);
    expect(p.coming(0, 1)).toBe(true);
    p.setComing([], 2);
    expect(p.coming(0, 2)).toBe(false);
    // delivered claims never count against the claimer
    p.setComing([5, 6], 3);
    p.add(5);
    expect(p.coming(5, COMING_MS * 3)).toBe(false);
    p.setComing([7, 8], COMING_MS * 3);
    expect(p.coming(7, COMING_MS * 3)).toBe(true);
  });

  it('refuses, all or nothing, claims outside the file, malformed, or larger than MAX_COMING_CHUNKS', () => {
    const p = new PeerHave(MAX_COMING_CHUNKS * 2);
    p.setComing([0, 1], 0);
    for (const bad of [
      [0, MAX_COMING_CHUNKS + 1],
      [3, 2],
      [0, 2, 1, 3],
      [0, MAX_COMING_CHUNKS * 2 + 1],
      [1],
    ]) {
      expect(p.setComing(bad, 0)).toBe(false);
      expect(p.coming(0, 0)).toBe(true);
    }
    expect(p.setComing([0, MAX_COMING_CHUNKS], 0)).toBe(true);
  });

  it('comingRanges says the lowest MAX_COMING_CHUNKS requested chunks in one message', () => {
    expect(comingRanges([5, 1, 2, 9, 2])).toEqual([1, 3, 5, 6, 9, 10]);
    expect(comingRanges([])).toEqual([]);
    const every = comingRanges(Array.from({ length: 1000 }, (_, i) => i * 2));
    expect(every.length / 2).toBe(256);
    expect(every.at(-1)).toBeLessThan(2 * MAX_COMING_CHUNKS);
  });
});

describe('the scheduler and claims', () => {
  it('does not ask a complete source for chunks a partial source has coming, while that one progresses', () => {
    const s = new ChunkScheduler(8, () => MiB, [], 7);
    const carol = new PeerHave(8);
    carol.setComing([0, 4], 0);
    s.setHave('alice', null, 0);
    s.setHave('carol', carol, 0);
    const fromAlice = s.take('alice', 0, up(8)); // two at a time while a partial source is linked
    for (const i of fromAlice) s.markDone(i, 'alice', 0);
    fromAlice.push(...s.take('alice', 0, up(8)));
    for (const i of fromAlice.slice(2)) s.markDone(i, 'alice', 0);
    expect(sorted(fromAlice)).toEqual([4, 5, 6, 7]);
    expect(s.take('carol', 0, up(8))).toEqual([]); // never asked for what it only says is coming
    expect(s.take('alice', 1000, up(8))).toEqual([]);
    carol.add(0); // it arrived there (the growth is noticed at the next look): now carol is asked
    expect(s.take('alice', 1500, up(8))).toEqual([]);
    expect(s.take('carol', 1500, up(8))).toEqual([0]);
    expect(s.take('alice', 1500 + COMING_STALL_MS, up(8))).toEqual([]);
    // carol got nothing more for longer than COMING_STALL_MS: the rest goes to alice
    const rest = s.take('alice', 1501 + COMING_STALL_MS, up(8));
    for (const i of rest) s.markDone(i, 'alice', 1501 + COMING_STALL_MS);
    rest.push(...s.take('alice', 1501 + COMING_STALL_MS, up(8)));
    expect(sorted(rest)).toEqual([1, 2, 3]);
  });
});

/** Moves fake time until `check` holds. */
async function waitFor(check: () => boolean, clock: FakeClock, stepMs = 10) {
  const r = await settle(
    new Promise<void>((resolve) => {
      const look = () => (check() ? resolve() : setTimeout(look, 1));
      look();
    }),
    clock,
    { stepMs },
  );
  expect(r).toHaveProperty('ok', true);
}

/**
 * A complete source whose upload is the bottleneck: one chunk every `msPerChunk` of fake time, to all
 * its downloaders together, in the order asked. Counts what it sent.
 */
function slowSource(file: ServedFile, clock: FakeClock, msPerChunk: number) {
  const queue: { send: () => void; channel: Channel }[] = [];
  const stats = { sent: 0, log: [] as string[] };
  let busy = false;
  const pump = () => {
    busy = false;
    const next = queue.shift();
    if (!next) return;
    busy = true;
    if (!next.channel.closed) {
      next.send();
      stats.sent++;
    }
    clock.setTimeout(pump, next.channel.closed ? 0 : msPerChunk);
  };
  const script = scripted(file, (s, msg) => {
    if (msg.t === 'open') {
      s.sendManifest();
      s.sendHashes();
    } else if (msg.t === 'get') {
      stats.log.push(`${clock.elapsed} ${s.id} get ${msg.chunks.join(',')}`);
      for (const i of msg.chunks) queue.push({ send: () => s.sendChunk(i), channel: s.channel });
      if (!busy) pump();
    }
  });
  return { script, stats };
}

/** A downloader that serves what it verified (partial source) and, once done, the whole file. */
function device(
  file: ServedFile,
  sources: string[],
  clock: FakeClock,
  net: () => ReturnType<typeof network>,
) {
  const store = new (class extends MemoryStore {
    async read(index: number, offset: number, length: number) {
      const chunk = this.chunks.get(index);
      if (!chunk) throw new Error('not stored');
      return chunk.slice(offset, offset + length);
    }
  })();
  const d = new Download(
    specOf(file),
    sources,
    deps((p) => net().connect(p), clock, store),
  );
  let finished: Blob | null = null;
  const server = new TransferServer({
    clock,
    authorize: (r) => {
      if (r.contentId !== file.contentId || r.roomId !== ROOM) return null;
      if (!finished) return partialFileOf(d, store);
      const { contentId, size, chunkSize, chunkHashes, name } = file;
      return { contentId, size, chunkSize, chunkHashes, name, blob: finished };
    },
  });
  const started = () =>
    d.start().then((blob) => {
      finished = blob;
      return blob;
    });
  return { d, server, started };
}

describe('two downloaders and one slow source', () => {
  it('the source sends each chunk about once: what one has asked it for, the other gets from that one', {
    timeout: 60_000,
  }, async () => {
    const clock = new FakeClock();
    const count = 24;
    const bytes = randomBytes(count * MiB, 41);
    const file = await served(bytes, MiB);
    const alice = slowSource(file, clock, 200); // 5 MiB/s, shared
    const bob = device(file, ['alice', 'carol'], clock, () => bobNet);
    const carol = device(file, ['alice', 'bob'], clock, () => carolNet);
    const bobNet = network({ alice: alice.script, carol: carol.server });
    const carolNet = network({ alice: alice.script, bob: bob.server });

    const bobDone = bob.started();
    // Carol clicks once Bob is downloading, and each learns that the other is a (partial) source
    await waitFor(() => bob.d.status().state === 'downloading', clock);
    const carolDone = carol.started();
    await waitFor(() => carol.d.status().state === 'downloading', clock);
    bob.d.addSource('carol');

    // fake time at most as fast as real time: under a loaded CI, hashing must not fall behind the deadlines
    const both = await settle(Promise.all([bobDone, carolDone]), clock, { stepMs: 1 });
    expect(both).toMatchObject({ ok: true });
    if (!('value' in both)) return;
    for (const blob of both.value) expect(await digest(blob)).toBe(await digest(bytes));
    // before `coming` (main at ef12512) the source sent 40 and 43 chunks here: both asked it for the same ones
    console.log('[coming] source sent', alice.stats.sent, 'of', count);
    // each download draws its own random order, so the count varies: 25-28 of 24 seen in 10 runs (28 once,
    // in CI); the old scheduler's 40 and 43 are far above this line
    expect(alice.stats.sent, alice.stats.log.join('\n')).toBeLessThanOrEqual(count + 5);
    expect(alice.stats.sent).toBeGreaterThanOrEqual(count);
  });
});

describe('hostile claims', () => {
  /** A partial source that holds nothing and says everything is coming (or sends `coming` as given). */
  const claimer = (file: ServedFile, coming: number[]) =>
    scripted(file, (s, msg) => {
      if (msg.t !== 'open') return;
      s.sendManifest({ partial: true });
      s.sendHashes();
      s.sendRaw(encodeControl({ t: 'coming', id: s.id, ranges: coming }));
    });

  it('one that says everything is coming and never delivers costs at most COMING_STALL_MS', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(20 * 64 * 1024, 42);
    const file = await served(bytes, 64 * 1024);
    const net = network({ liar: claimer(file, [0, 20]), a: honestServer(file, clock) });
    const d = new Download(specOf(file), ['liar', 'a'], deps(net.connect, clock));
    const ms = await expectExact(d.start(), clock, bytes, { stepMs: 20 });
    expect(ms).toBeGreaterThanOrEqual(COMING_STALL_MS);
    expect(ms).toBeLessThan(COMING_STALL_MS + 2000);
  });

  it('one that claims more than MAX_COMING_CHUNKS is not believed at all', async () => {
    const clock = new FakeClock();
    const chunks = MAX_COMING_CHUNKS + 8;
    const bytes = randomBytes(chunks * 1024, 43);
    const file = await served(bytes, 1024);
    const net = network({ liar: claimer(file, [0, chunks]), a: honestServer(file, clock) });
    const d = new Download(specOf(file), ['liar', 'a'], deps(net.connect, clock));
    const ms = await expectExact(d.start(), clock, bytes, { stepMs: 20 });
    expect(ms).toBeLessThan(COMING_MS / 2);
    expect(d.status().dropped).toBeGreaterThanOrEqual(1);
  });

  it('a complete source saying `coming` is a protocol error, and a v3 downloader is sent no `coming`', async () => {
    const clock = new FakeClock();
    const bytes = randomBytes(8 * 64 * 1024, 44);
    const file = await served(bytes, 64 * 1024);
    const net = network({
      a: scripted(file, (s, msg) => {
        if (msg.t === 'open') {
          s.sendManifest();
          s.sendHashes();
          s.sendRaw(encodeControl({ t: 'coming', id: s.id, ranges: [0, 8] }));
        } else if (msg.t === 'get') for (const i of msg.chunks) s.sendChunk(i);
      }),
    });
    const d = new Download(specOf(file), ['a'], deps(net.connect, clock));
    await expectExact(d.start(), clock, bytes, { stepMs: 20 });
    expect(d.status().dropped).toBe(1);
  });
});

describe('what a partial source tells its downloaders', () => {
  it('a version-4 downloader hears what the partial source has asked for; a version-3 one does not', async () => {
    const clock = new FakeClock();
    const count = 16;
    const bytes = randomBytes(count * 64 * 1024, 45);
    const file = await served(bytes, 64 * 1024);
    // B asks A (which never answers) for chunks: they are B's `coming`
    const mute = scripted(file, (s, msg) => {
      if (msg.t === 'open') {
        s.sendManifest();
        s.sendHashes();
      }
    });
    const b = device(file, ['a'], clock, () => network({ a: mute }));
    void b.started().catch(() => undefined);
    await waitFor(() => b.d.requested().length > 0, clock, 1);
    const heard = async (v: 3 | 4) => {
      const got: ControlMessage[] = [];
      const net = network({ b: b.server });
      const ch = await net.connect('b');
      ch.onMessage((data) => {
        const m = typeof data === 'string' ? decodeControl(data) : null;
        if (m) got.push(m);
      });
      ch.send(encodeControl({ t: 'open', id: v, contentId: file.contentId, roomId: ROOM, v }));
      await settle(new Promise((res) => setTimeout(res, 30)), clock, { stepMs: 1 });
      return got;
    };
    const v4 = await heard(4);
    expect(v4[0]).toMatchObject({ t: 'manifest', partial: true });
    const coming = v4.find((m) => m.t === 'coming');
    expect(coming).toEqual({ t: 'coming', id: 4, ranges: comingRanges(b.d.requested()) });
    expect((coming as { ranges: number[] }).ranges.length).toBeGreaterThan(0);
    const v3 = await heard(3);
    expect(v3[0]).toMatchObject({ t: 'manifest', partial: true });
    expect(v3.some((m) => m.t === 'coming')).toBe(false);
    b.d.cancel();
  });
});
