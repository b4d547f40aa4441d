// The app's handle on the lazily loaded transfer engine: what it answers before the engine is there,
// and that actions asked meanwhile run once it is, in order; a failed load is tried again.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveEvent } from '../../worker/protocol/live.ts';
import type { Session } from '../src/net/session.ts';

const calls: string[] = [];
const listeners = new Set<() => void>();
const engine = {
  downloads: () => [{ contentId: 'c1' }],
  uploads: () => [],
  isActive: () => true,
  subscribe: (l: () => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  download: (file: { contentId: string }) => calls.push(`download ${file.contentId}`),
  sourcesChanged: (file: { contentId: string }) => calls.push(`sources ${file.contentId}`),
};
let failNext = 0;
vi.mock('../src/net/pageTransfers.ts', () => ({
  startPageTransfers: () => {
    if (failNext > 0) {
      failNext--;
      throw new Error('chunk not fetched');
    }
    calls.push('started');
    return { engine, roomEvent: (_roomId: string, e: LiveEvent) => calls.push(`event ${e.type}`) };
  },
}));

const { Transfers } = await import('../src/net/transfers.ts');
const file = (contentId: string) => ({ contentId }) as never;

describe('Transfers (the engine loaded on demand)', () => {
  beforeEach(() => {
    calls.length = 0;
    listeners.clear();
    failNext = 0;
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  it('answers "nothing running" before the engine is loaded, and tells its watchers when it is', async () => {
    const t = new Transfers({} as Session);
    expect(t.downloads()).toEqual([]);
    expect(t.isActive()).toBe(false);
    const seen = vi.fn();
    t.subscribe(seen);
    await t.start();
    expect(seen).toHaveBeenCalled();
    expect(t.downloads()).toEqual([{ contentId: 'c1' }]);
    expect(t.isActive()).toBe(true);
    // and the engine's own changes reach the same watcher
    seen.mockClear();
    for (const l of listeners) l();
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('runs what was asked before the engine loaded once it is, in order, and starts it once', async () => {
    const t = new Transfers({} as Session);
    t.withEngine((e) => e.sourcesChanged(file('a')));
    t.download(file('b'), 'room');
    t.roomEvent('room', { type: 'member-left', peerId: 'p' } as LiveEvent); // nothing to revoke yet
    await t.start();
    await Promise.resolve();
    expect(calls).toEqual(['started', 'sources a', 'download b']);
    t.roomEvent('room', { type: 'member-left', peerId: 'p' } as LiveEvent);
    expect(calls.at(-1)).toBe('event member-left');
  });

  it('loads again on the next action when a load failed', async () => {
    failNext = 1;
    const t = new Transfers({} as Session);
    await expect(t.start()).rejects.toThrow('chunk not fetched');
    t.download(file('c'), 'room');
    await vi.waitFor(() => expect(calls).toEqual(['started', 'download c']));
  });
});
