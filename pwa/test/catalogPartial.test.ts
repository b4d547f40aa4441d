// Issue 11: the catalog carries partial sources (devices still downloading a file) from the listing and
// from live events, and turns one complete when its share is announced again without the flag.
import { describe, expect, it } from 'vitest';
import { parseLiveFrame } from '../src/net/liveParse.ts';
import { type CatalogAction, catalogReducer, initialCatalog } from '../src/state/catalog.ts';
import { roomFiles } from '../src/state/roomFiles.ts';
import { added, hello, listed, member, ROOM, shared } from './fixtures.ts';

const run = (actions: CatalogAction[]) => actions.reduce(catalogReducer, initialCatalog(ROOM));
const sourcesOf = (actions: CatalogAction[]) =>
  roomFiles(run(actions))[0]!.sources.map((s) => ({ peerId: s.peerId, partial: s.partial ?? false }));

describe('partial sources in the catalog', () => {
  const start: CatalogAction[] = [
    { type: 'hello', hello: hello(1, [member('a'), member('b')]) },
    { type: 'resync-started' },
    { type: 'listing', files: [listed('c1', [{ shareId: 's1', peerId: 'a' }])] },
  ];

  it('shows a device that announced a partial share as a partial source, then as complete', () => {
    const partial = { type: 'event', event: added(2, shared('s2', 'b', 'c1', { partial: true })) } as const;
    expect(sourcesOf([...start, partial])).toEqual([
      { peerId: 'a', partial: false },
      { peerId: 'b', partial: true },
    ]);
    const whole = { type: 'event', event: added(3, shared('s2', 'b', 'c1')) } as const;
    expect(sourcesOf([...start, partial, whole])).toEqual([
      { peerId: 'a', partial: false },
      { peerId: 'b', partial: false },
    ]);
  });

  it('keeps the flag from a listing', () => {
    const file = listed('c1', [{ shareId: 's1', peerId: 'a' }]);
    file.sources.push({ ...file.sources[0]!, peerId: 'b', shareId: 's2', partial: true });
    expect(sourcesOf([...start.slice(0, 2), { type: 'listing', files: [file] }])).toEqual([
      { peerId: 'a', partial: false },
      { peerId: 'b', partial: true },
    ]);
  });

  it('accepts a boolean flag on a live share event and refuses anything else', () => {
    const frame = (partial: unknown) =>
      JSON.stringify({
        ...added(2, shared('s2', 'b', 'c1')),
        share: { ...shared('s2', 'b', 'c1'), partial },
      });
    expect(parseLiveFrame(frame(true))).not.toBeNull();
    expect(parseLiveFrame(frame('yes'))).toBeNull();
  });
});
