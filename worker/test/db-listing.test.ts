// The listing's keyset paging, straight through the query functions against D1 (the endpoint tests in
// listFiles.test.ts go through the API): pages are newest first on (first added, content id), cover
// every content exactly once however the page boundaries fall on ties, and stay inside their room. The
// work a page does is counted in rows D1 read: it must follow the page, not the room's size or depth.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { insertPeer } from '../db/peers.ts';
import { insertRoom } from '../db/rooms.ts';
import {
  findConflicts,
  insertShares,
  type ListPageQuery,
  listContentPage,
  type NewShare,
} from '../db/shares.ts';
import { ftsQuery } from '../lib/search.ts';
import { contentId } from './helpers.ts';

let seq = 0;
/** A fresh id of the tracker's alphabet ([a-z2-7]), `width` long. */
const unique = (prefix: string, width: number) =>
  prefix +
  String(++seq)
    .replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)
    .padStart(width - prefix.length, 'z');

async function room(): Promise<{ roomId: string; peers: string[] }> {
  const peers = [unique('p', 26), unique('p', 26)];
  for (const p of peers) await insertPeer(env.DB, p, `hash-${p}`, p, 0);
  const roomId = unique('r', 26);
  await insertRoom(env.DB, roomId, peers[0]!, 0);
  return { roomId, peers };
}

const share = (seed: number, name = `file ${seed}.bin`): NewShare => ({
  id: unique('s', 26),
  contentId: contentId(seed),
  size: 10,
  chunkSize: 1024,
  name,
  path: '',
  type: 'application/octet-stream',
});

/** Every page of the listing, each `limit` long, following the cursor the way the endpoint does. */
async function allPages(base: Omit<ListPageQuery, 'after'>) {
  const pages: { content_id: string; first_added: number }[][] = [];
  let after: ListPageQuery['after'] = null;
  for (;;) {
    const { rows } = await listContentPage(env.DB, { ...base, after });
    pages.push(rows);
    if (rows.length < base.limit) return pages;
    const last = rows.at(-1)!;
    after = { addedAt: last.first_added, contentId: last.content_id };
  }
}

describe('listContentPage (keyset paging)', () => {
  it('pages newest first, ties by content id descending, every content once across page boundaries', async () => {
    const { roomId, peers } = await room();
    // three batches at three times; the middle one holds five contents added at the same instant, so
    // pages of two cut through the tie
    await insertShares(env.DB, roomId, peers[0]!, [share(1), share(2)], 1000);
    await insertShares(
      env.DB,
      roomId,
      peers[0]!,
      [5, 3, 7, 4, 6].map((s) => share(s)),
      2000,
    );
    await insertShares(env.DB, roomId, peers[0]!, [share(8)], 3000);

    const pages = await allPages({ roomId, match: null, onlineOnly: false, limit: 2 });
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 2, 0]);
    expect(pages.flat().map((r) => [r.first_added, r.content_id])).toEqual([
      [3000, contentId(8)],
      [2000, contentId(7)],
      [2000, contentId(6)],
      [2000, contentId(5)],
      [2000, contentId(4)],
      [2000, contentId(3)],
      [1000, contentId(2)],
      [1000, contentId(1)],
    ]);
  });

  it('lists a content two devices share once, at the time it was first added', async () => {
    const { roomId, peers } = await room();
    await insertShares(env.DB, roomId, peers[1]!, [share(11)], 5000);
    await insertShares(env.DB, roomId, peers[0]!, [share(11, 'another name.bin'), share(12)], 6000);
    const { rows } = await listContentPage(env.DB, {
      roomId,
      match: null,
      onlineOnly: false,
      after: null,
      limit: 10,
    });
    expect(rows).toEqual([
      { content_id: contentId(12), first_added: 6000 },
      { content_id: contentId(11), first_added: 5000 },
    ]);
  });

  it('keeps to its room, and a search pages over the matches only', async () => {
    const { roomId, peers } = await room();
    const other = await room();
    await insertShares(env.DB, other.roomId, other.peers[0]!, [share(21, 'holiday other room.jpg')], 100);
    await insertShares(
      env.DB,
      roomId,
      peers[0]!,
      [
        share(22, 'holiday 1.jpg'),
        share(23, 'notes.txt'),
        share(24, 'holiday 2.jpg'),
        share(25, 'holiday 3.jpg'),
      ],
      200,
    );
    const pages = await allPages({ roomId, match: ftsQuery('holiday', roomId), onlineOnly: false, limit: 2 });
    expect(pages.flat().map((r) => r.content_id)).toEqual([contentId(25), contentId(24), contentId(22)]);
    const { rows } = await listContentPage(env.DB, {
      roomId,
      match: null,
      onlineOnly: false,
      after: { addedAt: 200, contentId: contentId(22) },
      limit: 10,
    });
    // after the last of this room's contents nothing is left: the other room's older content is not here
    expect(rows).toEqual([]);
  });

  it('with onlineOnly, skips contents whose every source is offline', async () => {
    const { roomId, peers } = await room();
    await insertShares(env.DB, roomId, peers[0]!, [share(31), share(32)], 700);
    await insertShares(env.DB, roomId, peers[1]!, [share(33)], 800);
    await env.DB.prepare('UPDATE peers SET online_since = 1 WHERE id = ?1').bind(peers[1]).run();
    const { rows } = await listContentPage(env.DB, {
      roomId,
      match: null,
      onlineOnly: true,
      after: null,
      limit: 10,
    });
    expect(rows.map((r) => r.content_id)).toEqual([contentId(33)]);
  });
});

/**
 * A room of `n` contents shared by one device, in batches of 100 added at the same instant (so pages cut
 * through ties), named by `name(i)`. Returns the room and every content in listing order.
 */
let bigRooms = 0;
async function bigRoom(n: number, name: (i: number) => string) {
  const r = await room();
  const base = 10_000 + ++bigRooms * 100_000;
  for (let b = 0; b * 100 < n; b++) {
    const batch = Array.from({ length: Math.min(100, n - b * 100) }, (_, k) => share(base + b * 100 + k));
    for (const [k, s] of batch.entries()) s.name = name(b * 100 + k);
    await insertShares(env.DB, r.roomId, r.peers[0]!, batch, 50_000 + b);
  }
  const all = await env.DB.prepare(
    'SELECT content_id, first_added, name FROM room_contents JOIN shares USING (room_id, content_id) WHERE room_id = ?1',
  )
    .bind(r.roomId)
    .all<{ content_id: string; first_added: number; name: string }>();
  // the listing's order, stated independently of the query: newest first, then content id descending
  const ordered = all.results.sort((x, y) =>
    x.first_added !== y.first_added
      ? y.first_added - x.first_added
      : y.content_id < x.content_id
        ? -1
        : y.content_id > x.content_id
          ? 1
          : 0,
  );
  return { ...r, ordered };
}

const onlyIds = (rows: { content_id: string }[]) => rows.map((r) => r.content_id);

describe('a page costs about a page, however big or deep the room (100,000 shares in the room bench)', () => {
  it('a deep page reads about its own rows, not every row before it, and is the right slice', async () => {
    const { roomId, ordered } = await bigRoom(3000, (i) => `file ${i}.bin`);
    const at = ordered[2499]!; // inside a tie of 100
    const { rows, rowsRead } = await listContentPage(env.DB, {
      roomId,
      match: null,
      onlineOnly: false,
      after: { addedAt: at.first_added, contentId: at.content_id },
      limit: 10,
    });
    expect(onlyIds(rows)).toEqual(onlyIds(ordered.slice(2500, 2510)));
    expect(rowsRead).toBeLessThan(100);
  });

  it('pages of 7 through 3,000 contents in ties of 100 list each exactly once, in order', async () => {
    const { roomId, ordered } = await bigRoom(3000, (i) => `file ${i}.bin`);
    const pages = await allPages({ roomId, match: null, onlineOnly: false, limit: 7 });
    expect(onlyIds(pages.flat())).toEqual(onlyIds(ordered));
  });

  it('a search for a common word looks up about a page of shares, not every match', async () => {
    const { roomId, ordered } = await bigRoom(3000, (i) => `holiday ${i}.jpg`);
    const { rows, rowsRead } = await listContentPage(env.DB, {
      roomId,
      match: ftsQuery('holiday', roomId),
      onlineOnly: false,
      after: null,
      limit: 51,
    });
    expect(onlyIds(rows)).toEqual(onlyIds(ordered.slice(0, 51)));
    // the matches' rowids come from the FTS index (one row read each, a fast doclist walk); only about a
    // page of them are looked up in shares and room_contents (before: all 3,000 joined and sorted, 6,051)
    expect(rowsRead).toBeLessThan(3000 + 10 * 51);
  });

  it('a search pages over ties and deep pages: every match once, in order, whether common or rare and old', async () => {
    // "sunset" in every tenth name; "ancient" only in the 30 oldest, far past the newest matches
    const { roomId, ordered } = await bigRoom(3000, (i) =>
      i < 30 ? `ancient ${i}.jpg` : i % 10 === 3 ? `sunset ${i}.jpg` : `other ${i}.jpg`,
    );
    const expectFor = (word: string) => onlyIds(ordered.filter((r) => r.name.startsWith(word)));
    for (const [word, limit] of [
      ['sunset', 7],
      ['ancient', 7],
      ['sun', 100],
    ] as const) {
      const pages = await allPages({ roomId, match: ftsQuery(word, roomId), onlineOnly: false, limit });
      expect(onlyIds(pages.flat()), word).toEqual(expectFor(word));
    }
    // a deep page of a search starts right after its cursor
    const sunsets = ordered.filter((r) => r.name.startsWith('sunset'));
    const at = sunsets[150]!;
    const { rows } = await listContentPage(env.DB, {
      roomId,
      match: ftsQuery('sunset', roomId),
      onlineOnly: false,
      after: { addedAt: at.first_added, contentId: at.content_id },
      limit: 20,
    });
    expect(onlyIds(rows)).toEqual(onlyIds(sunsets.slice(151, 171)));
  });
});

describe('a search with onlineOnly', () => {
  it('keeps the matches with a source online, in order, also past the probed window', async () => {
    const { roomId, peers, ordered } = await bigRoom(2500, (i) =>
      i % 2 === 0 ? `sunset ${i}.jpg` : `x ${i}.jpg`,
    );
    // the second device shares again every 5th content, old and new alike, and is the only one online
    const again = ordered.filter((_, k) => k % 5 === 0);
    await insertShares(
      env.DB,
      roomId,
      peers[1]!,
      again.map((r) => ({ ...share(0), contentId: r.content_id, name: 'copy.bin' })),
      99_000,
    );
    await env.DB.prepare('UPDATE peers SET online_since = 1 WHERE id = ?1').bind(peers[1]).run();
    const expected = onlyIds(again.filter((r) => r.name.startsWith('sunset')));
    const pages = await allPages({ roomId, match: ftsQuery('sunset', roomId), onlineOnly: true, limit: 40 });
    expect(onlyIds(pages.flat())).toEqual(expected);
  });
});

describe('findConflicts', () => {
  it('finds a content shared with another size, reading rows for the batch only, not the whole room', async () => {
    const { roomId, ordered } = await bigRoom(3000, (i) => `file ${i}.bin`);
    const existing = ordered[1234]!.content_id;
    const batch: NewShare[] = [
      { ...share(1), contentId: existing, size: 11 }, // the room has it with size 10
      { ...share(2), contentId: ordered[5]!.content_id }, // same size: no conflict
      ...Array.from({ length: 8 }, (_, i) => share(9_000_000 + i)), // new contents
    ];
    const { contentIds, rowsRead } = await findConflicts(env.DB, roomId, batch);
    expect(contentIds).toEqual([existing]);
    expect(rowsRead).toBeLessThan(100);
  });
});
