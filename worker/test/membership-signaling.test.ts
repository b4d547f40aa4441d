// A removal takes effect on signaling at once, both ways (issue 10, item 3), even right after the two
// devices talked (nothing remembered from before the removal lets a frame through).
import { describe, expect, it } from 'vitest';
import { call } from './helpers.ts';
import { connect, newTestPeer, offer, roomOf } from './signalingHelpers.ts';

describe('removal and signaling', () => {
  it('stops frames both ways at once and tells both ends LEAVE', async () => {
    const [a, b, c] = [await newTestPeer(), await newTestPeer(), await newTestPeer()];
    const roomId = await roomOf(a, b, c);
    const [sa, sb, sc] = [await connect(a), await connect(b), await connect(c)];
    sa.send(offer(b.peerId));
    expect((await sb.next()).type).toBe('OFFER');
    sb.send({ type: 'ANSWER', dst: a.peerId, payload: { sdp: { type: 'answer' } } });
    expect((await sa.next()).type).toBe('ANSWER');

    expect(
      (await call('DELETE', `/api/rooms/${roomId}/members/${b.peerId}`, { secret: a.secret })).status,
    ).toBe(204);
    // each end's peerjs drops its connections to the other
    expect(await sa.next()).toEqual({ type: 'LEAVE', src: b.peerId, dst: a.peerId });
    expect(await sb.next()).toEqual({ type: 'LEAVE', src: a.peerId, dst: b.peerId });
    sb.send(offer(a.peerId));
    expect(await sb.next()).toEqual({ type: 'EXPIRE', src: a.peerId, dst: b.peerId });
    sa.send(offer(b.peerId));
    expect(await sa.next()).toEqual({ type: 'EXPIRE', src: b.peerId, dst: a.peerId });
    // the others still talk
    sa.send(offer(c.peerId));
    expect((await sc.next()).type).toBe('OFFER');
    for (const s of [sa, sb, sc]) s.close();
  });
});
