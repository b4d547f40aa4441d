import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../protocol/limits.ts';
import { call, contentId, file, join, newPeer, newRoom } from './helpers.ts';

async function roomWithTwo() {
  const a = await newPeer('Alice');
  const b = await newPeer('Bob');
  const roomId = await newRoom(a.secret);
  await join(roomId, b.secret);
  return { a, b, roomId };
}

describe('POST /api/rooms/:roomId/shares', () => {
  it('registers a batch and returns a share id per file, in order', async () => {
    const { a, roomId } = await roomWithTwo();
    const files = [
      file(1),
      file(2, { name: 'Ünïcødé 文件.txt', type: 'text/plain' }),
      file(3, { path: 'photos/2024' }),
    ];
    const res = await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files } });
    expect(res.status).toBe(201);
    expect(res.json.shares).toHaveLength(3);
    expect(res.json.shares.map((s: { contentId: string }) => s.contentId)).toEqual(
      files.map((f) => f.contentId),
    );
    expect(res.json.shares[1].name).toBe('Ünïcødé 文件.txt');
    expect(res.json.shares[2].path).toBe('photos/2024');
    for (const s of res.json.shares) expect(s.shareId).toMatch(/^[a-z2-7]{26}$/);
  });

  it('is idempotent for the same file', async () => {
    const { a, roomId } = await roomWithTwo();
    const first = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: a.secret,
      body: { files: [file(7)] },
    });
    const again = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: a.secret,
      body: { files: [file(7)] },
    });
    expect(again.status).toBe(201);
    expect(again.json.shares[0].shareId).toBe(first.json.shares[0].shareId);
  });

  it('accepts a 0-byte file, the largest exact size, and an unknown MIME type', async () => {
    const { a, roomId } = await roomWithTwo();
    const files = [file(1, { size: 0 }), file(2, { size: Number.MAX_SAFE_INTEGER }), file(3, { type: '' })];
    const res = await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files } });
    expect(res.status).toBe(201);
    const list = await call('GET', `/api/rooms/${roomId}/files`, { secret: a.secret });
    const bySeed = (seed: number) =>
      list.json.files.find((f: { contentId: string }) => f.contentId === contentId(seed));
    expect(bySeed(1).size).toBe(0);
    expect(bySeed(2).size).toBe(Number.MAX_SAFE_INTEGER);
    expect(bySeed(3).type).toBe('application/octet-stream');
  });

  it(`takes up to ${LIMITS.maxSharesPerRequest} files per request and refuses more, atomically`, async () => {
    const { a, roomId } = await roomWithTwo();
    const many = Array.from({ length: LIMITS.maxSharesPerRequest }, (_, i) => file(1000 + i));
    const ok = await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files: many } });
    expect(ok.status).toBe(201);
    expect(ok.json.shares).toHaveLength(LIMITS.maxSharesPerRequest);

    const tooMany = Array.from({ length: LIMITS.maxSharesPerRequest + 1 }, (_, i) => file(5000 + i));
    const refused = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: a.secret,
      body: { files: tooMany },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('invalid_body');
    const count = await env.DB.prepare('SELECT count(*) AS n FROM shares WHERE room_id = ?1')
      .bind(roomId)
      .first();
    expect(count?.n).toBe(LIMITS.maxSharesPerRequest);
  });

  it('refuses a batch with one bad file without storing any of it', async () => {
    const { a, roomId } = await roomWithTwo();
    const files = [file(1), file(2, { name: '../../etc/passwd' })];
    const res = await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files } });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('files.1.name');
    const count = await env.DB.prepare('SELECT count(*) AS n FROM shares WHERE room_id = ?1')
      .bind(roomId)
      .first();
    expect(count?.n).toBe(0);
  });

  it('refuses unsafe names and paths', async () => {
    const { a, roomId } = await roomWithTwo();
    for (const bad of [
      { name: '' },
      { name: '..' },
      { name: 'a/b' },
      { name: 'x'.repeat(256) },
      { path: '/abs' },
      { path: 'a/../b' },
      { path: 'a//b' },
      { size: -1 },
      { size: 1.5 },
      { size: 2 ** 53 },
      { chunkSize: 0 },
      { type: 'not a mime' },
    ]) {
      const res = await call('POST', `/api/rooms/${roomId}/shares`, {
        secret: a.secret,
        body: { files: [file(1, bad)] },
      });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.json.error.code).toBe('invalid_body');
    }
  });

  it('409s when a content id is claimed with another size in the same room', async () => {
    const { a, b, roomId } = await roomWithTwo();
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files: [file(1)] } });
    const res = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: b.secret,
      body: { files: [file(1, { size: 5 })] },
    });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('content_conflict');
  });

  it('is 403 for a non-member', async () => {
    const { roomId } = await roomWithTwo();
    const c = await newPeer();
    const res = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: c.secret,
      body: { files: [file(1)] },
    });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('not_member');
  });
});

describe('DELETE /api/rooms/:roomId/shares/:shareId', () => {
  it('lets only the owner stop sharing', async () => {
    const { a, b, roomId } = await roomWithTwo();
    const res = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: a.secret,
      body: { files: [file(1)] },
    });
    const { shareId } = res.json.shares[0];
    const path = `/api/rooms/${roomId}/shares/${shareId}`;

    const notOwner = await call('DELETE', path, { secret: b.secret });
    expect(notOwner.status).toBe(403);
    expect(notOwner.json.error.code).toBe('not_owner');

    expect((await call('DELETE', path, { secret: a.secret })).status).toBe(204);
    const gone = await call('DELETE', path, { secret: a.secret });
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('share_not_found');
    expect((await call('GET', `/api/rooms/${roomId}/files`, { secret: b.secret })).json.files).toEqual([]);
  });

  it('does not find a share through another room', async () => {
    const { a, roomId } = await roomWithTwo();
    const other = await newRoom(a.secret);
    const res = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: a.secret,
      body: { files: [file(1)] },
    });
    const del = await call('DELETE', `/api/rooms/${other}/shares/${res.json.shares[0].shareId}`, {
      secret: a.secret,
    });
    expect(del.status).toBe(404);
  });
});
