// Who gets in (issue 10, item 3): joining needs the room link's invite, the owner removes members and
// changes the link, a device changes its secret, and the tracker forgets a device.
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../lib/crypto.ts';
import { keyTag } from '../lib/tickets.ts';
import { KEY_TAG_HEADER } from '../signaling/sockets.ts';
import { PEER_HEADER } from '../stubs.ts';
import { call, file, inviteOf, join, newPeer, newRoom, setInvite } from './helpers.ts';
import {
  connect,
  newTestPeer,
  openLive,
  roomOf,
  signalingPath,
  stubOf,
  TestSocket,
  ticketFor,
} from './signalingHelpers.ts';

describe('joining with the link', () => {
  it('needs the current invite; a member needs nothing more', async () => {
    const [a, b, c] = [await newPeer(), await newPeer(), await newPeer()];
    const roomId = await newRoom(a.secret);
    const noInvite = await call('POST', `/api/rooms/${roomId}/members`, { secret: b.secret });
    expect(noInvite.status).toBe(403);
    expect(noInvite.json.error.code).toBe('invite_invalid');
    const wrong = await join(roomId, b.secret, 'x'.repeat(43));
    expect(wrong.json.error.code).toBe('invite_invalid');
    expect((await join(roomId, b.secret)).status).toBe(201);
    // already in: no invite needed, and a stale one is no reason to refuse
    expect((await call('POST', `/api/rooms/${roomId}/members`, { secret: b.secret })).status).toBe(200);
    expect((await call('GET', `/api/rooms/${roomId}`, { secret: c.secret })).status).toBe(403);
  });
});

describe('the owner changes the link', () => {
  it('old link stops working at once, members stay, everyone in the room hears it', async () => {
    const [a, b] = [await newTestPeer(), await newTestPeer()];
    const roomId = await roomOf(a, b);
    const live = await openLive(roomId, b);
    const hello = await live.next();
    const old = inviteOf(roomId);
    expect((await call('POST', `/api/rooms/${roomId}/invite`, { secret: b.secret })).json.error.code).toBe(
      'not_owner',
    );
    const rotated = await call('POST', `/api/rooms/${roomId}/invite`, { secret: a.secret });
    expect(rotated.status).toBe(201);
    expect(rotated.json.invite).not.toBe(old);
    expect(await live.next()).toMatchObject({ type: 'invite-changed', seq: hello.seq + 1 });
    const c = await newPeer();
    expect((await join(roomId, c.secret, old)).json.error.code).toBe('invite_invalid');
    expect((await call('GET', `/api/rooms/${roomId}`, { secret: b.secret })).status).toBe(200);
    expect((await join(roomId, c.secret, rotated.json.invite)).status).toBe(201);
    live.close();
  });
});

describe('the owner removes a member', () => {
  it('takes it and its shares out, closes its live socket, and it cannot come back with any link', async () => {
    const [a, b] = [await newTestPeer(), await newTestPeer()];
    const roomId = await roomOf(a, b);
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: b.secret, body: { files: [file(7)] } });
    const [liveA, liveB] = [await openLive(roomId, a), await openLive(roomId, b)];
    await liveA.next();
    await liveB.next();
    expect(
      (await call('DELETE', `/api/rooms/${roomId}/members/${a.peerId}`, { secret: b.secret })).status,
    ).toBe(403);
    expect(
      (await call('DELETE', `/api/rooms/${roomId}/members/${b.peerId}`, { secret: a.secret })).status,
    ).toBe(204);
    expect(await liveA.next()).toMatchObject({ type: 'share-removed', peerId: b.peerId });
    expect(await liveA.next()).toMatchObject({ type: 'member-left', peerId: b.peerId, removed: true });
    expect((await liveB.closedWithin()).code).toBe(4003);
    expect((await call('GET', `/api/rooms/${roomId}/files`, { secret: a.secret })).json.files).toEqual([]);
    expect((await call('GET', `/api/rooms/${roomId}`, { secret: b.secret })).status).toBe(403);
    const rotated = await call('POST', `/api/rooms/${roomId}/invite`, { secret: a.secret });
    setInvite(roomId, rotated.json.invite);
    expect((await join(roomId, b.secret)).json.error.code).toBe('removed_from_room');
    liveA.close();
  });
});

describe("a device's own credentials", () => {
  it('opens nothing for an admission made before a secret change that reaches the hub after the kick', async () => {
    const a = await newTestPeer();
    const stub = stubOf(a.peerId);
    // what the Worker forwards once it has admitted (connect.ts): the id and the credentials it checked
    const upgrade = (tag: string) =>
      stub.fetch('https://peer-socket/connect', {
        headers: { upgrade: 'websocket', [PEER_HEADER]: a.peerId, [KEY_TAG_HEADER]: tag },
      });
    const before = keyTag(await sha256Hex(a.secret));
    // the secret changes between the Worker's admission and its call to the hub
    const rotated = await call('POST', '/api/peers/me/secret', { secret: a.secret });
    expect(rotated.status).toBe(201);
    const late = new TestSocket((await upgrade(before)).webSocket!);
    expect(await late.next()).toMatchObject({
      type: 'ERROR',
      payload: { msg: expect.stringMatching(/signed out/) },
    });
    expect((await late.closedWithin()).code).toBe(1008);
    const fresh = new TestSocket((await upgrade(keyTag(await sha256Hex(rotated.json.secret)))).webSocket!);
    expect(await fresh.next()).toEqual({ type: 'OPEN' });
    fresh.close();
  });

  it('changes its secret: the old one and every ticket stop working, its sockets close', async () => {
    const a = await newTestPeer();
    const socket = await connect(a);
    const rotated = await call('POST', '/api/peers/me/secret', { secret: a.secret });
    expect(rotated.status).toBe(201);
    expect((await socket.closedWithin()).code).toBe(4002);
    expect((await call('GET', '/api/peers/me', { secret: a.secret })).status).toBe(401);
    expect((await call('GET', '/api/peers/me', { secret: rotated.json.secret })).status).toBe(200);
    const old = await TestSocket.open(signalingPath(a.peerId, a.ticket));
    expect((await old.next()).type).toBe('ERROR');
    const fresh = await TestSocket.open(signalingPath(a.peerId, await ticketFor(rotated.json.secret)));
    expect((await fresh.next()).type).toBe('OPEN');
    fresh.close();
  });

  it('is forgotten on request: out of every room, owned rooms handed over or gone, secret void', async () => {
    const [a, b] = [await newTestPeer(), await newTestPeer()];
    const shared = await roomOf(a, b);
    const alone = await newRoom(a.secret);
    await call('POST', `/api/rooms/${shared}/shares`, { secret: a.secret, body: { files: [file(3)] } });
    const socket = await connect(a);
    const live = await openLive(shared, b);
    await live.next();
    expect((await call('DELETE', '/api/peers/me', { secret: a.secret })).status).toBe(204);
    expect((await socket.closedWithin()).code).toBe(4002);
    expect(await live.next()).toMatchObject({ type: 'share-removed', peerId: a.peerId });
    expect(await live.next()).toMatchObject({ type: 'member-left', peerId: a.peerId });
    expect((await call('GET', '/api/peers/me', { secret: a.secret })).status).toBe(401);
    const room = await call('GET', `/api/rooms/${shared}`, { secret: b.secret });
    expect(room.json.ownerId).toBe(b.peerId);
    expect(room.json.members.map((m: { peerId: string }) => m.peerId)).toEqual([b.peerId]);
    const c = await newPeer();
    expect((await join(alone, c.secret)).json.error.code).toBe('room_not_found');
    live.close();
  });

  it('hands the room over when the owner leaves', async () => {
    const [a, b] = [await newTestPeer(), await newTestPeer()];
    const roomId = await roomOf(a, b);
    expect((await call('DELETE', `/api/rooms/${roomId}/members/me`, { secret: a.secret })).status).toBe(204);
    expect((await call('GET', `/api/rooms/${roomId}`, { secret: b.secret })).json.ownerId).toBe(b.peerId);
    expect((await call('POST', `/api/rooms/${roomId}/invite`, { secret: b.secret })).status).toBe(201);
  });
});
