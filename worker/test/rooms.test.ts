import { describe, expect, it } from 'vitest';
import { call, file, join, newPeer, newRoom } from './helpers.ts';

describe('rooms', () => {
  it('creates a room whose creator is a member, and lets holders of the link join', async () => {
    const a = await newPeer('Alice');
    const b = await newPeer('Bob');
    const created = await call('POST', '/api/rooms', { secret: a.secret });
    expect(created.status).toBe(201);
    const { roomId } = created.json;
    expect(roomId).toMatch(/^[a-z2-7]{26}$/);

    const room = await call('GET', `/api/rooms/${roomId}`, { secret: a.secret });
    expect(room.status).toBe(200);
    expect(room.json.members).toEqual([
      { peerId: a.peerId, name: 'Alice', online: false, joinedAt: expect.any(Number) },
    ]);

    expect((await call('GET', `/api/rooms/${roomId}`, { secret: b.secret })).status).toBe(403);
    expect(created.json.invite).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const joined = await join(roomId, b.secret, created.json.invite);
    expect(joined.status).toBe(201);
    expect((await join(roomId, b.secret, created.json.invite)).status).toBe(200);

    const after = await call('GET', `/api/rooms/${roomId}`, { secret: b.secret });
    expect(after.json.members.map((m: { name: string }) => m.name)).toEqual(['Alice', 'Bob']);
  });

  it('answers 404 for an unknown room and 400 for a malformed id', async () => {
    const a = await newPeer();
    const unknown = 'a'.repeat(26);
    for (const [method, path] of [
      ['GET', `/api/rooms/${unknown}`],
      ['POST', `/api/rooms/${unknown}/members`],
      ['GET', `/api/rooms/${unknown}/files`],
    ] as const) {
      const res = await call(method, path, { secret: a.secret });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json.error.code).toBe('room_not_found');
    }
    const bad = await call('GET', '/api/rooms/not-a-room', { secret: a.secret });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_param');
  });

  it('requires a valid secret for every room endpoint', async () => {
    const a = await newPeer();
    const roomId = await newRoom(a.secret);
    for (const [method, path] of [
      ['POST', '/api/rooms'],
      ['GET', `/api/rooms/${roomId}`],
      ['POST', `/api/rooms/${roomId}/members`],
      ['DELETE', `/api/rooms/${roomId}/members/me`],
      ['POST', `/api/rooms/${roomId}/shares`],
      ['DELETE', `/api/rooms/${roomId}/shares/${'b'.repeat(26)}`],
      ['GET', `/api/rooms/${roomId}/files`],
    ] as const) {
      const res = await call(method, path, {
        secret: 'Z'.repeat(43),
        body: method === 'POST' ? {} : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.json.error.code).toBe('unauthorized');
    }
  });

  it('a member who leaves loses access and its shares', async () => {
    const a = await newPeer();
    const b = await newPeer();
    const roomId = await newRoom(a.secret);
    await join(roomId, b.secret);
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: b.secret, body: { files: [file(1)] } });
    expect((await call('GET', `/api/rooms/${roomId}/files`, { secret: a.secret })).json.files).toHaveLength(
      1,
    );

    expect((await call('DELETE', `/api/rooms/${roomId}/members/me`, { secret: b.secret })).status).toBe(204);
    expect((await call('GET', `/api/rooms/${roomId}/files`, { secret: b.secret })).status).toBe(403);
    expect((await call('GET', `/api/rooms/${roomId}/files`, { secret: a.secret })).json.files).toHaveLength(
      0,
    );
  });
});
