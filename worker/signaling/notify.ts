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

/** Tries a notice a few times: one refused call (the front or the object restarting) is not the end. */
const NOTICE_DELAYS_MS = [0, 200, 1_000];

async function withRetries(what: string, peerId: string, send: () => Promise<void>): Promise<void> {
  let last: unknown;
  for (const delay of NOTICE_DELAYS_MS) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      await send();
      return;
    } catch (err) {
      last = err;
    }
  }
  // the catalog is the truth, and the relay reads it again on its own: a LAN front re-reads the rooms of
  // every connected device each sweep, and every hub forgets remembered rooms after ROOMS_TTL_MS
  console.error(`signaling ${what} failed`, peerId, last);
}

/** A membership of the device changed: its hub reads its rooms again, and drops contacts it lost. */
export async function membershipChanged(env: Env, peerId: string): Promise<void> {
  const front = lanRelay(env);
  await withRetries('membership update', peerId, () =>
    front
      ? tellFront(env, front, 'membership', { peer: peerId })
      : peerStub(env, peerId).membershipChanged(peerId),
  );
}

/**
 * The device's credentials changed (`keyTag`: the new ones) or it was forgotten (''): its signaling
 * sockets close now, and an admission made with the old ones opens nothing.
 */
export async function kickDevice(env: Env, peerId: string, reason: string, keyTag: string): Promise<void> {
  const front = lanRelay(env);
  await withRetries(`kick (${CLOSE.revoked})`, peerId, () =>
    front
      ? tellFront(env, front, 'kick', { peer: peerId, reason })
      : peerStub(env, peerId).kick(peerId, reason, keyTag),
  );
}
