// The status bar's sentence, from the states of the connections. Pure, so every case is tested.

export interface ConnectionFacts {
  browserOnline: boolean;
  reachability: 'unknown' | 'reachable' | 'unreachable';
  registered: boolean;
  signaling: 'connecting' | 'connected' | 'retrying' | 'taken' | null;
  /** The room's live socket; null outside a room or before the room is joined. */
  live: 'connecting' | 'live' | 'retrying' | 'left' | null;
  inRoom: boolean;
  /** This browser has WebRTC (without it, it browses but cannot send or receive files). */
  webrtc: boolean;
}

export type StatusTone = 'ok' | 'busy' | 'offline' | 'warn';

export function statusText(f: ConnectionFacts): { tone: StatusTone; text: string } {
  const offline = !f.browserOnline || f.reachability === 'unreachable';
  if (offline) {
    return {
      tone: 'offline',
      text: f.inRoom
        ? 'Offline — showing the last known files. Will reconnect by itself.'
        : 'Offline — will reconnect by itself.',
    };
  }
  if (!f.registered) return { tone: 'busy', text: 'Connecting to the tracker…' };
  if (f.signaling === 'taken') {
    return {
      tone: 'warn',
      text: 'MeshDrop is open in another tab of this browser. Close it there so this device can share from here.',
    };
  }
  if (f.inRoom && f.live === 'left') return { tone: 'warn', text: 'This device left the room.' };
  if (f.inRoom && f.live !== 'live') return { tone: 'busy', text: 'Connecting to the room…' };
  if (f.signaling !== 'connected') {
    return { tone: 'busy', text: 'Connecting… other devices see this one as offline until then.' };
  }
  return {
    tone: 'ok',
    text: f.inRoom
      ? 'Connected — changes show up as they happen.'
      : f.webrtc
        ? 'Connected — other devices can reach this one.'
        : 'Connected — this browser can look around rooms, but not send or receive files.',
  };
}
