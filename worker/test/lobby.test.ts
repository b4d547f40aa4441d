// The lobby: on a LAN tracker every device may join one room with no link (POST /api/lobby); on a
// deployed tracker only when LOBBY is "on". It is an ordinary room once joined.
import { describe, expect, it } from 'vitest';
import { call, file, lanCall, newPeer } from './helpers.ts';

describe('the lobby', () => {
  it('is off on a deployed tracker unless LOBBY is "on"', async () => {
    const peer = await newPeer();
    const res = await call('POST', '/api/lobby', { secret: peer.secret });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('lobby_off');
    expect(
      (await lanCall('POST', '/api/lobby', peer.secret, { TRACKER_MODE: 'deployed', LOBBY: 'on' })).status,
    ).toBe(201);
    expect((await lanCall('POST', '/api/lobby', peer.secret, { LOBBY: 'off' })).json.error.code).toBe(
      'lobby_off',
    );
  });

  it('needs a registered device', async () => {
    expect((await lanCall('POST', '/api/lobby')).status).toBe(401);
    expect((await lanCall('GET', '/api/lobby')).status).toBe(405);
  });

  it('is one room that every device joins without a link, and where they see each other’s files', async () => {
    const [a, b, c] = await Promise.all([newPeer('A'), newPeer('B'), newPeer('C')]);
    // all at once: one lobby, not three
    const joins = await Promise.all([a, b, c].map((p) => lanCall('POST', '/api/lobby', p.secret)));
    expect(joins.map((j) => j.status)).toEqual([201, 201, 201]);
    const roomId = joins[0]?.json.roomId;
    expect(joins.every((j) => j.json.roomId === roomId && j.json.joined === true)).toBe(true);
    // joining again is fine
    expect(await lanCall('POST', '/api/lobby', a.secret)).toMatchObject({
      status: 200,
      json: { roomId, joined: false },
    });

    const room = await lanCall('GET', `/api/rooms/${roomId}`, c.secret);
    // (the first test's device is in it too: one D1 per test file)
    expect(room.json.members.map((m: { name: string }) => m.name)).toEqual(
      expect.arrayContaining(['A', 'B', 'C']),
    );
    expect(
      (await lanCall('POST', `/api/rooms/${roomId}/shares`, a.secret, {}, { files: [file(901)] })).status,
    ).toBe(201);
    const listing = await lanCall('GET', `/api/rooms/${roomId}/files`, b.secret);
    expect(listing.json.files.map((f: { sources: { peerId: string }[] }) => f.sources[0]?.peerId)).toEqual([
      a.peerId,
    ]);

    // leaving takes the device's files out; it may come back
    expect((await lanCall('DELETE', `/api/rooms/${roomId}/members/me`, a.secret)).status).toBe(204);
    expect((await lanCall('GET', `/api/rooms/${roomId}/files`, b.secret)).json.files).toEqual([]);
    expect(await lanCall('POST', '/api/lobby', a.secret)).toMatchObject({ status: 201, json: { roomId } });
  });
});
