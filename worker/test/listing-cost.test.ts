// One member cannot make the room's listing, or another room's search, unservable (issue 10, items 12
// and 13): quotas per device with clear codes, one source per device per content, bounded sources, and a
// search whose work does not grow with other rooms' shares.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { listContentPage } from '../db/shares.ts';
import { ftsQuery } from '../lib/search.ts';
import { call, contentId, file, join, newPeer, newRoom } from './helpers.ts';

/** Fills the room with shares of `peerId` straight in D1 (the API path is the same statement, slower). */
async function seed(roomId: string, peerId: string, n: number, name: (i: number) => string, from = 0) {
  const rows = Array.from({ length: n }, (_, i) => ({
    id: `seed${roomId.slice(0, 8)}${peerId.slice(0, 8)}${String(from + i).padStart(6, '0')}`,
    c: contentId(900_000 + from + i),
    n: name(from + i),
  }));
  await env.DB.prepare(
    `INSERT INTO shares (id, room_id, peer_id, content_id, size, chunk_size, name, path, type, added_at)
     SELECT json_extract(value, '$.id'), ?1, ?2, json_extract(value, '$.c'), 1, 1024,
            json_extract(value, '$.n'), '', 'text/plain', 1000 FROM json_each(?3)`,
  )
    .bind(roomId, peerId, JSON.stringify(rows))
    .run();
}

describe('quotas per device', () => {
  it('refuses shares past the per-room quota with 413 too_many_shares, storing none of the batch', async () => {
    const a = await newPeer();
    const roomId = await newRoom(a.secret);
    await seed(roomId, a.peerId, 4950, (i) => `f${i}`);
    const files = Array.from({ length: 60 }, (_, i) => file(i));
    const res = await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files } });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('too_many_shares');
    const n = await env.DB.prepare('SELECT count(*) AS n FROM shares WHERE room_id = ?1')
      .bind(roomId)
      .first();
    expect(n).toEqual({ n: 4950 });
  });

  it('refuses a room past the rooms-owned quota with 413 too_many_rooms', async () => {
    const a = await newPeer();
    await env.DB.prepare(
      `INSERT INTO rooms (id, created_by, created_at)
       SELECT printf('q%025d', value), ?1, 0 FROM json_each(?2)`,
    )
      .bind(a.peerId, JSON.stringify(Array.from({ length: 100 }, (_, i) => i + (Date.now() % 1000) * 1000)))
      .run();
    const res = await call('POST', '/api/rooms', { secret: a.secret });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('too_many_rooms');
  });
});

describe('the listing, however the shares were made', () => {
  it('has one source per device per content: re-sharing under other names keeps one share', async () => {
    const a = await newPeer();
    const roomId = await newRoom(a.secret);
    const names = ['a.bin', 'b.bin', 'c.bin'].map((name) => file(1, { name }));
    const res = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: a.secret,
      body: { files: names },
    });
    expect(res.status).toBe(201);
    expect(new Set(res.json.shares.map((s: { shareId: string }) => s.shareId)).size).toBe(1);
    await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: a.secret,
      body: { files: [file(1, { name: 'd.bin' })] },
    });
    const list = await call('GET', `/api/rooms/${roomId}/files`, { secret: a.secret });
    expect(list.json.files).toHaveLength(1);
    expect(list.json.files[0].sources).toHaveLength(1);
  });

  it('lists at most 20 sources per file, with the count of all of them', async () => {
    const owner = await newPeer();
    const roomId = await newRoom(owner.secret);
    for (let i = 0; i < 25; i++) {
      const p = await newPeer();
      await join(roomId, p.secret);
      await call('POST', `/api/rooms/${roomId}/shares`, { secret: p.secret, body: { files: [file(5)] } });
    }
    const list = await call('GET', `/api/rooms/${roomId}/files`, { secret: owner.secret });
    expect(list.json.files[0].sources).toHaveLength(20);
    expect(list.json.files[0].sourceCount).toBe(25);
    expect(new Set(list.json.files[0].sources.map((s: { peerId: string }) => s.peerId)).size).toBe(20);
  });
});

describe('search is scoped to the room before it matches', () => {
  it("reads about as many rows for a search in a small room whatever another room's flood", async () => {
    const [a, b] = [await newPeer(), await newPeer()];
    const small = await newRoom(a.secret);
    const flooded = await newRoom(b.secret);
    await call('POST', `/api/rooms/${small}/shares`, {
      secret: a.secret,
      body: { files: [file(1, { name: 'report final.pdf' })] },
    });
    const search = () =>
      listContentPage(env.DB, {
        roomId: small,
        match: ftsQuery('report', small),
        onlineOnly: false,
        after: null,
        limit: 51,
      });
    const before = await search();
    await seed(flooded, b.peerId, 3000, (i) => `report ${i}.pdf`);
    const after = await search();
    expect(after.rows.map((r) => r.content_id)).toEqual([contentId(1)]);
    expect(before.rows).toEqual(after.rows);
    // the flood (3000 matching names elsewhere) must not show up in the work done here
    expect(after.rowsRead).toBeLessThan(before.rowsRead + 50);
  });
});
