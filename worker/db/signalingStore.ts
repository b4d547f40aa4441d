// The PeerSocket Durable Object's own storage (its SQLite, not D1): what must survive hibernation and
// eviction. Everything is synchronous, so a handler that only touches this store runs without yielding.
// Hot values are also kept in memory: this object is the only writer, so the copy stays right, and a
// new instance (after eviction) starts empty and reads storage again. Per-message paths write nothing
// unless something changed: a write would hold outgoing messages until it is confirmed (output gate).

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS pending (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,  -- delivery order
    src        TEXT NOT NULL,
    frame      TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS contacts (peer_id TEXT PRIMARY KEY) WITHOUT ROWID;
`;

/**
 * Frames kept for a peer that is away (a connection attempt is an OFFER and a few dozen CANDIDATEs);
 * beyond this new ones are refused and their senders get EXPIRE at once.
 */
export const MAX_PENDING = 500;

export class SignalingStore {
  private readonly sql: SqlStorage;
  private readonly kv: SyncKvStorage;
  private selfId: string | null | undefined;
  private current: number | undefined;
  private readonly knownContacts = new Set<string>();

  constructor(storage: DurableObjectStorage) {
    this.sql = storage.sql;
    this.kv = storage.kv;
    this.sql.exec(SCHEMA);
  }

  /** The peer id this object serves (learnt from the first connection or delivery). */
  self(): string | null {
    if (this.selfId === undefined) this.selfId = this.kv.get<string>('self') ?? null;
    return this.selfId;
  }

  setSelf(peerId: string) {
    if (this.self() === peerId) return;
    this.kv.put('self', peerId);
    this.selfId = peerId;
  }

  /** The number of the socket that speaks for the peer now; 0 when none does. */
  currentConn(): number {
    if (this.current === undefined) this.current = this.kv.get<number>('current') ?? 0;
    return this.current;
  }

  /** Opens a new connection number and makes it the current one. */
  nextConn(): number {
    const conn = (this.kv.get<number>('lastConn') ?? 0) + 1;
    this.kv.put('lastConn', conn);
    this.kv.put('current', conn);
    this.current = conn;
    return conn;
  }

  clearCurrent() {
    this.kv.put('current', 0);
    this.current = 0;
  }

  /** The presence last written to D1 and announced to the rooms. */
  published(): boolean {
    return this.kv.get<boolean>('published') ?? false;
  }

  setPublished(online: boolean) {
    this.kv.put('published', online);
  }

  enqueue(src: string, frames: string[], expiresAt: number): number {
    const { n } = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM pending').one();
    const room = Math.max(0, MAX_PENDING - n);
    for (const f of frames.slice(0, room)) {
      this.sql.exec('INSERT INTO pending (src, frame, expires_at) VALUES (?1, ?2, ?3)', src, f, expiresAt);
    }
    return Math.min(room, frames.length);
  }

  /** Removes and returns every queued frame, oldest first. */
  takePending(): string[] {
    const rows = this.sql.exec<{ frame: string }>('SELECT frame FROM pending ORDER BY seq').toArray();
    this.sql.exec('DELETE FROM pending');
    return rows.map((r) => r.frame);
  }

  queued(): { src: string; expiresAt: number }[] {
    return this.sql
      .exec<{ src: string; expires_at: number }>(
        'SELECT src, min(expires_at) AS expires_at FROM pending GROUP BY src',
      )
      .toArray()
      .map((r) => ({ src: r.src, expiresAt: r.expires_at }));
  }

  /** Forgets everything queued from these senders (they are told once, not per message). */
  dropFrom(srcs: string[]) {
    for (const src of srcs) this.sql.exec('DELETE FROM pending WHERE src = ?1', src);
  }

  nextExpiry(): number | null {
    return this.sql.exec<{ t: number | null }>('SELECT min(expires_at) AS t FROM pending').one().t;
  }

  addContact(peerId: string) {
    if (this.knownContacts.has(peerId)) return;
    this.sql.exec('INSERT INTO contacts (peer_id) VALUES (?1) ON CONFLICT DO NOTHING', peerId);
    this.knownContacts.add(peerId);
  }

  dropContact(peerId: string) {
    this.sql.exec('DELETE FROM contacts WHERE peer_id = ?1', peerId);
    this.knownContacts.delete(peerId);
  }

  /** Removes and returns the peers this one exchanged signaling with. */
  takeContacts(): string[] {
    const rows = this.sql.exec<{ peer_id: string }>('SELECT peer_id FROM contacts').toArray();
    this.sql.exec('DELETE FROM contacts');
    this.knownContacts.clear();
    return rows.map((r) => r.peer_id);
  }
}
