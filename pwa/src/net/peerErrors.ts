// Which PeerJS errors mean the Peer (our signaling connection) is unusable and must be rebuilt, as
// opposed to errors about one connection to another device. Pure, so it is unit-tested.

const CONNECTION_ONLY = new Set(['peer-unavailable', 'webrtc']);

export function isFatalPeerError(type: string): boolean {
  return !CONNECTION_ONLY.has(type);
}

/** Another tab of this browser holds our id: retrying fast would only fight it. */
export function isIdTaken(type: string): boolean {
  return type === 'unavailable-id';
}
