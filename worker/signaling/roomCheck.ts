// The relay rule: two peers may signal each other only while they share a room.
import { shareARoom } from '../db/rooms.ts';

/** Positive answers are remembered this long; negative ones never, so a fresh join works at once. */
const TTL_MS = 30_000;

export class RoomCheck {
  private readonly db: D1Database;
  private readonly allowedUntil = new Map<string, number>();

  constructor(db: D1Database) {
    this.db = db;
  }

  async allowed(self: string, dst: string, now: number): Promise<boolean> {
    if ((this.allowedUntil.get(dst) ?? 0) > now) return true;
    const ok = await shareARoom(this.db, self, dst);
    if (ok) this.allowedUntil.set(dst, now + TTL_MS);
    return ok;
  }
}
