// The transfer engine's Channel over a PeerJS DataConnection in Node: the shared adapter
// (pwa/src/transfer/channel.ts) with two Node-side guards.
// - libdatachannel fires `bufferedamountlow` only when the queue crosses the threshold; when it fell
//   below between the engine's check and the threshold being set, no event ever comes. `drained` also
//   polls, so a sender can never wait forever.
// - In a browser, an exception in a message handler is a console line; in Node it ends the process.
//   Whatever a remote peer sends, a handler that throws closes that one connection instead.
import type { DataConnection } from 'peerjs';
import { type Channel, fromDataConnection } from '../../../pwa/src/transfer/channel.ts';
import { maxMessageSize } from '../../../pwa/src/transfer/transferConnection.ts';

const DRAIN_POLL_MS = 20;

export function nodeChannel(conn: DataConnection): Channel {
  const inner = fromDataConnection(conn, maxMessageSize(conn));
  return {
    remote: inner.remote,
    send: (data) => inner.send(data),
    bufferedAmount: () => inner.bufferedAmount(),
    drained: (low) =>
      new Promise<void>((resolve) => {
        let timer: ReturnType<typeof setInterval> | undefined;
        const finish = () => {
          clearInterval(timer);
          resolve();
        };
        timer = setInterval(() => {
          if (inner.closed || inner.bufferedAmount() <= low) finish();
        }, DRAIN_POLL_MS);
        void inner.drained(low).then(finish);
      }),
    maxMessageSize: () => inner.maxMessageSize(),
    onMessage: (handler) =>
      inner.onMessage((data) => {
        try {
          handler(data);
        } catch {
          inner.close();
        }
      }),
    onClose: (handler) => inner.onClose(handler),
    close: () => inner.close(),
    get closed() {
      return inner.closed;
    },
  };
}
