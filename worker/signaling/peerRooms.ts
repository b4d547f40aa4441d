// Which rooms each device served by a hub is in, kept in memory so that the relay rule ("two devices may
// signal each other only while they share a room") costs no D1 read per message. Filled when a device
// connects (presence reads its rooms anyway) or on first need; dropped when the tracker says a membership
// changed (join, leave, removal), so a removal stops signaling at once. A version per device keeps a
// load that raced with such a change from putting the old rooms back. What is remembered is read again
// after ROOMS_TTL_MS, so a notice that never arrived (the tracker restarting, a failed call) leaves a
// stale "yes" for at most that long.

/** How long remembered rooms are trusted without a notice. */
export const ROOMS_TTL_MS = 60_000;

export class PeerRooms {
  private readonly rooms = new Map<string, { rooms: Set<string>; at: number }>();
  private readonly versions = new Map<string, number>();
  private readonly fetchRooms: (peer: string) => Promise<string[]>;
  private readonly now: () => number;

  constructor(fetchRooms: (peer: string) => Promise<string[]>, now: () => number = Date.now) {
    this.fetchRooms = fetchRooms;
    this.now = now;
  }

  get(peer: string): Set<string> | undefined {
    const kept = this.rooms.get(peer);
    if (!kept) return undefined;
    if (this.now() - kept.at <= ROOMS_TTL_MS) return kept.rooms;
    this.rooms.delete(peer);
    return undefined;
  }

  version(peer: string): number {
    return this.versions.get(peer) ?? 0;
  }

  /** Stores rooms read from D1, unless a change was announced since the read started. */
  set(peer: string, rooms: string[], readAtVersion: number) {
    if (this.version(peer) === readAtVersion) this.rooms.set(peer, { rooms: new Set(rooms), at: this.now() });
  }

  /**
   * The device's rooms, from memory or D1 (`fresh`). A device in no room is not remembered, so ids that
   * name nobody cannot fill memory.
   */
  async load(peer: string): Promise<{ rooms: Set<string>; fresh: boolean }> {
    const known = this.get(peer);
    if (known) return { rooms: known, fresh: false };
    const v = this.version(peer);
    const rooms = await this.fetchRooms(peer);
    if (rooms.length > 0) this.set(peer, rooms, v);
    return { rooms: new Set(rooms), fresh: true };
  }

  /** A membership of `peer` changed: forget what was known. */
  invalidate(peer: string) {
    this.rooms.delete(peer);
    this.versions.set(peer, this.version(peer) + 1);
  }

  /** Keeps only the devices `keep` says are worth it (connected here); versions stay. */
  prune(keep: (peer: string) => boolean) {
    for (const peer of this.rooms.keys()) if (!keep(peer)) this.rooms.delete(peer);
  }

  /** true/false when both are known, undefined when either must be read first. */
  check(a: string, b: string): boolean | undefined {
    const ra = this.get(a);
    const rb = this.get(b);
    if (!ra || !rb) return undefined;
    return intersects(ra, rb);
  }
}

export function intersects(a: Iterable<string>, b: Set<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}
