// This device's identity: { peerId, secret, name } in IndexedDB. Registered with the tracker on first
// run; the secret never leaves this store except as a Bearer header.
import type { CreatePeerResponse } from '../../../worker/protocol/api.ts';
import { idbDelete, idbGet, idbPut } from './idb.ts';

export interface Identity {
  peerId: string;
  secret: string;
  name: string;
  /** Renamed here while the tracker could not be reached; sent when it is back. */
  nameUnsynced?: boolean;
}

const KEY = 'identity';

export function loadIdentity(): Promise<Identity | undefined> {
  return idbGet<Identity>('kv', KEY);
}

export function saveIdentity(identity: Identity): Promise<void> {
  return idbPut('kv', identity, KEY);
}

export function clearIdentity(): Promise<void> {
  return idbDelete('kv', KEY);
}

let registering: Promise<Identity> | undefined;

/** The stored identity, or a new one registered with `register` (at most one registration at a time). */
export function ensureIdentity(
  register: (name: string) => Promise<CreatePeerResponse>,
  suggestedName: string,
): Promise<Identity> {
  registering ??= (async () => {
    const stored = await loadIdentity();
    if (stored) return stored;
    const created = await register(suggestedName);
    const identity: Identity = { peerId: created.peerId, secret: created.secret, name: created.name };
    await saveIdentity(identity);
    return identity;
  })().finally(() => {
    registering = undefined;
  });
  return registering;
}
