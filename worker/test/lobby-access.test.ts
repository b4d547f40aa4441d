// The lobby against issue 10's access rules. The lobby is the network's open room: it has no invite and
// no owner, so nobody removes members or changes its link there; its own join path still honours a
// removal like any join, and joining it lets signaling through at once (both relay layouts: this file
// runs in the deployed and the LAN test projects).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { banMember } from '../db/rooms.ts';
import { call, lanCall } from './helpers.ts';
import { connect, newTestPeer, offer } from './signalingHelpers.ts';

/** A call with the lobby on, in this project's relay layout (so the relay hears about joins). */
const lobbyCall = (method: string, path: string, secret: string, body?: unknown) =>
  lanCall(method, path, secret, { TRACKER_MODE: env.TRACKER_MODE, LOBBY: 'on' }, body);

async function lobbyOf(...secrets: string[]): Promise<string> {
  let roomId = '';
  for (const secret of secrets) {
    const res = await lobbyCall('POST', '/api/lobby', secret);
    expect(res.status).toBeLessThan(300);
    roomId = res.json.roomId;
  }
  return roomId;
}

describe('the lobby and access rules', () => {
  it('has no owner: removing a member or changing its link is refused with lobby_has_no_owner', async () => {
    const [a, b] = [await newTestPeer('A'), await newTestPeer('B')];
    const roomId = await lobbyOf(a.secret, b.secret);
    // whoever asks, the lobby's first device included
    for (const who of [a, b]) {
      const other = who === a ? b : a;
      const removal = await lobbyCall('DELETE', `/api/rooms/${roomId}/members/${other.peerId}`, who.secret);
      expect(removal).toMatchObject({ status: 403, json: { error: { code: 'lobby_has_no_owner' } } });
      const rotation = await lobbyCall('POST', `/api/rooms/${roomId}/invite`, who.secret);
      expect(rotation).toMatchObject({ status: 403, json: { error: { code: 'lobby_has_no_owner' } } });
    }
    const room = await lobbyCall('GET', `/api/rooms/${roomId}`, b.secret);
    expect(room.json.ownerId).toBeNull();
    expect(room.json.members.map((m: { peerId: string }) => m.peerId)).toEqual(
      expect.arrayContaining([a.peerId, b.peerId]),
    );
  });

  it('honours a removal on its own join path and by id', async () => {
    const [a, b] = [await newTestPeer('A'), await newTestPeer('B')];
    const roomId = await lobbyOf(a.secret, b.secret);
    // no API makes a lobby ban; one in the table (however it got there) must still keep the device out
    await banMember(env.DB, roomId, b.peerId, Date.now());
    expect(await lobbyCall('POST', '/api/lobby', b.secret)).toMatchObject({
      status: 403,
      json: { error: { code: 'removed_from_room' } },
    });
    expect(await lobbyCall('POST', `/api/rooms/${roomId}/members`, b.secret, {})).toMatchObject({
      status: 403,
      json: { error: { code: 'removed_from_room' } },
    });
    const members = (await lobbyCall('GET', `/api/rooms/${roomId}`, a.secret)).json.members;
    expect(members.map((m: { peerId: string }) => m.peerId)).not.toContain(b.peerId);
  });

  it('is not joinable by its id when this tracker has no lobby', async () => {
    const [a, b] = [await newTestPeer('A'), await newTestPeer('B')];
    const roomId = await lobbyOf(a.secret);
    const off = await lanCall('POST', `/api/rooms/${roomId}/members`, b.secret, { LOBBY: 'off' }, {});
    expect(off).toMatchObject({ status: 404, json: { error: { code: 'lobby_off' } } });
    // with the lobby on, its id is as good as the lobby's own path (it has no invite to ask for)
    expect((await lobbyCall('POST', `/api/rooms/${roomId}/members`, b.secret, {})).status).toBe(201);
  });

  it('lets signaling through as soon as two connected devices join it', async () => {
    const [a, b] = [await newTestPeer('A'), await newTestPeer('B')];
    const [sa, sb] = [await connect(a), await connect(b)];
    await lobbyOf(a.secret, b.secret);
    sa.send(offer(b.peerId));
    expect((await sb.next()).type).toBe('OFFER');
    // and leaving it stops them again
    const lobby = await lobbyCall('POST', '/api/lobby', b.secret);
    expect(
      (await call('DELETE', `/api/rooms/${lobby.json.roomId}/members/me`, { secret: b.secret })).status,
    ).toBe(204);
    await sa.next().catch(() => undefined); // LEAVE, in layouts that tell
    sa.send(offer(b.peerId));
    expect(await sa.next()).toEqual({ type: 'EXPIRE', src: b.peerId, dst: a.peerId });
    for (const s of [sa, sb]) s.close();
  });
});
