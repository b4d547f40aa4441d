// How the routes tell the signaling relay about changes it must act on at once.
import type { Env } from '../env.ts';
import { CLOSE } from '../protocol/signaling.ts';
import { peerStub } from './stub.ts';

/** A membership of the device changed: its hub reads its rooms again, and drops contacts it lost. */
export async function membershipChanged(env: Env, peerId: string): Promise<void> {
  try {
    await peerStub(env, peerId).membershipChanged(peerId);
  } catch (err) {
    // D1 is the truth: the destination's hub checks again, and a stale hub only ever answers "no"
    console.error('signaling membership update failed', peerId, err);
  }
}

/** The device's credentials changed or it was forgotten: its signaling sockets close now. */
export async function kickDevice(env: Env, peerId: string, reason: string): Promise<void> {
  try {
    await peerStub(env, peerId).kick(peerId, reason);
  } catch (err) {
    console.error('signaling kick failed', peerId, CLOSE.revoked, err);
  }
}
