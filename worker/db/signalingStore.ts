// A signaling hub's own storage (its SQLite, not D1): what must survive hibernation and eviction, per
// device the hub serves. Hot paths write nothing: frames are only stored for a device that is away, and
// contacts and presence marks are written unconfirmed, because a confirmed write would hold every outgoing
// message of the hub until it is on disk (output gate). Losing one of them in a crash costs a LEAVE
// notice or a presence repair that the alarm makes anyway.

import { SIGNALING_LIMITS } from '../protocol/signaling.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS pending_frames (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,  -- delivery order
    dst        TEXT NOT NULL,
    src        TEXT NOT NULL,
    frame      TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS pending_by_dst ON pending_frames(dst, seq);
`;

export const MAX_PENDING = SIGNALING_LIMITS.maxPending;

const contactKey = (peer: string, contact: string) => `c:${peer}:${contact}`;
const presenceKey = (peer: string) => `p:${peer}`;
const UNCONFIRMED = { allowUnconfirmed: true } as const;

export class SignalingStore {
  private readonly storage: DurableObjectStorage;
  private readonly sql: SqlStorage;
  /** Devices with frames waiting (a cache, so delivery to a present device never reads storage). */
  private waiting: Set<string> | undefined;

  constructor(storage: DurableObjectStorage) {
    this.storage = storage;
    this.sql = storage.sql;
    this.sql.exec(SCHEMA);
  }

  enqueue(dst: string, src: string, frames: string[], expiresAt: number): number {
    const { n } = this.sql
      .exec<{ n: number }>('SELECT count(*) AS n FROM pending_frames WHERE dst = ?1', dst)
      .one();
    const room = Math.max(0, MAX_PENDING - n);
    for (const f of frames.slice(0, room)) {
      this.sql.exec(
        'INSERT INTO pending_frames (dst, src, frame, expires_at) VALUES (?1, ?2, ?3, ?4)',
        dst,
        src,
        f,
        expiresAt,
      );
    }
    this.waitingSet().add(dst);
    return Math.min(room, frames.length);
  }

  /** Removes and returns every frame queued for `dst`, oldest first. */
  takePending(dst: string): string[] {
    if (!this.waitingSet().has(dst)) return [];
    const rows = this.sql
      .exec<{ frame: string }>('SELECT frame FROM pending_frames WHERE dst = ?1 ORDER BY seq', dst)
      .toArray();
    this.sql.exec('DELETE FROM pending_frames WHERE dst = ?1', dst);
    this.waitingSet().delete(dst);
    return rows.map((r) => r.frame);
  }

  /** Frames queued for `dst` (tests and the queue cap). */
  pendingCount(dst: string): number {
    return this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM pending_frames WHERE dst = ?1', dst).one()
      .n;
  }

  /** Pairs (dst, src) whose oldest waiting frame expired by `now`; their frames are dropped. */
  takeExpired(now: number): { dst: string; src: string }[] {
    const rows = this.sql
      .exec<{ dst: string; src: string }>(
        'SELECT DISTINCT dst, src FROM pending_frames WHERE expires_at <= ?1',
        now,
      )
      .toArray();
    for (const { dst, src } of rows) {
      this.sql.exec('DELETE FROM pending_frames WHERE dst = ?1 AND src = ?2', dst, src);
    }
    if (rows.length > 0) this.waiting = undefined;
    return rows.map((r) => ({ dst: r.dst, src: r.src }));
  }

  nextExpiry(): number | null {
    return this.sql.exec<{ t: number | null }>('SELECT min(expires_at) AS t FROM pending_frames').one().t;
  }

  private waitingSet(): Set<string> {
    this.waiting ??= new Set(
      this.sql
        .exec<{ dst: string }>('SELECT DISTINCT dst FROM pending_frames')
        .toArray()
        .map((r) => r.dst),
    );
    return this.waiting;
  }

  addContact(peer: string, contact: string) {
    void this.storage.put(contactKey(peer, contact), 1, UNCONFIRMED);
  }

  dropContact(peer: string, contact: string) {
    void this.storage.delete(contactKey(peer, contact), UNCONFIRMED);
  }

  async listContacts(peer: string): Promise<string[]> {
    const prefix = contactKey(peer, '');
    return [...(await this.storage.list({ prefix })).keys()].map((k) => k.slice(prefix.length));
  }

  /** Removes and returns the devices `peer` exchanged signaling with. */
  async takeContacts(peer: string): Promise<string[]> {
    const prefix = contactKey(peer, '');
    const keys = [...(await this.storage.list({ prefix })).keys()];
    if (keys.length > 0) await this.storage.delete(keys, UNCONFIRMED);
    return keys.map((k) => k.slice(prefix.length));
  }

  /** The presence last written to D1 and announced for `peer`. */
  async published(peer: string): Promise<boolean> {
    return (await this.storage.get<boolean>(presenceKey(peer))) === true;
  }

  setPublished(peer: string, online: boolean) {
    if (online) void this.storage.put(presenceKey(peer), true, UNCONFIRMED);
    else void this.storage.delete(presenceKey(peer), UNCONFIRMED);
  }

  /** Devices announced online here (the alarm puts them right when their socket is gone). */
  async publishedPeers(): Promise<string[]> {
    const prefix = presenceKey('');
    return [...(await this.storage.list({ prefix })).keys()].map((k) => k.slice(prefix.length));
  }
}
