// The engine talks to a Channel, not to PeerJS: the DataConnection adapter is a few lines, and the unit
// tests drive the same engine over an in-memory pair.
import type { DataConnection } from 'peerjs';

export type ChannelData = string | ArrayBuffer;

export interface Channel {
  readonly remote: string;
  send(data: ChannelData): void;
  /** Bytes queued in the channel and not yet sent. */
  bufferedAmount(): number;
  /** Resolves once bufferedAmount has fallen to `low` or below (or the channel closed). */
  drained(low: number): Promise<void>;
  /** Largest message the remote accepts, when known. */
  maxMessageSize(): number | null;
  onMessage(handler: (data: ChannelData) => void): void;
  onClose(handler: () => void): void;
  close(): void;
  readonly closed: boolean;
}

/** Wraps an open PeerJS DataConnection with serialization 'raw'. */
export function fromDataConnection(conn: DataConnection, maxMessageSize: number | null): Channel {
  let closed = false;
  const closeHandlers: (() => void)[] = [];
  const onClosed = () => {
    if (closed) return;
    closed = true;
    for (const h of closeHandlers) h();
  };
  conn.on('close', onClosed);
  conn.on('error', onClosed);
  const dc = () => conn.dataChannel as RTCDataChannel | undefined;
  return {
    remote: conn.peer,
    send: (data) => conn.send(data),
    bufferedAmount: () => dc()?.bufferedAmount ?? 0,
    drained(low) {
      const channel = dc();
      if (!channel || closed || channel.bufferedAmount <= low) return Promise.resolve();
      channel.bufferedAmountLowThreshold = low;
      return new Promise((resolve) => {
        const done = () => {
          channel.removeEventListener('bufferedamountlow', done);
          channel.removeEventListener('close', done);
          resolve();
        };
        channel.addEventListener('bufferedamountlow', done);
        channel.addEventListener('close', done);
      });
    },
    maxMessageSize: () => maxMessageSize,
    onMessage: (handler) => conn.on('data', (d) => handler(d as ChannelData)),
    onClose: (handler) => closeHandlers.push(handler),
    close: () => conn.close(),
    get closed() {
      return closed;
    },
  };
}
