import { describe, expect, it } from 'vitest';
import { backoffDelay, Retrier } from '../src/net/backoff.ts';
import { isFatalPeerError, isIdTaken } from '../src/net/peerErrors.ts';

describe('backoff', () => {
  it('doubles up to the cap, with jitter below the ceiling', () => {
    const plain = (n: number) => backoffDelay(n, { baseMs: 500, maxMs: 8000, jitter: 0 });
    expect([0, 1, 2, 3, 4, 5, 10].map(plain)).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoffDelay(3, { baseMs: 500, jitter: 0.5, random: () => 1 })).toBe(2000);
    expect(backoffDelay(3, { baseMs: 500, jitter: 0.5, random: () => 0 })).toBe(4000);
  });

  it('a retrier wait can be cut short or aborted', async () => {
    const r = new Retrier({ baseMs: 60_000, jitter: 0 });
    const waiting = r.wait();
    r.wake();
    expect(await waiting).toBe(true);
    const ctrl = new AbortController();
    const aborted = r.wait(ctrl.signal);
    ctrl.abort();
    expect(await aborted).toBe(false);
  });
});

describe('peerjs errors', () => {
  it('rebuilds the Peer only for errors about the Peer itself', () => {
    expect(isFatalPeerError('network')).toBe(true);
    expect(isFatalPeerError('socket-closed')).toBe(true);
    expect(isFatalPeerError('peer-unavailable')).toBe(false);
    expect(isFatalPeerError('webrtc')).toBe(false);
    expect(isIdTaken('unavailable-id')).toBe(true);
  });
});
