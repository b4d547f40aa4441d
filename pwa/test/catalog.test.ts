import { describe, expect, it } from 'vitest';
import {
  type CatalogAction,
  type CatalogState,
  catalogReducer,
  initialCatalog,
  snapshotOf,
} from '../src/state/catalog.ts';
import { roomFiles } from '../src/state/roomFiles.ts';
import { added, hello, listed, member, presence, ROOM, removed, shared } from './fixtures.ts';

const run = (actions: CatalogAction[], from: CatalogState = initialCatalog(ROOM)) =>
  actions.reduce(catalogReducer, from);

/** A room that has said hello at `seq` and been listed with `files`. */
function synced(
  seq: number,
  members = [member('a'), member('b')],
  files = [listed('c1', [{ shareId: 's1', peerId: 'a' }])],
) {
  return run([
    { type: 'hello', hello: hello(seq, members) },
    { type: 'resync-started' },
    { type: 'listing', files },
  ]);
}

describe('catalog reducer', () => {
  it('asks for a listing after the first hello, then shows it', () => {
    const afterHello = run([{ type: 'hello', hello: hello(5, [member('a')]) }]);
    expect(afterHello).toMatchObject({ seq: 5, needsResync: true, loaded: false });
    const state = run(
      [
        { type: 'resync-started' },
        { type: 'listing', files: [listed('c1', [{ shareId: 's1', peerId: 'a' }])] },
      ],
      afterHello,
    );
    expect(state).toMatchObject({ loaded: true, needsResync: false, syncing: false, pending: [] });
    expect(roomFiles(state).map((f) => f.contentId)).toEqual(['c1']);
  });

  it('applies share-added and share-removed in order', () => {
    let state = synced(5);
    state = run([{ type: 'event', event: added(6, shared('s2', 'b', 'c2')) }], state);
    expect(
      roomFiles(state)
        .map((f) => f.contentId)
        .sort(),
    ).toEqual(['c1', 'c2']);
    state = run([{ type: 'event', event: removed(7, 's1', 'c1', 'a') }], state);
    expect(roomFiles(state).map((f) => f.contentId)).toEqual(['c2']);
    expect(state.seq).toBe(7);
    expect(state.needsResync).toBe(false);
  });

  it("lists this device's own new shares at once, and their late live event changes nothing", () => {
    // the share-sheet journey once saw its file registered but never listed: the live event was missed
    let state = synced(5);
    const own = {
      shareId: 's9',
      contentId: 'c9',
      peerId: 'a',
      fileName: 'mine.txt',
      path: '',
      size: 3,
      type: 'text/plain',
      chunkSize: 1 << 20,
      addedAt: 200,
    };
    state = run([{ type: 'own-shares', shares: [own] }], state);
    expect(
      roomFiles(state)
        .map((f) => f.contentId)
        .sort(),
    ).toEqual(['c1', 'c9']);
    expect(state.seq).toBe(5);
    const withEvent = run([{ type: 'event', event: added(6, shared('s9', 'a', 'c9')) }], state);
    expect(Object.keys(withEvent.shares).sort()).toEqual(['s1', 's9']);
  });

  it('ignores duplicate and old events', () => {
    const state = run([{ type: 'event', event: added(6, shared('s2', 'b', 'c2')) }], synced(5));
    const again = run(
      [
        { type: 'event', event: added(6, shared('s2', 'b', 'c2')) },
        { type: 'event', event: removed(4, 's1', 'c1', 'a') },
        { type: 'event', event: removed(6, 's2', 'c2', 'b') },
      ],
      state,
    );
    expect(again).toBe(state);
  });

  it('a seq gap forces a resync, and events during the fetch are replayed over the listing', () => {
    let state = synced(5);
    state = run([{ type: 'event', event: added(8, shared('s3', 'b', 'c3')) }], state);
    expect(state.needsResync).toBe(true);
    expect(state.seq).toBe(8);
    // the gap's own event shows at once, before the listing
    expect(roomFiles(state).some((f) => f.contentId === 'c3')).toBe(true);
    state = run([{ type: 'resync-started' }, { type: 'event', event: removed(9, 's1', 'c1', 'a') }], state);
    // the listing was read before event 9 reached the tracker's log: it still has s1
    state = run(
      [
        {
          type: 'listing',
          files: [
            listed('c1', [{ shareId: 's1', peerId: 'a' }]),
            listed('c3', [{ shareId: 's3', peerId: 'b' }]),
          ],
        },
      ],
      state,
    );
    expect(roomFiles(state).map((f) => f.contentId)).toEqual(['c3']);
    expect(state).toMatchObject({ needsResync: false, syncing: false, pending: [], seq: 9 });
  });

  it('a hello at our seq means nothing was missed; a later one asks for a listing', () => {
    const state = synced(5);
    expect(run([{ type: 'hello', hello: hello(5, [member('a'), member('b')]) }], state).needsResync).toBe(
      false,
    );
    expect(run([{ type: 'hello', hello: hello(7, [member('a'), member('b')]) }], state).needsResync).toBe(
      true,
    );
    // the room's log started over below us (a reset tracker): resync too
    expect(run([{ type: 'hello', hello: hello(2, [member('a')]) }], state).needsResync).toBe(true);
  });

  it('a failed listing keeps asking', () => {
    const state = run([
      { type: 'hello', hello: hello(1) },
      { type: 'resync-started' },
      { type: 'resync-failed' },
    ]);
    expect(state).toMatchObject({ needsResync: true, syncing: false, loaded: false });
  });

  it('tracks presence per device: a file is available while one source is online', () => {
    let state = synced(
      5,
      [member('a'), member('b')],
      [
        listed('c1', [
          { shareId: 's1', peerId: 'a' },
          { shareId: 's2', peerId: 'b' },
        ]),
      ],
    );
    expect(roomFiles(state)[0]!.sources.filter((s) => s.online)).toHaveLength(2);
    state = run([{ type: 'event', event: presence(6, 'a', false) }], state);
    expect(roomFiles(state)[0]!.sources.map((s) => [s.peerId, s.online])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    state = run([{ type: 'event', event: presence(7, 'b', false) }], state);
    expect(roomFiles(state)[0]!.sources.some((s) => s.online)).toBe(false);
  });

  it('renames show on every file the device shares', () => {
    const state = run(
      [{ type: 'event', event: { type: 'renamed', peerId: 'a', name: 'Kitchen iPad', seq: 6, at: 6 } }],
      synced(5),
    );
    expect(state.members.a!.name).toBe('Kitchen iPad');
    expect(roomFiles(state)[0]!.sources[0]!.name).toBe('Kitchen iPad');
  });

  it('members join and leave; leaving takes their shares along', () => {
    let state = synced(5);
    state = run(
      [{ type: 'event', event: { type: 'member-joined', member: member('c', false), seq: 6, at: 6 } }],
      state,
    );
    expect(Object.keys(state.members).sort()).toEqual(['a', 'b', 'c']);
    state = run([{ type: 'event', event: { type: 'member-left', peerId: 'a', seq: 7, at: 7 } }], state);
    expect(state.members.a).toBeUndefined();
    expect(roomFiles(state)).toEqual([]);
  });

  it('groups shares of one content: one source per device, the earliest share names the file', () => {
    const state = run(
      [
        { type: 'event', event: added(6, shared('s2', 'b', 'c1', { name: 'later.txt', addedAt: 200 })) },
        { type: 'event', event: added(7, shared('s3', 'a', 'c1', { name: 'copy.txt', addedAt: 300 })) },
      ],
      synced(5),
    );
    const [file] = roomFiles(state);
    expect(file!.name).toBe('s1.txt');
    expect(file!.sources.map((s) => s.peerId)).toEqual(['a', 'b']);
  });

  it('ignores events before the first hello', () => {
    const state = run([{ type: 'event', event: added(1, shared('s1', 'a', 'c1')) }]);
    expect(state.shares).toEqual({});
  });

  it('a cached snapshot shows at once, offline, until the tracker confirms it', () => {
    const live = run([{ type: 'event', event: added(6, shared('s2', 'b', 'c2')) }], synced(5));
    const snapshot = snapshotOf(live, 1000);
    const cached = run([{ type: 'cache', snapshot }]);
    expect(cached).toMatchObject({ loaded: true, fromCache: true, seq: 6 });
    expect(Object.values(cached.members).every((m) => !m.online)).toBe(true);
    expect(roomFiles(cached)).toHaveLength(2);
    // the tracker says nothing happened since: no listing needed
    const confirmed = run([{ type: 'hello', hello: hello(6, [member('a'), member('b')]) }], cached);
    expect(confirmed).toMatchObject({ fromCache: false, needsResync: false });
    // a cache never overwrites what the tracker said
    expect(run([{ type: 'cache', snapshot: { ...snapshot, shares: [] } }], confirmed)).toBe(confirmed);
  });
});
