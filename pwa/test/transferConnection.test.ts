// Opening a transfer connection (the engine's and the CLI's one way): what it asks peerjs for, and how it
// ends when the connection opens, when the relay says the device is not there, and when nothing answers.
// A stand-in Peer and DataConnection (event emitters), time from a fake clock.
import { EventEmitter } from 'node:events';
import type { DataConnection } from 'peerjs';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../src/transfer/channel.ts';
import { DownloadError } from '../src/transfer/downloadTypes.ts';
import { TRANSFER_LABEL } from '../src/transfer/inbound.ts';
import { CONNECT_TIMEOUT_MS, type ConnectingPeer, openTransfer } from '../src/transfer/transferConnection.ts';
import { FakeClock } from './transferKit.ts';

class FakeConnection extends EventEmitter {
  closed = 0;
  close() {
    this.closed++;
  }
}

class FakePeer extends EventEmitter {
  disconnected = false;
  readonly asked: { peerId: string; options: unknown }[] = [];
  readonly conns: FakeConnection[] = [];
  connect(peerId: string, options: unknown) {
    this.asked.push({ peerId, options });
    const conn = new FakeConnection();
    this.conns.push(conn);
    return conn;
  }
}

function setup() {
  const clock = new FakeClock();
  const peer = new FakePeer();
  const channel = { remote: 'src' } as Channel;
  const wrapped: unknown[] = [];
  const opening = openTransfer(
    peer as unknown as ConnectingPeer,
    'src',
    (conn: DataConnection) => {
      wrapped.push(conn);
      return channel;
    },
    { clock },
  );
  const settled = opening.then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );
  return { clock, peer, conn: peer.conns[0]!, channel, wrapped, settled };
}

describe('opening a transfer connection', () => {
  it('asks for a raw, reliable connection with our label and resolves with it once open', async () => {
    const { clock, peer, conn, channel, wrapped, settled } = setup();
    expect(peer.asked).toEqual([
      { peerId: 'src', options: { label: TRANSFER_LABEL, serialization: 'raw', reliable: true } },
    ]);
    conn.emit('open');
    expect(await settled).toEqual({ value: channel });
    expect(wrapped).toEqual([conn]);
    // the timeout is gone and so is the listener for the relay's errors: nothing closes it later
    expect(clock.pending).toBe(0);
    expect(peer.listenerCount('error')).toBe(0);
    clock.advance(CONNECT_TIMEOUT_MS * 2);
    expect(conn.closed).toBe(0);
  });

  it('gives up at once with no_source when the relay says that device is unavailable', async () => {
    const { clock, peer, conn, settled } = setup();
    peer.emit('error', { type: 'peer-unavailable', message: 'Could not connect to peer someone-else' });
    clock.advance(1000);
    peer.emit('error', { type: 'peer-unavailable', message: 'Could not connect to peer src' });
    const { error } = (await settled) as { error: Error };
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('no_source');
    expect(conn.closed).toBe(1);
    expect(clock.pending).toBe(0);
    expect(peer.listenerCount('error')).toBe(0);
  });

  it('times out after CONNECT_TIMEOUT_MS when nothing opens, closing the connection', async () => {
    const { clock, peer, conn, settled } = setup();
    clock.advance(CONNECT_TIMEOUT_MS - 1);
    expect(conn.closed).toBe(0);
    clock.advance(1);
    expect(await settled).toEqual({ error: new Error('connection timed out') });
    expect(conn.closed).toBe(1);
    expect(peer.listenerCount('error')).toBe(0);
  });

  it('fails when the connection reports an error', async () => {
    const { clock, conn, settled } = setup();
    conn.emit('error', new Error('ice failed'));
    expect(await settled).toEqual({ error: new Error('connection failed') });
    expect(conn.closed).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('refuses without a Peer, or with one the tracker dropped', async () => {
    const wrap = () => ({}) as Channel;
    await expect(openTransfer(null, 'src', wrap)).rejects.toThrow('not connected to the tracker');
    const peer = new FakePeer();
    peer.disconnected = true;
    await expect(openTransfer(peer as unknown as ConnectingPeer, 'src', wrap)).rejects.toThrow(
      'not connected to the tracker',
    );
    expect(peer.asked).toEqual([]);
  });
});
