// How the routes tell the signaling relay about changes it must act on at once: the device's hub (a
// `PeerSocket` Durable Object), or, on a LAN tracker whose front terminates the sockets, the front.
import type { Env } from '../env.ts';
import { type FrontNotice, RELAY_SECRET_HEADER } from '../protocol/relayLink.ts';
import { CLOSE } from '../protocol/signaling.ts';
import { peerStub } from '../stubs.ts';

/** The front's loopback address when this LAN tracker's front runs the relay, else null. */
function lanRelay(env: Env): string | null {
  if (env.TRACKER_MODE !== 'lan' || !env.LAN_RELAY_URL || !env.LAN_RELAY_SECRET) return null;
  return env.LAN_RELAY_URL;
}

async function tellFront(env: Env, url: string, notice: FrontNotice, body: object): Promise<void> {
  const res = await fetch(`${url}/${notice}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [RELAY_SECRET_HEADER]: env.LAN_RELAY_SECRET },
    body: JSON.stringify(body),
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`front answered ${res.status}`);
}

/** A membership of the device changed: its hub reads its rooms again, and drops contacts it lost. */
export async function membershipChanged(env: Env, peerId: string): Promise<void> {
  try {
    const front = lanRelay(env);
    if (front) await tellFront(env, front, 'membership', { peer: peerId });
    else await peerStub(env, peerId).membershipChanged(peerId);
  } catch (err) {
    // the catalog is the truth: the relay checks again, and a stale one only ever answers "no"
    console.error('signaling membership update failed', peerId, err);
  }
}

/** The device's credentials changed or it was forgotten: its signaling sockets close now. */
export async function kickDevice(env: Env, peerId: string, reason: string): Promise<void> {
  try {
    const front = lanRelay(env);
    if (front) await tellFront(env, front, 'kick', { peer: peerId, reason });
    else await peerStub(env, peerId).kick(peerId, reason);
  } catch (err) {
    console.error('signaling kick failed', peerId, CLOSE.revoked, err);
  }
}
