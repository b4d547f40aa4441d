// A hostile source against the Node shell: whatever it sends arrives through the DataConnection adapter,
// and nothing may end the process (in Node an exception in an event handler does) or make it allocate
// what the sender announces.
import { EventEmitter } from 'node:events';
import type { DataConnection } from 'peerjs';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../pwa/src/transfer/clock.ts';
import { encodeControl } from '../../pwa/src/transfer/control.ts';
import { Download } from '../../pwa/src/transfer/download.ts';
import { hashChunk, rootOf } from '../../pwa/src/transfer/hashing.ts';
import type { ChunkStore } from '../../pwa/src/transfer/store.ts';
import { nodeChannel } from '../src/net/channel.ts';

/** Just enough of a PeerJS DataConnection for the adapter; `deliver` is the remote sending a message. */
function fakeConnection(onSend: (data: unknown, deliver: (d: unknown) => void) => void) {
  const conn = new EventEmitter() as EventEmitter & Record<string, unknown>;
  // like a real data channel, messages arrive later, from the event loop: a throw there is uncaught
  const deliver = (d: unknown) => setImmediate(() => conn.emit('data', d));
  Object.assign(conn, {
    peer: 'hostile',
    open: true,
    dataChannel: { bufferedAmount: 0 },
    peerConnection: { sctp: { maxMessageSize: 262144 } },
    send: (d: unknown) => onSend(d, deliver),
    close: () => conn.emit('close'),
  });
  return conn as unknown as DataConnection;
}

const nothingStored: ChunkStore = {
  stored: async () => [],
  write: async () => {},
  finish: async () => new Blob([]),
  discard: async () => {},
};

describe('a hostile source', () => {
  it('announcing 2^40 chunks in its manifest ends its connection, not the process', async () => {
    const conn = fakeConnection((data, deliver) => {
      const msg =
        typeof data === 'string' ? (JSON.parse(data) as { t: string; id: number; contentId: string }) : null;
      if (msg?.t !== 'open') return;
      deliver(
        encodeControl({
          t: 'manifest',
          id: msg.id,
          contentId: msg.contentId,
          size: 2 ** 40,
          chunkSize: 1024,
          chunkCount: 2 ** 40,
          partial: false,
        }),
      );
    });
    const d = new Download(
      {
        contentId: 'c'.repeat(64),
        roomId: 'r'.repeat(26),
        size: 10 * 1024,
        chunkSize: 1024,
        name: 'x',
        type: '',
      },
      ['hostile'],
      { connect: async () => nodeChannel(conn), store: nothingStored, hashChunk, rootOf, clock: systemClock },
    );
    await expect(d.start()).rejects.toThrow();
    expect(d.status().state).toBe('failed');
  });
});
