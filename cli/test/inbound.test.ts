// The command-line peer guards its inbound connections as the page does: a hostile room member cannot
// make it hold connections it would never use (unknown labels, media calls, many from one device).
import { EventEmitter } from 'node:events';
import type { DataConnection, Peer } from 'peerjs';
import { describe, expect, it } from 'vitest';
import { INBOUND_LIMITS, TRANSFER_LABEL } from '../../pwa/src/transfer/inbound.ts';
import { guardInbound } from '../src/net/signaling.ts';

/** Just enough of a peerjs inbound DataConnection: `closed` tells whether the guard closed it. */
function offer(remote: string, label: string, serialization = 'raw') {
  const conn = new EventEmitter() as EventEmitter & Record<string, unknown>;
  Object.assign(conn, {
    peer: remote,
    label,
    serialization,
    reliable: true,
    open: true,
    closed: false,
    close: () => {
      conn.closed = true;
      conn.emit('close');
    },
  });
  return conn as unknown as DataConnection & { closed: boolean };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('the command-line peer’s inbound connections', () => {
  it('closes unknown labels, media calls and more than a few from one device; passes on the rest', async () => {
    const peer = new EventEmitter();
    const handed: DataConnection[] = [];
    const detach = guardInbound(peer as unknown as Peer, (conn) => handed.push(conn));
    const stranger = offer('mallory', 'not-ours');
    const json = offer('mallory', TRANSFER_LABEL, 'json');
    const call = offer('mallory', 'call');
    peer.emit('connection', stranger);
    peer.emit('connection', json);
    peer.emit('call', call);
    const flood = Array.from({ length: INBOUND_LIMITS.perRemote + 2 }, () =>
      offer('mallory', TRANSFER_LABEL),
    );
    for (const c of flood) peer.emit('connection', c);
    const honest = offer('alice', TRANSFER_LABEL);
    peer.emit('connection', honest);
    await settle();
    expect([stranger.closed, json.closed, call.closed]).toEqual([true, true, true]);
    expect(flood.map((c) => c.closed)).toEqual([...Array(INBOUND_LIMITS.perRemote).fill(false), true, true]);
    expect(handed).toEqual([...flood.slice(0, INBOUND_LIMITS.perRemote), honest]);
    detach();
  });
});
