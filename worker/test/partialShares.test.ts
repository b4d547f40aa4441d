// Issue 11: a device still downloading a content lists itself as a partial source; sharing it whole
// later turns the same share complete (announced live), and a complete share never turns partial.
import { describe, expect, it } from 'vitest';
import { call, file } from './helpers.ts';
import { newTestPeer, openLive, roomOf } from './signalingHelpers.ts';

const sourcesOf = async (roomId: string, secret: string) => {
  const list = await call('GET', `/api/rooms/${roomId}/files`, { secret });
  return list.json.files[0].sources as { peerId: string; partial?: boolean; shareId: string }[];
};

describe('partial sources in the catalog', () => {
  it('lists a partial share as partial, and the same share as complete once shared whole, live', async () => {
    const a = await newTestPeer();
    const b = await newTestPeer();
    const roomId = await roomOf(a, b);
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: a.secret, body: { files: [file(3)] } });
    const live = await openLive(roomId, a);
    await live.next();

    const partial = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: b.secret,
      body: { files: [file(3, { partial: true })] },
    });
    expect(partial.status).toBe(201);
    const shareId = partial.json.shares[0].shareId;
    expect(await live.next()).toMatchObject({ type: 'share-added', share: { shareId, partial: true } });
    const listed = await sourcesOf(roomId, a.secret);
    expect(listed.find((s) => s.peerId === b.peerId)).toMatchObject({ shareId, partial: true });
    expect(listed.find((s) => s.peerId === a.peerId)?.partial).toBeUndefined();

    const whole = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: b.secret,
      body: { files: [file(3)] },
    });
    expect(whole.json.shares[0].shareId).toBe(shareId);
    const upgraded = await live.next();
    expect(upgraded).toMatchObject({ type: 'share-added', share: { shareId } });
    expect(upgraded.share.partial).toBeUndefined();
    expect((await sourcesOf(roomId, a.secret)).find((s) => s.peerId === b.peerId)?.partial).toBeUndefined();

    // complete stays complete, and saying so again is no news
    await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: b.secret,
      body: { files: [file(3, { partial: true })] },
    });
    await call('POST', `/api/rooms/${roomId}/shares`, { secret: b.secret, body: { files: [file(4)] } });
    expect(await live.next()).toMatchObject({ type: 'share-added', share: { contentId: file(4).contentId } });
    expect((await sourcesOf(roomId, a.secret)).find((s) => s.peerId === b.peerId)?.partial).toBeUndefined();
    live.close();
  });

  it('refuses a partial flag that is not a boolean', async () => {
    const a = await newTestPeer();
    const roomId = await roomOf(a);
    const res = await call('POST', `/api/rooms/${roomId}/shares`, {
      secret: a.secret,
      body: { files: [{ ...file(5), partial: 'yes' }] },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_body');
  });
});
