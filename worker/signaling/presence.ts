// Presence follows the signaling socket: peers.online_since in D1 (read by the listing and `hello`) and
// a `presence` event in each of the device's rooms.
import { setPresenceListRooms } from '../db/peers.ts';
import type { SignalingStore } from '../db/signalingStore.ts';
import type { Env } from '../env.ts';
import { publish } from '../rooms/publish.ts';
import type { PeerRooms } from './peerRooms.ts';

export class Presence {
  private readonly env: Env;
  private readonly store: SignalingStore;
  private readonly rooms: PeerRooms;
  private readonly chains = new Map<string, Promise<void>>();
  /** The published state per device, as in storage (read once per device and life of the hub). */
  private readonly published = new Map<string, boolean>();

  constructor(env: Env, store: SignalingStore, rooms: PeerRooms) {
    this.env = env;
    this.store = store;
    this.rooms = rooms;
  }

  /**
   * Brings D1 and the rooms in line with `since()` (when the device's current socket opened, null when it
   * has none), read when the step runs. Steps of one device run one at a time, so a close and a quick
   * reconnect never cross, and only a change from the last published state writes anything. Connecting
   * also reads the device's rooms (the same round trip), which the relay rule keeps in memory.
   */
  sync(peer: string, since: () => number | null): Promise<void> {
    const step = (this.chains.get(peer) ?? Promise.resolve()).then(async () => {
      const openedAt = since();
      const online = openedAt !== null;
      let published = this.published.get(peer);
      if (published === undefined) {
        published = await this.store.published(peer);
        this.published.set(peer, published);
      }
      if (online === published) return;
      try {
        const version = this.rooms.version(peer);
        const rooms = await setPresenceListRooms(this.env.DB, peer, openedAt);
        if (online) this.rooms.set(peer, rooms, version);
        // presence is not news to a room nobody watches: RoomHub skips it then (see RoomHub.publish)
        await publish(this.env, rooms, { type: 'presence', peerId: peer, online });
        this.published.set(peer, online);
        this.store.setPublished(peer, online);
      } catch (err) {
        // the alarm tries again while the published state is wrong
        console.error('presence update failed', peer, err);
      }
    });
    const tail = step.finally(() => {
      if (this.chains.get(peer) === tail) this.chains.delete(peer);
    });
    this.chains.set(peer, tail);
    return tail;
  }
}
