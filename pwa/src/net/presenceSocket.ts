// Presence without WebRTC. A browser with no RTCPeerConnection (Lockdown Mode on iPhone, some in-app
// browsers) cannot run a PeerJS Peer (peerjs refuses at once), yet it is in the room and browsing: it
// holds the signaling socket itself, speaking just enough of the PeerJS server protocol (OPEN, HEARTBEAT,
// refusals) to be online. Offers from others are left unanswered: this device shares nothing, so nobody
// has a reason to send one, and an offer that comes anyway times out on the other side.
import { HEARTBEAT, PEERJS_KEY } from '../../../worker/protocol/signalingKeys.ts';

export type PresenceOutcome = 'dropped' | 'taken' | 'failed';

/** peerjs's heartbeat interval; the relay drops a socket silent for 35 s. */
const HEARTBEAT_MS = 5_000;

/** The relay's address for this device, as peerjs builds it (`/peerjs` + `/peerjs?key=…`). */
export function presenceUrl(
  server: { host: string; port: number; secure: boolean },
  peerId: string,
  ticket: string,
): string {
  const url = new URL(`${server.secure ? 'wss' : 'ws'}://${server.host}:${server.port}/peerjs/peerjs`);
  url.search = new URLSearchParams({
    key: PEERJS_KEY,
    id: peerId,
    token: ticket,
    version: '1.5.5',
  }).toString();
  return url.href;
}

/**
 * Holds one presence socket until it is unusable: 'taken' when another tab holds the id, 'failed' when
 * it never opened or was refused, 'dropped' when it closed after opening (or `signal` aborted).
 */
export function holdPresence(
  url: string,
  signal: AbortSignal,
  onOpen: () => void,
  open: (url: string) => WebSocket = (u) => new WebSocket(u),
): Promise<PresenceOutcome> {
  return new Promise((resolve) => {
    const ws = open(url);
    let opened = false;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const end = (how: PresenceOutcome) => {
      clearInterval(heartbeat);
      signal.removeEventListener('abort', onAbort);
      ws.onmessage = null;
      ws.onclose = null;
      ws.onerror = null;
      if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close();
      resolve(how);
    };
    const onAbort = () => end('dropped');
    signal.addEventListener('abort', onAbort);
    ws.onmessage = (event) => {
      let type: unknown;
      try {
        type = (JSON.parse(String(event.data)) as { type?: unknown }).type;
      } catch {
        return;
      }
      if (type === 'OPEN' && !opened) {
        opened = true;
        heartbeat = setInterval(() => ws.send(HEARTBEAT), HEARTBEAT_MS);
        onOpen();
      } else if (type === 'ID-TAKEN') end('taken');
      else if (type === 'ERROR' || type === 'INVALID-KEY') end('failed');
    };
    ws.onclose = () => end(opened ? 'dropped' : 'failed');
  });
}
