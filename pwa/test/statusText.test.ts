import { describe, expect, it } from 'vitest';
import { type ConnectionFacts, statusText } from '../src/state/statusText.ts';

const good: ConnectionFacts = {
  browserOnline: true,
  reachability: 'reachable',
  registered: true,
  signaling: 'connected',
  live: 'live',
  inRoom: true,
  webrtc: true,
};

describe('status bar words', () => {
  it('says offline in plain words, and that it recovers by itself', () => {
    expect(statusText({ ...good, reachability: 'unreachable' }).text).toBe(
      'Offline — showing the last known files. Will reconnect by itself.',
    );
    expect(statusText({ ...good, browserOnline: false, inRoom: false, live: null })).toEqual({
      tone: 'offline',
      text: 'Offline — will reconnect by itself.',
    });
  });

  it('covers connecting, another tab and the healthy case', () => {
    expect(statusText({ ...good, registered: false }).tone).toBe('busy');
    expect(statusText({ ...good, live: 'retrying' }).text).toMatch(/Connecting to the room/);
    expect(statusText({ ...good, signaling: 'taken' }).tone).toBe('warn');
    expect(statusText({ ...good, signaling: 'retrying' }).text).toMatch(/offline until then/);
    expect(statusText(good)).toEqual({ tone: 'ok', text: 'Connected — changes show up as they happen.' });
    expect(statusText({ ...good, inRoom: false, live: null }).tone).toBe('ok');
  });

  it('does not promise that others can reach a browser without WebRTC', () => {
    expect(statusText({ ...good, inRoom: false, live: null, webrtc: false })).toEqual({
      tone: 'ok',
      text: 'Connected — this browser can look around rooms, but not send or receive files.',
    });
  });
});
