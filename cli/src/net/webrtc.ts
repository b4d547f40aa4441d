// WebRTC in Node: node-datachannel's W3C polyfill (libdatachannel underneath) installed as the globals
// the unmodified `peerjs` client looks for, then peerjs itself. Two Node-only facts shape this module:
// - peerjs checks for RTCPeerConnection once, when it is loaded, so the globals go in first; its ESM
//   build exposes only `default` under Node, so it is loaded with require.
// - peerjs probes support at load time with its default configuration, which names public STUN and
//   TURN servers, and libdatachannel starts gathering as soon as a data channel exists. Every peer
//   connection made in this process therefore gets the tracker's ICE servers (`setIceServers`) in
//   place of whatever it was given: nothing here ever contacts a server the tracker did not name.
import { createRequire } from 'node:module';
import polyfill from 'node-datachannel/polyfill';

type PeerJs = typeof import('peerjs');

let iceServers: RTCIceServer[] = [];

/** The ICE servers from the tracker's /api/config; the only ones any peer connection will use. */
export function setIceServers(servers: RTCIceServer[]): void {
  iceServers = servers.map((s) => ({ ...s }));
}

class TrackerIcePeerConnection extends polyfill.RTCPeerConnection {
  constructor(config?: RTCConfiguration) {
    super({ ...config, iceServers: iceServers.map((s) => ({ ...s })) });
  }
}

let loaded: PeerJs | undefined;

export function loadPeerJs(): PeerJs {
  if (loaded) return loaded;
  Object.assign(globalThis, {
    RTCPeerConnection: TrackerIcePeerConnection,
    RTCSessionDescription: polyfill.RTCSessionDescription,
    RTCIceCandidate: polyfill.RTCIceCandidate,
  });
  loaded = createRequire(import.meta.url)('peerjs') as PeerJs;
  return loaded;
}
