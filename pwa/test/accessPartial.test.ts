// Issue 11: a device serves the verified chunks of a file it is still downloading only in the room the
// download was started from, to members of that room, and never as the complete file.
import { describe, expect, it } from 'vitest';
import { createAuthorizer, RoomMembership } from '../src/transfer/access.ts';
import { FakeClock } from './transferKit.ts';

const A = 'roomaaaaaaaaaaaaaaaaaaaaaa';
const B = 'roombbbbbbbbbbbbbbbbbbbbbb';
const ME = 'meeeeeeeeeeeeeeeeeeeeeeeee';
const X = 'x'.repeat(64);
const Y = 'y'.repeat(64);

function authorizer(opts: { fetching?: Record<string, string>; shared?: Record<string, string[]> } = {}) {
  const members: Record<string, string[]> = { [A]: [ME, 'bob'], [B]: [ME, 'carol'] };
  const asked: string[] = [];
  const membership = new RoomMembership(async (roomId) => {
    asked.push(roomId);
    return members[roomId] ?? null;
  }, new FakeClock());
  const fetching = opts.fetching ?? { [X]: A };
  const shared = opts.shared ?? {};
  const authorize = createAuthorizer<string>({
    self: () => ME,
    rooms: () => new Set(Object.values(shared).flat()),
    membership,
    sharedIn: (c) => new Set(shared[c] ?? []),
    open: async (c) => `complete ${c}`,
    fetchRooms: () => new Set(Object.values(fetching)),
    fetchingIn: (c) => new Set(fetching[c] ? [fetching[c]] : []),
    openPartial: (c) => `partial ${c}`,
  });
  return { authorize, asked };
}

describe('serving a partial download', () => {
  it('serves its verified chunks to a member of the room it is fetched for', async () => {
    const { authorize } = authorizer();
    expect(await authorize({ remote: 'bob', roomId: A, contentId: X })).toBe(`partial ${X}`);
  });

  it.each([
    ['a member of another room of this device', { remote: 'carol', roomId: B, contentId: X }],
    ['a non-member naming the fetch room', { remote: 'carol', roomId: A, contentId: X }],
    ['a member asking for content not being fetched', { remote: 'bob', roomId: A, contentId: Y }],
  ])('refuses %s', async (_label, request) => {
    const { authorize } = authorizer();
    expect(await authorize(request)).toBeNull();
  });

  it('refuses a room where this device neither shares nor fetches anything, without asking the tracker', async () => {
    const { authorize, asked } = authorizer();
    expect(await authorize({ remote: 'bob', roomId: 'z'.repeat(26), contentId: X })).toBeNull();
    expect(asked).toEqual([]);
  });

  it('serves the complete file where it is shared complete, the partial only in its fetch room', async () => {
    const { authorize } = authorizer({ fetching: { [X]: A }, shared: { [X]: [B] } });
    expect(await authorize({ remote: 'carol', roomId: B, contentId: X })).toBe(`complete ${X}`);
    expect(await authorize({ remote: 'bob', roomId: A, contentId: X })).toBe(`partial ${X}`);
  });

  it('serves nothing once the download is no longer servable', async () => {
    const { authorize } = authorizer({ fetching: {} });
    expect(await authorize({ remote: 'bob', roomId: A, contentId: X })).toBeNull();
  });
});
