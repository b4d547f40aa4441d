// The relay with its objects evicted (sockets hibernated, memory gone) in the middle of each flow,
// and the alarm paths: silent sockets and expired queues.
import { evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, file } from './helpers.ts';
import {
  ageSockets,
  candidate,
  connect,
  newTestPeer,
  offer,
  onlineSince,
  openLive,
  pairInRoom,
  queuedFor,
  roomOf,
  skewClock,
  stubOf,
  until,
} from './signalingHelpers.ts';

describe('signaling across eviction', () => {
  it('relays in both directions and in order after both objects were evicted', async () => {
    const [a, b] = await pairInRoom();
    const [sa, sb] = [await connect(a), await connect(b)];
    sa.send(offer(b.peerId));
    expect((await sb.next()).type).toBe('OFFER');
    await evictDurableObject(stubOf(a.peerId));
    await evictDurableObject(stubOf(b.peerId));

    // heartbeats are answered while the object sleeps
    sa.send('{"type":"HEARTBEAT"}');
    expect(await sa.next()).toEqual({ type: 'HEARTBEAT' });
    for (let i = 0; i < 50; i++) sa.send(candidate(b.peerId, i));
    for (let i = 0; i < 50; i++) {
      expect(await sb.next()).toMatchObject({
        src: a.peerId,
        payload: { candidate: { candidate: `candidate:${i}` } },
      });
    }
    sb.send({ type: 'ANSWER', dst: a.peerId, payload: {} });
    expect(await sa.next()).toMatchObject({ type: 'ANSWER', src: b.peerId });
    // the contact list survived too: a's departure reaches b
    await evictDurableObject(stubOf(a.peerId));
    sa.close();
    expect(await sb.next()).toEqual({ type: 'LEAVE', src: a.peerId, dst: b.peerId });
    sb.close();
  });

  it('delivers frames queued before an eviction when the destination comes back', async () => {
    const [a, b] = await pairInRoom();
    const sa = await connect(a);
    sa.send(offer(b.peerId));
    sa.send(candidate(b.peerId, 0));
    await until(async () => (await queuedFor(b.peerId)) === 2);
    await evictDurableObject(stubOf(b.peerId));
    await evictDurableObject(stubOf(a.peerId));
    const sb = await connect(b);
    expect(await sb.next()).toMatchObject({ type: 'OFFER', src: a.peerId });
    expect(await sb.next()).toMatchObject({ type: 'CANDIDATE', src: a.peerId });
    sa.close();
    sb.close();
  });

  it('expires frames queued before an eviction, through the alarm', async () => {
    const [a, b] = await pairInRoom();
    const sa = await connect(a);
    sa.send(offer(b.peerId));
    await until(async () => (await queuedFor(b.peerId)) === 1);
    await evictDurableObject(stubOf(b.peerId));
    await evictDurableObject(stubOf(a.peerId));
    await skewClock(b.peerId, 6_000);
    expect(await runDurableObjectAlarm(stubOf(b.peerId))).toBe(true);
    expect(await sa.next()).toEqual({ type: 'EXPIRE', src: b.peerId, dst: a.peerId });
    sa.close();
  });

  it('keeps presence right: a socket that closes after an eviction marks the peer offline', async () => {
    const a = await newTestPeer();
    const b = await newTestPeer();
    const roomId = await roomOf(a, b);
    const sa = await connect(a);
    const live = await openLive(roomId, b);
    const hello = await live.next();
    expect(hello.members.find((m: { peerId: string }) => m.peerId === a.peerId).online).toBe(true);
    await evictDurableObject(stubOf(a.peerId));
    sa.close();
    expect(await live.next()).toMatchObject({
      type: 'presence',
      peerId: a.peerId,
      online: false,
      seq: hello.seq + 1,
    });
    expect(await onlineSince(a.peerId)).toBeNull();
    live.close();
  });
});

describe('silent sockets (alarm)', () => {
  it('closes a socket silent for too long, marks it offline and tells its contacts and rooms', async () => {
    const a = await newTestPeer();
    const b = await newTestPeer();
    const roomId = await roomOf(a, b);
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files: [file(1)] } });
    const [sa, sb] = [await connect(a), await connect(b)];
    sa.send(offer(b.peerId));
    expect((await sb.next()).type).toBe('OFFER');
    const live = await openLive(roomId, b);
    const hello = await live.next();

    // 30 s of silence is still fine
    await skewClock(a.peerId, 30_000);
    await runDurableObjectAlarm(stubOf(a.peerId));
    expect(await onlineSince(a.peerId)).not.toBeNull();

    await evictDurableObject(stubOf(a.peerId));
    await skewClock(a.peerId, 40_000);
    expect(await runDurableObjectAlarm(stubOf(a.peerId))).toBe(true);
    expect(await sa.closedWithin()).toEqual({ code: 4001, reason: 'no heartbeat' });
    expect(await sb.next()).toEqual({ type: 'LEAVE', src: a.peerId, dst: b.peerId });
    expect(await live.next()).toMatchObject({
      type: 'presence',
      peerId: a.peerId,
      online: false,
      seq: hello.seq + 1,
    });
    expect(await onlineSince(a.peerId)).toBeNull();
    const files = await call('GET', `/api/rooms/${roomId}/files`, { secret: b.secret });
    expect(files.json.files[0].sources[0]).toMatchObject({ peerId: a.peerId, online: false });
    sb.close();
    live.close();
  });

  it('counts heartbeats (the auto-response timestamp), not only the connection time', async () => {
    const a = await newTestPeer();
    const quiet = await newTestPeer();
    const [sa, sq] = [await connect(a), await connect(quiet)];
    await ageSockets(a.peerId, 60_000);
    await ageSockets(quiet.peerId, 60_000);
    await evictDurableObject(stubOf(a.peerId));
    sa.send('{"type":"HEARTBEAT"}');
    expect(await sa.next()).toEqual({ type: 'HEARTBEAT' });

    await runDurableObjectAlarm(stubOf(a.peerId));
    await runDurableObjectAlarm(stubOf(quiet.peerId));
    expect((await sq.closedWithin()).code).toBe(4001);
    expect(await onlineSince(a.peerId)).not.toBeNull();
    sa.send('{"type":"HEARTBEAT"}');
    expect(await sa.next()).toEqual({ type: 'HEARTBEAT' });
    sa.close();
  });
});
