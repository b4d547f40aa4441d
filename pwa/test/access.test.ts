// Issue 10 item 2: a device serves a file only to a device that shares with it a room in which this device
// shares that file; everyone else gets exactly the answer an unknown file gets. The pure rule, the member
// cache (fake clock), and the rule inside a real TransferServer.
import { describe, expect, it } from 'vitest';
import type { ControlMessage } from '../../worker/protocol/transfer.ts';
import { createAuthorizer, MEMBERS_TTL_MS, mayServe, RoomMembership } from '../src/transfer/access.ts';
import { decodeControl } from '../src/transfer/control.ts';
import type { ServedFile } from '../src/transfer/server.ts';
import { TransferServer } from '../src/transfer/server.ts';
import { channelPair } from './memoryChannel.ts';
import { FakeClock, randomBytes, served, ticks } from './transferKit.ts';

const A = 'roomaaaaaaaaaaaaaaaaaaaaaa';
const B = 'roombbbbbbbbbbbbbbbbbbbbbb';
const ME = 'meeeeeeeeeeeeeeeeeeeeeeeee';

describe('mayServe', () => {
  const base = { self: ME, remote: 'bob', roomId: A, sharedIn: new Set([A]), members: new Set([ME, 'bob']) };
  it('serves a member of a room the file is shared in', () => {
    expect(mayServe(base)).toBe(true);
  });
  it.each([
    ['the file is shared in another room only', { sharedIn: new Set([B]) }],
    ['the file is not shared at all', { sharedIn: new Set<string>() }],
    ['the requester is not a member', { members: new Set([ME, 'carol']) }],
    ['this device is not a member any more', { members: new Set(['bob']) }],
    ['membership is unknown (tracker unreachable)', { members: null }],
    ['this device has no identity yet', { self: null }],
    ['the request comes from this device itself', { remote: ME }],
  ])('refuses when %s', (_label, change) => {
    expect(mayServe({ ...base, ...change })).toBe(false);
  });
});

describe('RoomMembership', () => {
  function cache(members: Record<string, string[] | null>) {
    const clock = new FakeClock();
    const asked: string[] = [];
    const m = new RoomMembership(async (roomId) => {
      asked.push(roomId);
      if (!(roomId in members)) throw new Error('offline');
      return members[roomId] ? [...members[roomId]!] : null;
    }, clock);
    return { clock, asked, m, members };
  }

  it('asks the tracker once per TTL, and again after it', async () => {
    const { clock, asked, m } = cache({ [A]: [ME, 'bob'] });
    expect([...(await m.members(A, 'bob'))!]).toEqual([ME, 'bob']);
    await m.members(A, 'bob');
    expect(asked).toEqual([A]);
    clock.advance(MEMBERS_TTL_MS);
    await m.members(A, 'bob');
    expect(asked).toEqual([A, A]);
  });

  it('asks again for a member it does not know (just joined), but not more than every 2 s', async () => {
    const { clock, asked, m, members } = cache({ [A]: [ME] });
    expect((await m.members(A, 'dave'))!.has('dave')).toBe(false);
    members[A] = [ME, 'dave'];
    expect((await m.members(A, 'dave'))!.has('dave')).toBe(false); // within 2 s of the last answer
    clock.advance(2000);
    expect((await m.members(A, 'dave'))!.has('dave')).toBe(true);
    expect(asked).toEqual([A, A]);
  });

  it('a member who left loses access at once, even against an answer fetched before', async () => {
    const { m, members } = cache({ [A]: [ME, 'bob'] });
    await m.members(A, 'bob');
    m.memberLeft(A, 'bob');
    expect((await m.members(A, 'bob'))?.has('bob')).toBe(false);
    // an answer already on its way when the event came must not bring bob back
    members[A] = [ME, 'bob'];
    m.forget(A);
    const pending = m.members(A, 'bob');
    m.memberLeft(A, 'bob');
    expect((await pending)?.has('bob')).toBe(false);
  });

  it('not a member: null; tracker unreachable: null and nothing cached', async () => {
    const { asked, m } = cache({ [A]: null });
    expect(await m.members(A, 'bob')).toBeNull();
    expect(await m.members(B, 'bob')).toBeNull();
    expect(await m.members(B, 'bob')).toBeNull();
    expect(asked).toEqual([A, B, B]);
  });
});

/** A device that shares `files` (by room) and asks the tracker `members` for membership. */
function device(
  files: Record<string, { file: ServedFile; rooms: string[] }>,
  members: Record<string, string[]>,
) {
  const clock = new FakeClock();
  const opened: string[] = [];
  const asked: string[] = [];
  const membership = new RoomMembership(async (roomId) => {
    asked.push(roomId);
    return members[roomId] ?? null;
  }, clock);
  const authorize = createAuthorizer<ServedFile>({
    self: () => ME,
    rooms: () => new Set(Object.values(files).flatMap((f) => f.rooms)),
    membership,
    sharedIn: (contentId) => new Set(files[contentId]?.rooms ?? []),
    open: async (contentId) => {
      opened.push(contentId);
      return files[contentId]?.file ?? null;
    },
  });
  const server = new TransferServer({ authorize, clock });
  return { server, opened, membership, asked };
}

async function ask(server: TransferServer, remote: string, roomId: string, contentId: string) {
  const [me, them] = channelPair(remote, ME, 256 * 1024, 'immediate');
  server.attach(them);
  const got: ControlMessage[] = [];
  me.onMessage((d) => {
    if (typeof d === 'string') got.push(decodeControl(d)!);
  });
  me.send(JSON.stringify({ t: 'open', id: 7, contentId, roomId, v: 3 }));
  await ticks();
  return { got, channel: me };
}

describe('the serving side answers only within a shared room', () => {
  it('serves a member of the room the file is shared in; refuses across rooms exactly as for an unknown file', async () => {
    const inB = await served(randomBytes(4096, 51), 1024);
    const inA = await served(randomBytes(4096, 52), 1024);
    const unknown = 'cd'.repeat(32);
    const { server, opened } = device(
      { [inA.contentId]: { file: inA, rooms: [A] }, [inB.contentId]: { file: inB, rooms: [B] } },
      { [A]: [ME, 'bob', 'mallory'], [B]: [ME, 'bob'] },
    );
    expect((await ask(server, 'bob', A, inA.contentId)).got[0]?.t).toBe('manifest');
    expect((await ask(server, 'bob', B, inB.contentId)).got[0]?.t).toBe('manifest');
    // mallory is in A with us, and names A: a file shared only in B is not there for her
    const across = (await ask(server, 'mallory', A, inB.contentId)).got;
    // naming B, where she is not a member, does not help either
    const notMember = (await ask(server, 'mallory', B, inB.contentId)).got;
    const missing = (await ask(server, 'mallory', A, unknown)).got;
    expect(across).toEqual(missing);
    expect(notMember).toEqual(missing);
    expect(missing).toEqual([
      { t: 'error', id: 7, code: 'not_found', message: expect.any(String) as string },
    ]);
    // the file itself was never read for the refused requests
    expect(opened).toEqual([inA.contentId, inB.contentId]);
  });

  it('a room where this device shares nothing is refused without asking the tracker', async () => {
    const file = await served(randomBytes(2048, 54), 1024);
    const { server, asked } = device({ [file.contentId]: { file, rooms: [A] } }, { [A]: [ME, 'bob'] });
    const made: string[] = [];
    for (let i = 0; i < 20; i++) {
      const room = `madeup${'abcdefghijklmnopqrst'[i]}`.padEnd(26, 'z');
      made.push(room);
      expect((await ask(server, 'mallory', room, file.contentId)).got[0]).toMatchObject({
        code: 'not_found',
      });
    }
    expect(new Set(made).size).toBe(20);
    expect(asked).toEqual([]);
  });

  it('a member removed from the room loses the transfer it had running', async () => {
    const file = await served(randomBytes(64 * 1024, 53), 1024);
    const { server, membership } = device({ [file.contentId]: { file, rooms: [A] } }, { [A]: [ME, 'bob'] });
    const { got, channel } = await ask(server, 'bob', A, file.contentId);
    expect(got[0]?.t).toBe('manifest');
    membership.memberLeft(A, 'bob');
    server.revoke('bob', A);
    await ticks();
    expect(got.at(-1)).toMatchObject({ t: 'error', code: 'not_found' });
    channel.send(JSON.stringify({ t: 'get', id: 7, chunks: [0] }));
    await ticks();
    expect(server.activeTransfers).toBe(0);
    expect((await ask(server, 'bob', A, file.contentId)).got[0]).toMatchObject({
      t: 'error',
      code: 'not_found',
    });
  });
});
