// Presence without WebRTC: the socket a browser without RTCPeerConnection holds to be online.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { holdPresence, presenceUrl } from '../src/net/presenceSocket.ts';

class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  readyState = FakeSocket.CONNECTING;
  readonly sent: string[] = [];
  closed = false;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  /** the server says something */
  say(frame: unknown) {
    this.readyState = FakeSocket.OPEN;
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

let socket: FakeSocket;
const open = () => {
  socket = new FakeSocket();
  return socket as unknown as WebSocket;
};

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('WebSocket', FakeSocket);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('presence without WebRTC', () => {
  it('builds the address peerjs would use for the relay', () => {
    expect(presenceUrl({ host: 'lan.test', port: 8443, secure: true }, 'p'.repeat(26), 't k')).toBe(
      `wss://lan.test:8443/peerjs/peerjs?key=peerjs&id=${'p'.repeat(26)}&token=t+k&version=1.5.5`,
    );
    expect(
      presenceUrl({ host: '10.0.0.2', port: 80, secure: false }, 'a', 'b').startsWith(
        'ws://10.0.0.2/peerjs/peerjs?',
      ),
    ).toBe(true);
  });

  it('is online once the relay says OPEN, heartbeats like peerjs, and ends "dropped" when the socket closes', async () => {
    let online = 0;
    const held = holdPresence('ws://x', new AbortController().signal, () => online++, open);
    socket.say({ type: 'OPEN' });
    expect(online).toBe(1);
    // offers from others, garbage and repeats change nothing: this browser cannot answer them
    socket.say({ type: 'OFFER', src: 'x', dst: 'y', payload: {} });
    socket.say('not json');
    socket.say({ type: 'OPEN' });
    expect(online).toBe(1);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(socket.sent).toEqual(['{"type":"HEARTBEAT"}', '{"type":"HEARTBEAT"}', '{"type":"HEARTBEAT"}']);
    socket.drop();
    await expect(held).resolves.toBe('dropped');
    await vi.advanceTimersByTimeAsync(15_000);
    expect(socket.sent.length).toBe(3);
  });

  it('says "taken" when another tab holds the id, "failed" when refused or never opened', async () => {
    const taken = holdPresence('ws://x', new AbortController().signal, () => {}, open);
    socket.say({ type: 'ID-TAKEN', payload: { msg: '' } });
    await expect(taken).resolves.toBe('taken');
    expect(socket.closed).toBe(true);

    const refused = holdPresence('ws://x', new AbortController().signal, () => {}, open);
    socket.say({ type: 'ERROR', payload: { msg: 'expired ticket' } });
    await expect(refused).resolves.toBe('failed');

    const never = holdPresence('ws://x', new AbortController().signal, () => {}, open);
    socket.drop();
    await expect(never).resolves.toBe('failed');
  });

  it('closes the socket when stopped', async () => {
    const stop = new AbortController();
    const held = holdPresence('ws://x', stop.signal, () => {}, open);
    socket.say({ type: 'OPEN' });
    stop.abort();
    await expect(held).resolves.toBe('dropped');
    expect(socket.closed).toBe(true);
  });
});
