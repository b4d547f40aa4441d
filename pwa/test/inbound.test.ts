// Issue 10 item 4 (the app's side): inbound connections the app did not expect are closed quickly, a
// device gets only a few at once, and the peerjs client's store of orphaned signaling frames is swept.
// The engine is driven through a stand-in Peer (an event emitter with the two peerjs internals the guard
// touches); the real peerjs client is exercised by the hostile-peer journey on the test LAN.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TransferEngine } from '../src/transfer/engine.ts';
import { INBOUND_LIMITS, refusalOf, TRANSFER_LABEL } from '../src/transfer/inbound.ts';
import { FakeClock, ticks } from './transferKit.ts';

class FakeConnection extends EventEmitter {
  closed = 0;
  open = false;
  readonly peer: string;
  readonly label: string;
  readonly serialization: string;
  readonly reliable: boolean;
  constructor(peer: string, label = TRANSFER_LABEL, serialization = 'raw', reliable = true) {
    super();
    this.peer = peer;
    this.label = label;
    this.serialization = serialization;
    this.reliable = reliable;
  }
  close() {
    this.closed++;
    this.emit('close');
  }
}

class FakePeer extends EventEmitter {
  _lostMessages = new Map<string, unknown[]>();
  _connections = new Map<string, unknown[]>();
  id = 'me';
  disconnected = false;
}

function setup() {
  const clock = new FakeClock();
  const peer = new FakePeer();
  const engine = new TransferEngine({
    peer: { get: () => peer as never, subscribe: () => () => {} },
    authorize: async () => null,
    clock,
  });
  return { clock, peer, engine };
}

const offer = (peer: FakePeer, conn: FakeConnection) => {
  peer.emit('connection', conn);
  return conn;
};

describe('inbound connections', () => {
  it('refusalOf: our label, raw, reliable, within the limits', () => {
    const ok = { remote: 'x', label: TRANSFER_LABEL, serialization: 'raw', reliable: true };
    const open = { fromRemote: 0, total: 0 };
    expect(refusalOf(ok, open)).toBeNull();
    expect(refusalOf({ ...ok, label: 'chat' }, open)).toBe('label');
    expect(refusalOf({ ...ok, label: undefined }, open)).toBe('label');
    expect(refusalOf({ ...ok, serialization: 'binary' }, open)).toBe('serialization');
    expect(refusalOf({ ...ok, reliable: false }, open)).toBe('unreliable');
    expect(refusalOf(ok, { fromRemote: INBOUND_LIMITS.perRemote, total: 0 })).toBe('per_remote');
    expect(refusalOf(ok, { fromRemote: 0, total: INBOUND_LIMITS.total })).toBe('total');
  });

  it('closes connections with another label or serialization, and media calls', async () => {
    const { peer, engine } = setup();
    const strangers = [
      offer(peer, new FakeConnection('m', 'some-other-app')),
      offer(peer, new FakeConnection('m', TRANSFER_LABEL, 'json')),
      offer(peer, new FakeConnection('m', TRANSFER_LABEL, 'raw', false)),
    ];
    const call = new FakeConnection('m', 'call');
    peer.emit('call', call);
    await ticks(2);
    for (const c of [...strangers, call]) expect(c.closed).toBe(1);
    expect(engine.stats().inbound.refused).toMatchObject({
      label: 1,
      serialization: 1,
      unreliable: 1,
      media: 1,
    });
  });

  it('keeps a few connections per device and a bounded total; a closed one frees its place', async () => {
    const { peer } = setup();
    const mine = Array.from({ length: INBOUND_LIMITS.perRemote + 3 }, () =>
      offer(peer, new FakeConnection('hog')),
    );
    await ticks(2);
    expect(mine.filter((c) => c.closed > 0)).toHaveLength(3);
    mine[0]!.close();
    const again = offer(peer, new FakeConnection('hog'));
    await ticks(2);
    expect(again.closed).toBe(0);
    const crowd = Array.from({ length: INBOUND_LIMITS.total + 5 }, (_, i) =>
      offer(peer, new FakeConnection(`d${i}`)),
    );
    await ticks(2);
    const open = [...mine, again, ...crowd].filter((c) => c.closed === 0);
    expect(open).toHaveLength(INBOUND_LIMITS.total);
  });

  it('closes a connection that never opens', async () => {
    const { clock, peer } = setup();
    const slow = offer(peer, new FakeConnection('slow'));
    const quick = offer(peer, new FakeConnection('quick'));
    quick.open = true;
    clock.advance(INBOUND_LIMITS.openWithinMs + 1);
    await ticks(2);
    expect(slow.closed).toBe(1);
    expect(quick.closed).toBe(0);
  });

  it('sweeps signaling frames kept for unknown connection ids, and caps them', async () => {
    const { clock, peer, engine } = setup();
    peer._lostMessages.set('dc_a', [{ type: 'CANDIDATE' }, { type: 'CANDIDATE' }]);
    clock.advance(2000);
    expect(peer._lostMessages.has('dc_a')).toBe(true); // a grace period first
    clock.advance(INBOUND_LIMITS.orphanMs);
    expect(peer._lostMessages.has('dc_a')).toBe(false);
    for (let i = 0; i < INBOUND_LIMITS.maxOrphans + 10; i++) peer._lostMessages.set(`dc_${i}`, [{}]);
    clock.advance(2000);
    expect(peer._lostMessages.size).toBe(0);
    expect(engine.stats().inbound.orphansSwept).toBe(2 + INBOUND_LIMITS.maxOrphans + 10);
  });

  it('survives an "offer" that is not a connection at all', async () => {
    const { peer } = setup();
    const weird = Object('not a connection') as object;
    peer._connections.set('m', [weird]);
    expect(() => peer.emit('connection', weird)).not.toThrow();
    await ticks(2);
    expect(peer._connections.get('m')).toEqual([]);
  });
});
