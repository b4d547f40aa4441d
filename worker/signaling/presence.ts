// Presence follows the signaling socket: peers.online_since in D1 (read by the listing and `hello`) and
// a `presence` event in each of the device's rooms. Pure: where the published state is kept and how a
// change is written (D1 from a Durable Object, the tracker's internal endpoint from the LAN front) are
// ports.
import type { PeerRooms } from './peerRooms.ts';

export interface PresencePorts {
  /** The state last written and announced for `peer` (kept across restarts where the hub can). */
  published(peer: string): Promise<boolean>;
  setPublished(peer: string, online: boolean): void;
  /** Writes the change (online since `openedAt`, or offline when null); returns the device's rooms. */
  write(peer: string, openedAt: number | null): Promise<string[]>;
}

export class Presence {
  private readonly ports: PresencePorts;
  private readonly rooms: PeerRooms;
  private readonly chains = new Map<string, Promise<void>>();
  /** The published state per device, as the ports keep it (read once per device and life of the hub). */
  private readonly published = new Map<string, boolean>();

  constructor(ports: PresencePorts, rooms: PeerRooms) {
    this.ports = ports;
    this.rooms = rooms;
  }

  /**
   * Brings the catalog and the rooms in line with `since()` (when the device's current socket opened,
   * null when it has none), read when the step runs. Steps of one device run one at a time, so a close
   * and a quick reconnect never cross, and only a change from the last published state writes anything.
   * Connecting also reads the device's rooms (the same round trip), which the relay rule keeps in memory.
   */
  sync(peer: string, since: () => number | null): Promise<void> {
    const step = (this.chains.get(peer) ?? Promise.resolve()).then(async () => {
      const openedAt = since();
      const online = openedAt !== null;
      let published = this.published.get(peer);
      if (published === undefined) {
        published = await this.ports.published(peer);
        this.published.set(peer, published);
      }
      if (online === published) return;
      try {
        const version = this.rooms.version(peer);
        const rooms = await this.ports.write(peer, openedAt);
        if (online) this.rooms.set(peer, rooms, version);
        this.published.set(peer, online);
        this.ports.setPublished(peer, online);
      } catch (err) {
        // the hub's sweep tries again while the published state is wrong
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
