// Bytes straight on a TCP socket, for what no well-behaved client sends (absolute-form targets, an
// unmasked WebSocket frame): the front must answer them, never die of them.
import { connect } from 'node:net';

/** Sends `request`, then `after` once the first answer came; resolves with all bytes heard until close. */
export function rawExchange(port: number, request: string, after?: Buffer, waitMs = 500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let heard = '';
    let sentAfter = false;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(heard);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d) => {
      heard += d.toString('latin1');
      if (after && !sentAfter) {
        sentAfter = true;
        socket.write(after);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', done);
  });
}

export const upgradeRequest = (target: string) =>
  `GET ${target} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

/** Targets that are not origin-form (RFC 9112 3.2.1): each threw in `new URL(...)` somewhere. */
export const NOT_ORIGIN_FORM = [
  'http://x:99999/',
  'http://x:99999/peerjs/peerjs?id=a',
  '//x',
  '//x:99999/peerjs/peerjs',
  'https://[::1/',
  '*',
];
