// Whether this browser can open WebRTC data channels at all. Lockdown Mode on iPhone, some in-app
// browsers and WebKitGTK builds have no RTCPeerConnection: the app then browses and shows who is online,
// but cannot send or receive files, and says so. Feature detection only, never the user agent.

export function hasWebRtc(): boolean {
  return typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection === 'function';
}
