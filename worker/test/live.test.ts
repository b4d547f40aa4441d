// Live room events on /api/rooms/:roomId/live, served by the RoomHub object.
import { env, evictDurableObject, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { RoomHub } from '../rooms/RoomHub.ts';
import { PEER_HEADER, ROOM_HEADER, roomStub } from '../stubs.ts';
import { call, file } from './helpers.ts';
import { connect, newTestPeer, openLive, roomOf, TestSocket, ticketFor } from './signalingHelpers.ts';

describe('live room events', () => {
  it('says hello first, with the members and who is online', async () => {
    const a = await newTestPeer('Ada');
    const b = await newTestPeer('Bo');
    const roomId = await roomOf(a, b);
    const sa = await connect(a);
    const live = await openLive(roomId, b);
    const hello = await live.next();
    expect(hello).toEqual({
      type: 'hello',
      seq: expect.any(Number),
      roomId,
      members: [
        { peerId: a.peerId, name: 'Ada', online: true, joinedAt: expect.any(Number) },
        { peerId: b.peerId, name: 'Bo', online: false, joinedAt: expect.any(Number) },
      ],
    });
    sa.close();
    live.close();
  });

  it('pushes a share added by one member to the other with the next sequence number', async () => {
    const a = await newTestPeer();
    const b = await newTestPeer();
    const roomId = await roomOf(a, b);
    const [la, lb] = [await openLive(roomId, a), await openLive(roomId, b)];
    const [ha, hb] = [await la.next(), await lb.next()];
    expect(ha.seq).toBe(hb.seq);
    const res = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: a.secret,
      body: { files: [file(7)] },
    });
    expect(res.status).toBe(201);
    const event = await lb.next();
    expect(event).toMatchObject({
      type: 'share-added',
      seq: hb.seq + 1,
      at: expect.any(Number),
      share: { shareId: res.json.shares[0].shareId, contentId: file(7).contentId, peerId: a.peerId },
    });
    expect(await la.next()).toEqual(event);
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: b.secret, body: { files: [file(8)] } });
    expect((await la.next()).seq).toBe(hb.seq + 2);
    la.close();
    lb.close();
  });

  it('shows a source going offline when its signaling socket closes, in events and in the listing', async () => {
    const a = await newTestPeer();
    const b = await newTestPeer();
    const roomId = await roomOf(a, b);
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files: [file(1)] } });
    const live = await openLive(roomId, b);
    const hello = await live.next();
    const sa = await connect(a);
    expect(await live.next()).toMatchObject({
      type: 'presence',
      peerId: a.peerId,
      online: true,
      seq: hello.seq + 1,
    });
    const before = await call('GET', `/api/rooms/${roomId}/files?online=1`, { secret: b.secret });
    expect(before.json.files[0].sources[0].online).toBe(true);

    sa.close();
    expect(await live.next()).toMatchObject({
      type: 'presence',
      peerId: a.peerId,
      online: false,
      seq: hello.seq + 2,
    });
    const after = await call('GET', `/api/rooms/${roomId}/files`, { secret: b.secret });
    expect(after.json.files[0].sources[0]).toMatchObject({ peerId: a.peerId, online: false });
    expect(
      (await call('GET', `/api/rooms/${roomId}/files?online=1`, { secret: b.secret })).json.files,
    ).toEqual([]);
    live.close();
  });

  it("tells the others when a member leaves, and closes the leaver's live socket", async () => {
    const a = await newTestPeer();
    const b = await newTestPeer();
    const roomId = await roomOf(a, b);
    const [la, lb] = [await openLive(roomId, a), await openLive(roomId, b)];
    const hello = await la.next();
    await lb.next();
    expect((await call('DELETE', `/api/rooms/${roomId}/members/me`, { secret: b.secret })).status).toBe(204);
    expect(await la.next()).toMatchObject({ type: 'member-left', peerId: b.peerId, seq: hello.seq + 1 });
    expect(await lb.next()).toMatchObject({ type: 'member-left', peerId: b.peerId });
    expect((await lb.closedWithin()).code).toBe(4003);
    // and it cannot come back on its ticket
    expect((await liveStatus(roomId, b.ticket)).status).toBe(403);
    la.close();
  });

  it('keeps numbering across an eviction of the room object', async () => {
    const a = await newTestPeer();
    const roomId = await roomOf(a);
    const first = await openLive(roomId, a);
    const hello = await first.next();
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files: [file(1)] } });
    expect((await first.next()).seq).toBe(hello.seq + 1);
    await evictDurableObject(roomStub(env, roomId));
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files: [file(2)] } });
    expect((await first.next()).seq).toBe(hello.seq + 2);
    const second = await openLive(roomId, a);
    expect((await second.next()).seq).toBe(hello.seq + 2);
    // the ping is answered while the object sleeps
    await evictDurableObject(roomStub(env, roomId));
    second.send('{"type":"ping"}');
    expect(await second.next()).toEqual({ type: 'pong' });
    first.close();
    second.close();
  });

  it('replays to a new socket the events published while it was reading the members', async () => {
    const a = await newTestPeer();
    const roomId = await roomOf(a);
    const received = await runInDurableObject(roomStub(env, roomId), async (hub: RoomHub) => {
      const request = new Request('https://room-hub/live', {
        headers: { upgrade: 'websocket', [PEER_HEADER]: a.peerId, [ROOM_HEADER]: roomId },
      });
      // the upgrade awaits D1 for the members; this publish lands in between
      const upgrading = hub.fetch(request);
      hub.publish(roomId, [{ type: 'renamed', peerId: a.peerId, name: 'Mid Way' }]);
      const socket = new TestSocket((await upgrading).webSocket!);
      const messages = [await socket.next(), await socket.next()];
      socket.close();
      return messages;
    });
    expect(received[0]).toMatchObject({ type: 'hello', members: [{ peerId: a.peerId }] });
    expect(received[1]).toMatchObject({ type: 'renamed', name: 'Mid Way', seq: received[0].seq + 1 });
  });

  it('refuses a bad ticket (401), an unknown room (404) and a non-member (403) before upgrading', async () => {
    const a = await newTestPeer();
    const outsider = await newTestPeer();
    const roomId = await roomOf(a);
    expect((await liveStatus(roomId, 'x'.repeat(43))).status).toBe(401);
    expect((await liveStatus(roomId, '')).status).toBe(401);
    const unknown = await liveStatus('q'.repeat(26), a.ticket);
    expect(unknown.status).toBe(404);
    expect((await unknown.json<{ error: { code: string } }>()).error.code).toBe('room_not_found');
    const stranger = await liveStatus(roomId, await ticketFor(outsider.secret));
    expect(stranger.status).toBe(403);
    expect((await stranger.json<{ error: { code: string } }>()).error.code).toBe('not_member');
    expect((await call('POST', `/api/rooms/${roomId}/live`)).status).toBe(405);
  });

  it('opens one live socket per ticket: the same URL again is refused (401)', async () => {
    const a = await newTestPeer();
    const roomId = await roomOf(a);
    const ticket = await ticketFor(a.secret);
    const first = await liveStatus(roomId, ticket);
    expect(first.status).toBe(101);
    first.webSocket?.accept();
    first.webSocket?.close();
    expect((await liveStatus(roomId, ticket)).status).toBe(401);
  });

  it('closes a live socket that sends anything but a ping', async () => {
    const a = await newTestPeer();
    const roomId = await roomOf(a);
    const live = await openLive(roomId, a);
    await live.next();
    live.send('{ "type": "ping" }');
    expect(await live.next()).toEqual({ type: 'pong' });
    live.send({ type: 'share-added' });
    expect((await live.closedWithin()).code).toBe(1008);
  });
});

function liveStatus(roomId: string, ticket: string): Promise<Response> {
  return SELF.fetch(`http://tracker.test/api/rooms/${roomId}/live?ticket=${ticket}`, {
    headers: { upgrade: 'websocket' },
  });
}
