// Shares and the room listing. Batches pass their rows as one JSON parameter (json_each), which keeps
// every statement within D1's bound-parameter limit whatever the batch size.

export interface NewShare {
  id: string;
  contentId: string;
  size: number;
  chunkSize: number;
  name: string;
  path: string;
  type: string;
  /** a device still downloading it, serving the chunks it has (issue 11) */
  partial?: boolean;
}

export interface ShareRow {
  id: string;
  room_id: string;
  peer_id: string;
  content_id: string;
  size: number;
  chunk_size: number;
  name: string;
  path: string;
  type: string;
  added_at: number;
  /** 1: the device is still downloading it (a partial source) */
  partial: number;
}

/** Of these contents, those the device shares in the room as a partial source now. */
export async function partialContentsOf(
  db: D1Database,
  roomId: string,
  peerId: string,
  contentIds: string[],
): Promise<Set<string>> {
  const { results } = await db
    .prepare(
      `SELECT content_id FROM shares
        WHERE room_id = ?1 AND peer_id = ?2 AND partial = 1 AND content_id IN (SELECT value FROM json_each(?3))`,
    )
    .bind(roomId, peerId, JSON.stringify(contentIds))
    .all<{ content_id: string }>();
  return new Set(results.map((r) => r.content_id));
}

const SHARE_COLUMNS = [
  'id',
  'room_id',
  'peer_id',
  'content_id',
  'size',
  'chunk_size',
  'name',
  'path',
  'type',
  'added_at',
  'partial',
] as const satisfies readonly (keyof ShareRow)[];

/** A ShareRow's columns as a select list, each prefixed with `alias` (e.g. `s.`). */
const shareColumns = (alias = ''): string => SHARE_COLUMNS.map((c) => alias + c).join(', ');

/** Shares of these contents in the room whose size or chunk size disagrees with the new ones. */
export async function findConflicts(
  db: D1Database,
  roomId: string,
  files: NewShare[],
): Promise<{ contentIds: string[]; rowsRead: number }> {
  const wanted = JSON.stringify(files.map((f) => ({ c: f.contentId, s: f.size, k: f.chunkSize })));
  const { results, meta } = await db
    .prepare(
      // CROSS JOIN keeps json_each outside: each wanted content is one probe of (room_id, content_id).
      // Left to itself the planner walked every share of the room and the batch for each (100,000 x 10
      // json_extract in the room bench: seconds per request, during which D1 served nobody else).
      `SELECT DISTINCT s.content_id FROM json_each(?2) w
        CROSS JOIN shares s ON s.room_id = ?1 AND s.content_id = json_extract(w.value, '$.c')
        WHERE s.size <> json_extract(w.value, '$.s') OR s.chunk_size <> json_extract(w.value, '$.k')`,
    )
    .bind(roomId, wanted)
    .all<{ content_id: string }>();
  return { contentIds: results.map((r) => r.content_id), rowsRead: meta.rows_read ?? 0 };
}

/** How many shares the device has in the room (its quota). */
export async function countSharesOf(db: D1Database, roomId: string, peerId: string): Promise<number> {
  const row = await db
    .prepare('SELECT count(*) AS n FROM shares WHERE peer_id = ?1 AND room_id = ?2')
    .bind(peerId, roomId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Inserts the shares in one statement (atomic). A device has one share per content in a room: sharing a
 * content again (under any name) keeps the existing share, refreshing only its type (an update, so that
 * RETURNING includes the row). Returns every affected row, possibly more than
 * once; ids the caller generated tell which ones are new.
 */
export async function insertShares(
  db: D1Database,
  roomId: string,
  peerId: string,
  files: NewShare[],
  now: number,
): Promise<ShareRow[]> {
  const rows = JSON.stringify(files.map((f) => ({ ...f, partial: f.partial ? 1 : 0 })));
  // a complete share never becomes partial again; a partial one becomes complete when re-shared whole
  const { results } = await db
    .prepare(
      `INSERT INTO shares (${shareColumns()})
       SELECT json_extract(value, '$.id'), ?1, ?2, json_extract(value, '$.contentId'),
              json_extract(value, '$.size'), json_extract(value, '$.chunkSize'),
              json_extract(value, '$.name'), json_extract(value, '$.path'), json_extract(value, '$.type'), ?4,
              json_extract(value, '$.partial')
         FROM json_each(?3) WHERE true
       ON CONFLICT DO UPDATE SET type = excluded.type, partial = min(shares.partial, excluded.partial)
       RETURNING ${shareColumns()}`,
    )
    .bind(roomId, peerId, rows, now)
    .all<ShareRow>();
  return results;
}

export function findShare(db: D1Database, roomId: string, shareId: string): Promise<ShareRow | null> {
  return db
    .prepare(`SELECT ${shareColumns()} FROM shares WHERE id = ?1 AND room_id = ?2`)
    .bind(shareId, roomId)
    .first<ShareRow>();
}

export async function deleteShare(db: D1Database, shareId: string, peerId: string): Promise<boolean> {
  const result = await db
    .prepare('DELETE FROM shares WHERE id = ?1 AND peer_id = ?2')
    .bind(shareId, peerId)
    .run();
  return result.meta.changes > 0;
}

export interface ListPageQuery {
  roomId: string;
  /** An FTS5 MATCH expression built by `ftsQuery`, or null for no search. */
  match: string | null;
  onlineOnly: boolean;
  after: { addedAt: number; contentId: string } | null;
  limit: number;
}

type PageRow = { content_id: string; first_added: number };

/**
 * How many contents, newest first, a search probes before it turns to its matches instead: a common word
 * finds a page within a few hundred, a rare or old one is cheaper driven from its few matches.
 */
const SEARCH_WINDOW = 2000;

/** Statement text and its parameters, numbered in the order they are added. */
class Sql {
  readonly params: unknown[] = [];
  /** A placeholder for `value` (each call its own). */
  p(value: unknown): string {
    this.params.push(value);
    return `?${this.params.length}`;
  }
}

/** Filters on `c` (a room_contents row): after the cursor (a range of the index), and with a source online. */
function pageFilters(sql: Sql, q: ListPageQuery, after = q.after): string {
  let where = '';
  // a row value: SQLite turns it into a range of room_contents_by_age, so a deep page starts at its cursor
  // (the `?4 IS NULL OR ...` form read every row before it)
  if (after)
    where += ` AND (c.first_added, c.content_id) < (${sql.p(after.addedAt)}, ${sql.p(after.contentId)})`;
  if (q.onlineOnly) {
    where += ` AND EXISTS (SELECT 1 FROM shares o JOIN peers p ON p.id = o.peer_id
                      WHERE o.room_id = c.room_id AND o.content_id = c.content_id AND p.online_since IS NOT NULL)`;
  }
  return where;
}

const NEWEST_FIRST = 'ORDER BY c.first_added DESC, c.content_id DESC';

/**
 * One page of distinct contents in the room, newest first, keyset-paginated on (first added, content id).
 * Without a search: a range of room_contents_by_age from the cursor. A search (an FTS query already scoped
 * to the room, see lib/search.ts) first walks the newest SEARCH_WINDOW contents after the cursor and keeps
 * those with a matching share (one index probe each against the matches' rowids, which the FTS index
 * yields as one doclist walk); what it still lacks comes from the matches older than that window, joined
 * and sorted (cheap when they are few). Before, every search joined every match to its share and content
 * first. What stays proportional to the matches: reading their rowids, and the fallback for a word that
 * matches many old shares and no recent one.
 */
export async function listContentPage(
  db: D1Database,
  q: ListPageQuery,
): Promise<{ rows: PageRow[]; rowsRead: number }> {
  const roomId = q.roomId;
  if (q.match === null) {
    const sql = new Sql();
    const text = `SELECT c.content_id, c.first_added FROM room_contents c
        WHERE c.room_id = ${sql.p(roomId)}${pageFilters(sql, q)}
        ${NEWEST_FIRST} LIMIT ${sql.p(q.limit)}`;
    const { results, meta } = await db
      .prepare(text)
      .bind(...sql.params)
      .all<PageRow>();
    return { rows: results, rowsRead: meta.rows_read ?? 0 };
  }

  const walk = new Sql();
  const w = { room: walk.p(roomId), match: walk.p(q.match) };
  const windowed = `SELECT c.room_id, c.content_id, c.first_added FROM room_contents c
      WHERE c.room_id = ${w.room}${pageFilters(walk, { ...q, onlineOnly: false })}
      ${NEWEST_FIRST} LIMIT ${walk.p(SEARCH_WINDOW)}`;
  const walkText = `SELECT c.content_id, c.first_added FROM (${windowed}) c
      WHERE EXISTS (SELECT 1 FROM shares s
                     WHERE s.room_id = c.room_id AND s.content_id = c.content_id
                       AND s.rowid IN (SELECT rowid FROM shares_fts WHERE shares_fts MATCH ${w.match}))
      ${pageFilters(walk, { ...q, after: null })}
      ${NEWEST_FIRST} LIMIT ${walk.p(q.limit)}`;
  const found = await db
    .prepare(walkText)
    .bind(...walk.params)
    .all<PageRow>();
  const rows = found.results;
  let rowsRead = found.meta.rows_read ?? 0;
  if (rows.length >= q.limit) return { rows, rowsRead };

  // the rest from the matches older than the window; none when the window reached the room's oldest
  // content (its edge is then NULL, and a comparison with NULL keeps no row)
  const older = new Sql();
  const o = { room: older.p(roomId), match: older.p(q.match) };
  const edge = `SELECT c.first_added, c.content_id FROM room_contents c
       WHERE c.room_id = ${o.room}${pageFilters(older, { ...q, onlineOnly: false })}
       ${NEWEST_FIRST} LIMIT 1 OFFSET ${older.p(SEARCH_WINDOW - 1)}`;
  const olderText = `SELECT DISTINCT c.content_id, c.first_added
        FROM shares_fts f JOIN shares s ON s.rowid = f.rowid
        JOIN room_contents c ON c.room_id = s.room_id AND c.content_id = s.content_id
       WHERE shares_fts MATCH ${o.match} AND s.room_id = ${o.room}
         AND (c.first_added, c.content_id) < (${edge})${pageFilters(older, { ...q, after: null })}
       ${NEWEST_FIRST} LIMIT ${older.p(q.limit - rows.length)}`;
  const more = await db
    .prepare(olderText)
    .bind(...older.params)
    .all<PageRow>();
  rowsRead += more.meta.rows_read ?? 0;
  return { rows: [...rows, ...more.results], rowsRead };
}

export interface SourceRow extends ShareRow {
  peer_name: string;
  online_since: number | null;
  /** How many devices share this content in the room. */
  total: number;
}

/**
 * Sources of the given contents in the room: at most `perContent` each (online first, then oldest), with
 * the total. A device has one share per content, so each appears once.
 */
export async function listSources(
  db: D1Database,
  roomId: string,
  contentIds: string[],
  perContent: number,
): Promise<SourceRow[]> {
  if (contentIds.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT * FROM (
         SELECT ${shareColumns('s.')}, p.name AS peer_name, p.online_since,
                row_number() OVER (PARTITION BY s.content_id
                                   ORDER BY p.online_since IS NULL, s.added_at, s.id) AS rn,
                count(*) OVER (PARTITION BY s.content_id) AS total
           FROM shares s JOIN peers p ON p.id = s.peer_id
          WHERE s.room_id = ?1 AND s.content_id IN (SELECT value FROM json_each(?2)))
        WHERE rn <= ?3
        ORDER BY content_id, rn`,
    )
    .bind(roomId, JSON.stringify(contentIds), perContent)
    .all<SourceRow>();
  return results;
}

/** Shares a peer has in one room (used when it leaves, to announce removals). */
export async function listSharesOfPeer(db: D1Database, roomId: string, peerId: string): Promise<ShareRow[]> {
  const { results } = await db
    .prepare(`SELECT ${shareColumns()} FROM shares WHERE room_id = ?1 AND peer_id = ?2`)
    .bind(roomId, peerId)
    .all<ShareRow>();
  return results;
}
