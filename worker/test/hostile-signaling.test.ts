// A hostile device on the signaling relay (issue 10, items 4, 10 and 11): mistyped and made-up ids,
// limits that a reconnect must not reset, and caps on what one device can make another device's tab hold.
import { env, listDurableObjectIds } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { randomId } from '../lib/crypto.ts';
import {
  candidate,
  connect,
  freezeClock,
  newTestPeer,
  offer,
  roomOf,
  signalingPath,
  TestSocket,
  ticketFor,
} from './signalingHelpers.ts';

describe('a destination that is not a device', () => {
  it('answers EXPIRE for a mistyped id and keeps the socket open (PeerJS peer-unavailable)', async () => {
    const [a, b] = [await newTestPeer(), await newTestPeer()];
    await roomOf(a, b);
    const [sa, sb] = [await connect(a), await connect(b)];
    for (const typo of ['some-typo', 'Bob', b.peerId.toUpperCase()]) {
      sa.send(offer(typo));
      expect(await sa.next()).toEqual({ type: 'EXPIRE', src: typo, dst: a.peerId });
    }
    // still open and still relaying
    sa.send(offer(b.peerId));
    expect(await sb.next()).toMatchObject({ type: 'OFFER', src: a.peerId });
    sa.close();
    sb.close();
  });

  it('never creates or wakes an object for a made-up id, not even to tell it LEAVE', async () => {
    const a = await newTestPeer();
    const sa = await connect(a);
    const madeUp = Array.from({ length: 20 }, () => randomId());
    for (const id of madeUp) {
      sa.send(offer(id));
      expect(await sa.next()).toEqual({ type: 'EXPIRE', src: id, dst: a.peerId });
    }
    sa.close();
    await sa.closed;
    // the departure is handled (presence) before anything could have been sent to contacts
    await new Promise((r) => setTimeout(r, 300));
    const existing = new Set((await listDurableObjectIds(env.PEERS)).map((id) => id.toString()));
    for (const id of madeUp) expect(existing.has(env.PEERS.idFromName(id).toString())).toBe(false);
  });
});

describe('limits per device, not per socket', () => {
  it('keeps the frame budget across a reconnect: a fresh socket is not a fresh burst', async () => {
    const [a, b] = [await newTestPeer(), await newTestPeer()];
    await roomOf(a, b);
    const sb = await connect(b);
    const first = await connect(a);
    // a's clock stands still: nothing refills while the test waits for deliveries
    await freezeClock(a.peerId);
    for (let i = 0; i < 250; i++) first.send(candidate(b.peerId, i));
    for (let i = 0; i < 250; i++) await sb.next();
    first.close();
    await first.closed;
    const second = await TestSocket.open(signalingPath(a.peerId, await ticketFor(a.secret)));
    expect((await second.next()).type).toBe('OPEN');
    for (let i = 0; i < 150; i++) second.send(candidate(b.peerId, 250 + i));
    expect(await second.closedWithin()).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    sb.close();
  });

  it('limits how often one device connects', async () => {
    const a = await newTestPeer();
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const s = await TestSocket.open(signalingPath(a.peerId, await ticketFor(a.secret)));
      const first = await s.next();
      outcomes.push(first.type);
      if (first.type === 'ERROR') expect(first.payload.msg).toMatch(/too many signaling connections/);
      s.close();
    }
    expect(outcomes.slice(0, 10)).toEqual(Array(10).fill('OPEN'));
    expect(outcomes.slice(10)).toEqual(['ERROR', 'ERROR']);
  });
});

describe("what one device can make another device's tab hold", () => {
  it('caps OFFERs to one destination: past the burst the sender hears EXPIRE and stays connected', async () => {
    const [a, b, c] = [await newTestPeer(), await newTestPeer(), await newTestPeer()];
    await roomOf(a, b, c);
    const [sa, sb, sc] = [await connect(a), await connect(b), await connect(c)];
    await freezeClock(a.peerId); // no refill while the burst goes out
    for (let i = 0; i < 110; i++) sa.send(offer(b.peerId, { connectionId: `dc_${i}` }));
    const expired = [];
    for (let i = 0; i < 10; i++) expired.push(await sa.next());
    expect(expired).toEqual(Array(10).fill({ type: 'EXPIRE', src: b.peerId, dst: a.peerId }));
    const relayed = [];
    for (let i = 0; i < 100; i++) relayed.push((await sb.next()).payload.connectionId);
    expect(relayed).toEqual(Array.from({ length: 100 }, (_, i) => `dc_${i}`));
    // another destination has its own allowance
    sa.send(offer(c.peerId));
    expect((await sc.next()).type).toBe('OFFER');
    for (const s of [sa, sb, sc]) s.close();
  });

  it('closes the socket of a CANDIDATE over 4 KiB, which no browser sends', async () => {
    const [a, b] = [await newTestPeer(), await newTestPeer()];
    await roomOf(a, b);
    const [sa, sb] = [await connect(a), await connect(b)];
    const big = candidate(b.peerId, 1);
    big.payload.candidate.candidate = 'x'.repeat(5000);
    sa.send(big);
    expect(await sa.closedWithin()).toEqual({ code: 1009, reason: 'CANDIDATE too large (max 4096 bytes)' });
    sb.close();
  });
});
