// The listing's keyset paging, straight through the query functions against D1 (the endpoint tests in
// listFiles.test.ts go through the API): pages are newest first on (first added, content id), cover
// every content exactly once however the page boundaries fall on ties, and stay inside their room.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { insertPeer } from '../db/peers.ts';
import { insertRoom } from '../db/rooms.ts';
import { insertShares, type ListPageQuery, listContentPage, type NewShare } from '../db/shares.ts';
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
