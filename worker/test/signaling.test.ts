// The PeerJS protocol as a client sees it, through real upgrades on /peerjs/peerjs.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MAX_PENDING } from '../db/signalingStore.ts';
import { sha256Hex } from '../lib/crypto.ts';
import type { PeerSocket } from '../signaling/PeerSocket.ts';
import { call, join } from './helpers.ts';
import {
  candidate,
  connect,
  freezeClock,
  newTestPeer,
  offer,
  onlineSince,
  pairInRoom,
  queuedFor,
  roomOf,
  signalingPath,
  skewClock,
  stubOf,
  TestSocket,
  ticketFor,
  UNLIMITED,
  until,
} from './signalingHelpers.ts';

describe('signaling: connecting', () => {
  it('sends OPEN on accept and marks the peer online', async () => {
    const a = await newTestPeer();
    expect(await onlineSince(a.peerId)).toBeNull();
    const socket = await TestSocket.open(signalingPath(a.peerId, a.ticket));
    expect(await socket.next()).toEqual({ type: 'OPEN' });
    expect(await onlineSince(a.peerId)).toEqual(expect.any(Number));
    socket.close();
    await until(async () => (await onlineSince(a.peerId)) === null);
  });

  it('answers the heartbeat with the same text', async () => {
    const a = await newTestPeer();
    const socket = await connect(a);
    socket.send('{"type":"HEARTBEAT"}');
    expect(await socket.next()).toEqual({ type: 'HEARTBEAT' });
    socket.close();
  });

  it('refuses a key other than "peerjs" with INVALID-KEY and a close', async () => {
    const a = await newTestPeer();
    const socket = await TestSocket.open(signalingPath(a.peerId, a.ticket, 'other'));
    const msg = await socket.next();
    expect(msg.type).toBe('INVALID-KEY');
    expect(msg.payload.msg).toContain('peerjs');
    expect((await socket.closedWithin()).code).toBe(1008);
    expect(await onlineSince(a.peerId)).toBeNull();
  });

  it('refuses an unknown id with ERROR', async () => {
    const a = await newTestPeer();
    const socket = await TestSocket.open(signalingPath('a'.repeat(26), a.ticket));
    const msg = await socket.next();
    expect(msg).toEqual({ type: 'ERROR', payload: { msg: expect.stringContaining('POST /api/peers') } });
    expect((await socket.closedWithin()).code).toBe(1008);
  });

  it('refuses a missing, wrong or expired ticket with ERROR when the id is not connected', async () => {
    const a = await newTestPeer();
    const expired = 'E'.repeat(43);
    await env.DB.prepare('INSERT INTO tickets (hash, peer_id, expires_at) VALUES (?1, ?2, ?3)')
      .bind(await sha256Hex(expired), a.peerId, Date.now() - 1)
      .run();
    for (const token of ['', 'nonsense', 'W'.repeat(43), expired]) {
      const socket = await TestSocket.open(signalingPath(a.peerId, token));
      const msg = await socket.next();
      expect(msg.type).toBe('ERROR');
      expect(msg.payload.msg).toContain('ticket');
      expect((await socket.closedWithin()).code).toBe(1008);
    }
    expect(await onlineSince(a.peerId)).toBeNull();
  });

  it("answers ID-TAKEN to a hijack with another peer's ticket, and the owner keeps working", async () => {
    const owner = await newTestPeer();
    const thief = await newTestPeer();
    await roomOf(owner, thief);
    const ownerSocket = await connect(owner);
    const hijack = await TestSocket.open(signalingPath(owner.peerId, thief.ticket));
    expect((await hijack.next()).type).toBe('ID-TAKEN');
    expect((await hijack.closedWithin()).code).toBe(1008);

    const thiefSocket = await connect(thief);
    thiefSocket.send(offer(owner.peerId));
    expect(await ownerSocket.next()).toMatchObject({ type: 'OFFER', src: thief.peerId });
    ownerSocket.close();
    // once the owner is gone the same attempt is a plain ERROR: the id is still not the thief's
    await until(async () => (await onlineSince(owner.peerId)) === null);
    const again = await TestSocket.open(signalingPath(owner.peerId, thief.ticket));
    expect((await again.next()).type).toBe('ERROR');
    thiefSocket.close();
  });

  it('lets the owner replace its own socket with a valid ticket; the old one is closed with a reason', async () => {
    const [a, b] = await pairInRoom();
    const first = await connect(a);
    const sb = await connect(b);
    sb.send(offer(a.peerId));
    expect((await first.next()).type).toBe('OFFER');

    const second = await connect(a);
    expect(await first.closedWithin()).toEqual({ code: 4000, reason: expect.stringContaining('replaced') });
    sb.send(candidate(a.peerId, 1));
    expect(await second.next()).toMatchObject({ type: 'CANDIDATE', src: b.peerId });
    // a replacement is not a departure: b hears no LEAVE, and a stays online
    second.send(offer(b.peerId));
    expect((await sb.next()).type).toBe('OFFER');
    expect(await onlineSince(a.peerId)).not.toBeNull();
    second.close();
    sb.close();
  });
  it('opens one socket per ticket: a replayed URL neither replaces the owner nor opens', async () => {
    const a = await newTestPeer();
    const url = signalingPath(a.peerId, await ticketFor(a.secret));
    const owner = await TestSocket.open(url);
    expect(await owner.next()).toEqual({ type: 'OPEN' });
    const replay = await TestSocket.open(url);
    expect(await replay.next()).toMatchObject({ type: 'ID-TAKEN' });
    expect((await replay.closedWithin()).code).toBe(1008);
    owner.send({ type: 'HEARTBEAT' });
    expect(await owner.next()).toEqual({ type: 'HEARTBEAT' });
    owner.close();
    // once the owner is gone the same URL still opens nothing: the ticket was used up
    await until(async () => (await onlineSince(a.peerId)) === null);
    const later = await TestSocket.open(url);
    expect(await later.next()).toMatchObject({
      type: 'ERROR',
      payload: { msg: expect.stringMatching(/ticket/) },
    });
  });
});

describe('signaling: relay', () => {
  it('sets src from the authenticated id, whatever the sender claims', async () => {
    const a = await newTestPeer();
    const b = await newTestPeer();
    const c = await newTestPeer();
    await roomOf(a, b, c);
    const [sa, sb] = [await connect(a), await connect(b)];
    sa.send({ ...offer(b.peerId), src: c.peerId, extra: 'dropped' });
    expect(await sb.next()).toEqual({ ...offer(b.peerId), src: a.peerId });
    sb.send({ type: 'ANSWER', dst: a.peerId, src: c.peerId, payload: { sdp: { type: 'answer' } } });
    expect(await sa.next()).toEqual({
      type: 'ANSWER',
      src: b.peerId,
      dst: a.peerId,
      payload: { sdp: { type: 'answer' } },
    });
    sa.close();
    sb.close();
  });

  it('keeps the order of a burst of 200 CANDIDATEs', async () => {
    const [a, b] = await pairInRoom();
    const [sa, sb] = [await connect(a), await connect(b)];
    sa.send(offer(b.peerId));
    for (let i = 0; i < 200; i++) sa.send(candidate(b.peerId, i));
    expect((await sb.next()).type).toBe('OFFER');
    const seen: string[] = [];
    for (let i = 0; i < 200; i++) seen.push((await sb.next()).payload.candidate.candidate);
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => `candidate:${i}`));
    sa.close();
    sb.close();
  });

  it('answers EXPIRE for a destination that shares no room, and relays nothing', async () => {
    const a = await newTestPeer();
    const b = await newTestPeer();
    const stranger = await newTestPeer();
    await roomOf(a, b);
    const [sa, sb, ss] = [await connect(a), await connect(b), await connect(stranger)];
    sa.send(offer(stranger.peerId));
    expect(await sa.next()).toEqual({ type: 'EXPIRE', src: stranger.peerId, dst: a.peerId });
    ss.send(offer(a.peerId));
    expect(await ss.next()).toEqual({ type: 'EXPIRE', src: a.peerId, dst: stranger.peerId });
    // the refused socket still works, and the stranger got nothing from a
    sa.send(offer(b.peerId));
    expect((await sb.next()).src).toBe(a.peerId);
    expect(ss.drain()).toEqual([]);
    for (const s of [sa, sb, ss]) s.close();
  });

  it('relays at once after a join: a refusal is not remembered', async () => {
    const a = await newTestPeer();
    const b = await newTestPeer();
    const roomId = await roomOf(a);
    const [sa, sb] = [await connect(a), await connect(b)];
    sa.send(offer(b.peerId));
    expect(await sa.next()).toEqual({ type: 'EXPIRE', src: b.peerId, dst: a.peerId });
    expect((await join(roomId, b.secret)).status).toBe(201);
    sa.send(offer(b.peerId));
    expect(await sb.next()).toMatchObject({ type: 'OFFER', src: a.peerId });
    sa.close();
    sb.close();
  });

  it('sends one EXPIRE when an offline destination does not come back within the wait', async () => {
    const a = await newTestPeer();
    const b = await newTestPeer();
    const stranger = await newTestPeer();
    await roomOf(a, b);
    const sa = await connect(a);
    sa.send(offer(b.peerId));
    for (let i = 0; i < 3; i++) sa.send(candidate(b.peerId, i));
    await until(async () => (await queuedFor(b.peerId)) === 4);
    // nothing yet: the wait is not over
    expect(await runDurableObjectAlarm(stubOf(b.peerId))).toBe(true);
    expect(await queuedFor(b.peerId)).toBe(4);
    await skewClock(b.peerId, 6_000);
    await runDurableObjectAlarm(stubOf(b.peerId));
    expect(await sa.next()).toEqual({ type: 'EXPIRE', src: b.peerId, dst: a.peerId });
    expect(await queuedFor(b.peerId)).toBe(0);
    // a marker proves no second EXPIRE came for b
    sa.send(offer(stranger.peerId));
    expect(await sa.next()).toEqual({ type: 'EXPIRE', src: stranger.peerId, dst: a.peerId });
    expect(sa.drain()).toEqual([]);
    sa.close();
  });

  it('delivers queued frames in order after OPEN when the destination comes back in time', async () => {
    const [a, b] = await pairInRoom();
    const sa = await connect(a);
    const early = await connect(b);
    early.close();
    await until(async () => (await onlineSince(b.peerId)) === null);
    sa.send(offer(b.peerId));
    for (let i = 0; i < 5; i++) sa.send(candidate(b.peerId, i));
    await until(async () => (await queuedFor(b.peerId)) === 6);

    const sb = await TestSocket.open(signalingPath(b.peerId, await ticketFor(b.secret)));
    expect(await sb.next()).toEqual({ type: 'OPEN' });
    expect(await sb.next()).toMatchObject({ type: 'OFFER', src: a.peerId });
    for (let i = 0; i < 5; i++) expect((await sb.next()).payload.candidate.candidate).toBe(`candidate:${i}`);
    // the wait passing later changes nothing: a gets no EXPIRE (b's ANSWER is the next thing it sees)
    await skewClock(b.peerId, 6_000);
    await runDurableObjectAlarm(stubOf(b.peerId));
    sb.send({ type: 'ANSWER', dst: a.peerId, payload: { sdp: {} } });
    expect(await sa.next()).toMatchObject({ type: 'ANSWER', src: b.peerId });
    sa.close();
    sb.close();
  });

  it('tells the peers it talked to that it left (LEAVE), and no one else', async () => {
    const a = await newTestPeer();
    const b = await newTestPeer();
    const c = await newTestPeer();
    await roomOf(a, b, c);
    const [sa, sb, sc] = [await connect(a), await connect(b), await connect(c)];
    sb.send(offer(a.peerId));
    expect((await sa.next()).type).toBe('OFFER');
    sa.close();
    expect(await sb.next()).toEqual({ type: 'LEAVE', src: a.peerId, dst: b.peerId });
    await until(async () => (await onlineSince(a.peerId)) === null);
    expect(sc.drain()).toEqual([]);
    sb.close();
    sc.close();
  });
});

describe('signaling: limits', () => {
  async function pairs() {
    const [a, b, c, d] = [await newTestPeer(), await newTestPeer(), await newTestPeer(), await newTestPeer()];
    await roomOf(a, b, c, d);
    return {
      a,
      b,
      c,
      d,
      sa: await connect(a),
      sb: await connect(b),
      sc: await connect(c),
      sd: await connect(d),
    };
  }

  async function othersStillWork(sc: TestSocket, sd: TestSocket, d: string) {
    sc.send(offer(d));
    expect((await sd.next()).type).toBe('OFFER');
  }

  it('relays a large OFFER under its cap and closes the socket of one over it (1009)', async () => {
    const { a, b, d, sa, sb, sc, sd } = await pairs();
    const big = offer(b.peerId, { sdp: { type: 'offer', sdp: 'x'.repeat(30_000) } });
    sa.send(big);
    expect((await sb.next()).payload.sdp.sdp).toHaveLength(30_000);
    sa.send(offer(b.peerId, { sdp: { type: 'offer', sdp: 'x'.repeat(33 * 1024) } }));
    expect(await sa.closedWithin()).toEqual({
      code: 1009,
      reason: expect.stringContaining('OFFER too large'),
    });
    expect(await sb.next()).toEqual({ type: 'LEAVE', src: a.peerId, dst: b.peerId });
    await othersStillWork(sc, sd, d.peerId);
    for (const s of [sb, sc, sd]) s.close();
  });

  it('closes the socket on an unknown message type (1008)', async () => {
    const { a, d, sa, sc, sd } = await pairs();
    sa.send({ type: 'LEAVE', dst: d.peerId });
    expect(await sa.closedWithin()).toEqual({ code: 1008, reason: 'unknown message type' });
    await until(async () => (await onlineSince(a.peerId)) === null);
    await othersStillWork(sc, sd, d.peerId);
    sc.close();
    sd.close();
  });

  it('closes the socket on a malformed message, non-JSON or a binary frame', async () => {
    const b = await newTestPeer();
    const cases: [unknown, number][] = [
      [{ type: 'OFFER', dst: 42, payload: {} }, 1008],
      [{ type: 'CANDIDATE', dst: b.peerId, payload: [1] }, 1008],
      [{ type: 'ANSWER', dst: b.peerId }, 1008],
      ['{not json', 1007],
      [new Uint8Array([1, 2, 3]).buffer, 1003],
    ];
    for (const [frame, code] of cases) {
      const a = await newTestPeer();
      const sa = await connect(a);
      sa.send(frame);
      expect((await sa.closedWithin()).code).toBe(code);
    }
  });

  it('closes a socket that floods past the rate limit, and only that one', async () => {
    const { a, b, d, sa, sb, sc, sd } = await pairs();
    await freezeClock(a.peerId);
    for (let i = 0; i < 600; i++) sa.send(candidate(b.peerId, i));
    // 600 frames through one workerd: give the close time when the machine is busy (seen at 3 s)
    expect(await sa.closedWithin(15_000)).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    // the burst allowance went through, in order (past the per-destination cap some were refused), then
    // b hears that a left
    const got: number[] = [];
    for (;;) {
      const m = await sb.next();
      if (m.type === 'LEAVE') break;
      got.push(Number(m.payload.candidate.candidate.split(':')[1]));
    }
    expect(got.length).toBeGreaterThanOrEqual(300);
    expect(got.length).toBeLessThan(600);
    expect(got.slice(0, 300)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(got).toEqual([...got].sort((x, y) => x - y));
    expect(await onlineSince(a.peerId)).toBeNull();
    await othersStillWork(sc, sd, d.peerId);
    for (const s of [sb, sc, sd]) s.close();
  }, 30_000);
});

describe('signaling: queue cap', () => {
  it('refuses frames for an away peer beyond the cap with an immediate EXPIRE', async () => {
    const [a, b] = await pairInRoom();
    const sa = await connect(a);
    await runInDurableObject(stubOf(a.peerId), (instance: PeerSocket) => {
      instance.limits.rates = UNLIMITED;
    });
    for (let i = 0; i < MAX_PENDING + 100; i++) sa.send(candidate(b.peerId, i));
    // no alarm needed: the overflow is refused as it arrives
    expect(await sa.next(10_000)).toEqual({ type: 'EXPIRE', src: b.peerId, dst: a.peerId });
    expect(await queuedFor(b.peerId)).toBe(MAX_PENDING);
    sa.close();
  }, 20_000);
});

describe('signaling: HTTP endpoints', () => {
  it('refuses to hand out ids, in plain text', async () => {
    const res = await call('GET', '/peerjs/peerjs/id?ts=1&version=1.5.5');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.json).toContain('POST /api/peers');
  });

  it('answers 401 to the peer list, 404 elsewhere under /peerjs, 426 without an upgrade', async () => {
    expect((await call('GET', '/peerjs/peerjs/peers')).status).toBe(401);
    const other = await call('GET', '/peerjs/other');
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe('not_found');
    expect((await call('GET', '/peerjs/peerjs?key=peerjs&id=x&token=y')).status).toBe(426);
    expect((await call('POST', '/peerjs/peerjs')).status).toBe(405);
  });
});
