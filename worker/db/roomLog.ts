// The RoomHub Durable Object's own storage (its SQLite, not D1): the room's sequence number and the
// last events, so numbering survives eviction and a socket that opens mid-publish misses nothing.

const SCHEMA = 'CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, event TEXT NOT NULL)';

/** Recent events kept for replay; older ones live only in D1's current state (clients resync). */
const KEEP = 256;

export class RoomLog {
  private readonly sql: SqlStorage;
  private readonly kv: SyncKvStorage;
  private ready = false;

  constructor(storage: DurableObjectStorage) {
    this.sql = storage.sql;
    this.kv = storage.kv;
  }

  /** The table is made on first use: a room that only ever hears unwatched presence stores nothing. */
  private table(): SqlStorage {
    if (!this.ready) {
      this.sql.exec(SCHEMA);
      this.ready = true;
    }
    return this.sql;
  }

  /** The sequence number of the last event (0 before any). */
  seq(): number {
    return this.kv.get<number>('seq') ?? 0;
  }

  /** Numbers and stores one event; `build` gets the new sequence number and returns its text. */
  append(build: (seq: number) => string): string {
    const seq = this.seq() + 1;
    const text = build(seq);
    this.kv.put('seq', seq);
    this.table().exec('INSERT INTO events (seq, event) VALUES (?1, ?2)', seq, text);
    this.table().exec('DELETE FROM events WHERE seq <= ?1', seq - KEEP);
    return text;
  }

  /** Events after `seq`, oldest first. */
  since(seq: number): string[] {
    return this.table()
      .exec<{ event: string }>('SELECT event FROM events WHERE seq > ?1 ORDER BY seq', seq)
      .toArray()
      .map((r) => r.event);
  }
}
