// Presence follows the signaling socket: peers.online_since in D1 (read by the listing and `hello`) and
// a `presence` event in each of the peer's rooms.
import { setPeerOnline } from '../db/peers.ts';
import { listRoomsOfPeer } from '../db/rooms.ts';
import type { SignalingStore } from '../db/signalingStore.ts';
import type { Env } from '../env.ts';
import { publish } from '../rooms/publish.ts';

export class Presence {
  private readonly env: Env;
  private readonly store: SignalingStore;
  private chain: Promise<void> = Promise.resolve();

  constructor(env: Env, store: SignalingStore) {
    this.env = env;
    this.store = store;
  }

  /**
   * Brings D1 and the rooms in line with `since()` (when the current socket opened, null when there is
   * none), read when the step runs. Steps run one at a time, so a close and a quick reconnect never
   * cross, and only a change from the last published state (in storage) writes anything.
   */
  sync(since: () => number | null): Promise<void> {
    this.chain = this.chain.then(async () => {
      const self = this.store.self();
      const openedAt = since();
      const online = openedAt !== null;
      if (!self || online === this.store.published()) return;
      try {
        await setPeerOnline(this.env.DB, self, openedAt);
        const rooms = await listRoomsOfPeer(this.env.DB, self);
        await publish(this.env, rooms, { type: 'presence', peerId: self, online });
        this.store.setPublished(online);
      } catch (err) {
        // the alarm tries again while the published state is wrong
        console.error('presence update failed', self, err);
      }
    });
    return this.chain;
  }
}
