import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, contentId, file, join, newPeer, newRoom } from './helpers.ts';

async function setup() {
  const a = await newPeer('Alice');
  const b = await newPeer('Bob');
  const roomId = await newRoom(a.secret);
  await join(roomId, b.secret);
  return { a, b, roomId };
}

const list = (roomId: string, secret: string, query = '') =>
  call('GET', `/api/rooms/${roomId}/files${query}`, { secret });

describe('GET /api/rooms/:roomId/files', () => {
  it('gives one entry per content with all its sources', async () => {
    const { a, b, roomId } = await setup();
    await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: a.secret,
      body: { files: [file(1, { name: 'a.txt' })] },
    });
    await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: b.secret,
      body: { files: [file(1, { name: 'copy.txt' })] },
    });
    const res = await list(roomId, a.secret);
    expect(res.status).toBe(200);
    expect(res.json.files).toHaveLength(1);
    const [entry] = res.json.files;
    expect(entry).toMatchObject({
      contentId: contentId(1),
      name: 'a.txt',
      size: 1001,
      type: 'application/octet-stream',
      chunkSize: 1 << 20,
    });
    expect(entry.sources.map((s: { name: string; fileName: string }) => [s.name, s.fileName])).toEqual([
      ['Alice', 'a.txt'],
      ['Bob', 'copy.txt'],
    ]);
    expect(entry.sources.every((s: { online: boolean }) => s.online === false)).toBe(true);
    expect(res.json.nextCursor).toBeNull();
  });

  it('pages through every file exactly once, newest first', async () => {
    const { a, roomId } = await setup();
    // distinct added_at times, so the order is known
    for (let i = 0; i < 23; i++) {
      await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files: [file(i)] } });
    }
    await env.DB.prepare('UPDATE shares SET added_at = 1000 + CAST(substr(content_id, 60) AS INTEGER)').run();
    await env.DB.prepare(
      'UPDATE room_contents SET first_added = 1000 + CAST(substr(content_id, 60) AS INTEGER)',
    ).run();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { json: { files: { contentId: string }[]; nextCursor: string | null } } = await list(
        roomId,
        a.secret,
        `?limit=10${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.json.files.map((f) => f.contentId));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    // hex seeds >= 10 differ from their decimal reading, so compare against the stored order
    const { results } = await env.DB.prepare(
      'SELECT content_id FROM shares WHERE room_id = ?1 ORDER BY added_at DESC, content_id DESC',
    )
      .bind(roomId)
      .all<{ content_id: string }>();
    expect(seen).toEqual(results.map((r) => r.content_id));
  });

  it('pages stay stable when two contents were added at the same moment', async () => {
    const { a, roomId } = await setup();
    const files = Array.from({ length: 7 }, (_, i) => file(100 + i));
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files } });
    const first = await list(roomId, a.secret, '?limit=3');
    const second = await list(roomId, a.secret, `?limit=3&cursor=${first.json.nextCursor}`);
    const third = await list(roomId, a.secret, `?limit=3&cursor=${second.json.nextCursor}`);
    const ids = [...first.json.files, ...second.json.files, ...third.json.files].map((f) => f.contentId);
    expect(new Set(ids).size).toBe(7);
    expect(third.json.nextCursor).toBeNull();
  });

  it('searches names and folder paths by word prefix, case- and accent-insensitively', async () => {
    const { a, roomId } = await setup();
    const files = [
      file(1, { name: 'Holiday_Photos.zip' }),
      file(2, { name: 'résumé.pdf' }),
      file(3, { name: 'notes.txt', path: 'Projects/Holiday' }),
      file(4, { name: 'budget.xlsx' }),
    ];
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files } });
    const names = async (q: string) =>
      (await list(roomId, a.secret, `?q=${encodeURIComponent(q)}`)).json.files
        .map((f: { name: string }) => f.name)
        .sort();
    expect(await names('holi')).toEqual(['Holiday_Photos.zip', 'notes.txt']);
    expect(await names('RESUME')).toEqual(['résumé.pdf']);
    expect(await names('pdf')).toEqual(['résumé.pdf']);
    expect(await names('photos holiday')).toEqual(['Holiday_Photos.zip']);
    expect(await names('zzz')).toEqual([]);
    // FTS5 syntax is treated as plain words, never as a query language
    expect(await names('budget" OR "a')).toEqual([]);
    expect(await names('(budget*)')).toEqual(['budget.xlsx']);
    expect(await names('name:budget')).toEqual([]);
    expect(await names('***')).toEqual([]);
  });

  it('filters to files with an online source', async () => {
    const { a, b, roomId } = await setup();
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files: [file(1)] } });
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: b.secret, body: { files: [file(2)] } });
    await env.DB.prepare('UPDATE peers SET online_since = 1 WHERE id = ?1').bind(b.peerId).run();
    const res = await list(roomId, a.secret, '?online=1');
    expect(res.json.files.map((f: { contentId: string }) => f.contentId)).toEqual([contentId(2)]);
    expect(res.json.files[0].sources[0].online).toBe(true);
    expect((await list(roomId, a.secret, '?online=0')).json.files).toHaveLength(2);
  });

  it('refuses bad queries', async () => {
    const { a, roomId } = await setup();
    for (const q of [
      '?limit=0',
      '?limit=101',
      '?limit=abc',
      '?cursor=nope',
      '?online=maybe',
      '?x=1',
      '?limit=1&limit=2',
    ]) {
      const res = await list(roomId, a.secret, q);
      expect(res.status, q).toBe(400);
      expect(res.json.error.code).toBe('invalid_query');
    }
  });
});
