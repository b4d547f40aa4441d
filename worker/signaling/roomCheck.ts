// The sending hub's half of the relay rule when the destination is served by another hub: a frame
// crosses to the other object only if D1 says the two share a room, so an id that names nobody never
// wakes or creates an object. Positive answers are remembered briefly; the receiving hub checks again
// against its own current rooms, so a removal still stops signaling at once.
import { shareARoom } from '../db/rooms.ts';

const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

export class RoomCheck {
  private readonly db: D1Database;
  private readonly allowedUntil = new Map<string, number>();

  constructor(db: D1Database) {
    this.db = db;
  }

  async allowed(src: string, dst: string, now: number): Promise<boolean> {
    const key = `${src}>${dst}`;
    if ((this.allowedUntil.get(key) ?? 0) > now) return true;
    const ok = await shareARoom(this.db, src, dst);
    if (ok) {
      if (this.allowedUntil.size >= MAX_ENTRIES) this.prune(now);
      this.allowedUntil.set(key, now + TTL_MS);
    }
    return ok;
  }

  /** A membership of `src` changed: its remembered answers no longer hold. */
  forgetFrom(src: string) {
    for (const key of this.allowedUntil.keys()) if (key.startsWith(`${src}>`)) this.allowedUntil.delete(key);
  }

  prune(now: number) {
    for (const [key, until] of this.allowedUntil) if (until <= now) this.allowedUntil.delete(key);
  }
}
