// An honest downloader stays inside what a source serves at once: many downloads from one device open at
// most maxTransfersPerRemote connections to it; the rest wait their turn and all finish.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { TRANSFER_LIMITS } from '../../worker/protocol/transfer.ts';
import { useDownloadsFactory } from '../src/transfer/downloadsDb.ts';
import { PerKeyGate } from '../src/transfer/gate.ts';
import { idbEngine, listing } from './engineKit.ts';
import { channelPair } from './memoryChannel.ts';
import { FakeClock, honestServer, ROOM, randomBytes, served, settle } from './transferKit.ts';

beforeEach(() => useDownloadsFactory(new IDBFactory()));

describe('PerKeyGate', () => {
  it('lets `limit` holders per key in, the rest in order as places free', async () => {
    const gate = new PerKeyGate(2);
    const order: string[] = [];
    const a = await gate.acquire('x');
    const b = await gate.acquire('x');
    const other = await gate.acquire('y');
    const noted = (name: string) => (release: () => void) => {
      order.push(name);
      return release;
    };
    const c = gate.acquire('x').then(noted('c'));
    const d = gate.acquire('x').then(noted('d'));
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    a(); // releasing twice frees one place only
    await c;
    expect(order).toEqual(['c']);
    expect(gate.holders('x')).toBe(2);
    b();
    (await d)();
    (await c)();
    other();
    expect(gate.holders('x')).toBe(0);
  });
});

describe('many downloads from one source', () => {
  it('open at most as many connections as it serves per device, and all finish', async () => {
    const clock = new FakeClock();
    const files = await Promise.all(
      Array.from({ length: 10 }, (_, i) => served(randomBytes(300_000 + i, 90 + i))),
    );
    const server = honestServer(null, clock, {
      authorize: (r) => files.find((f) => f.contentId === r.contentId && r.roomId === ROOM) ?? null,
    });
    let open = 0;
    let peak = 0;
    const engine = idbEngine(clock, {
      connect: async () => {
        const [mine, theirs] = channelPair('me', 'alice', 256 * 1024, 'immediate');
        server.attach(theirs);
        peak = Math.max(peak, ++open);
        mine.onClose(() => open--);
        return mine;
      },
    });
    for (const [i, f] of files.entries())
      engine.download(listing(f, `f${i}.bin`, { peerId: 'alice', name: 'A', shareId: `s${i}` }), ROOM);
    const allDone = new Promise<void>((resolve) => {
      const check = () => {
        if (engine.downloads().length === 10 && engine.downloads().every((d) => d.blob)) resolve();
      };
      engine.subscribe(check);
    });
    const r = await settle(allDone, clock, { maxMs: 120_000 });
    expect(r).toMatchObject({ ok: true });
    expect(peak).toBe(TRANSFER_LIMITS.maxTransfersPerRemote);
    expect(server.stats.busy).toBe(0);
  });
});
