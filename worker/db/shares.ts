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
}

/** Shares of these contents in the room whose size or chunk size disagrees with the new ones. */
export async function findConflicts(db: D1Database, roomId: string, files: NewShare[]): Promise<string[]> {
  const wanted = JSON.stringify(files.map((f) => ({ c: f.contentId, s: f.size, k: f.chunkSize })));
  const { results } = await db
    .prepare(
      `SELECT DISTINCT s.content_id FROM shares s
         JOIN json_each(?2) w ON json_extract(w.value, '$.c') = s.content_id
        WHERE s.room_id = ?1
          AND (s.size <> json_extract(w.value, '$.s') OR s.chunk_size <> json_extract(w.value, '$.k'))`,
    )
    .bind(roomId, wanted)
    .all<{ content_id: string }>();
  return results.map((r) => r.content_id);
}

/**
 * Inserts the shares in one statement (atomic). Re-sharing an existing (content, path, name) keeps the
 * existing share. Returns every affected row; `added_at === now` tells which ones are new.
 */
export async function insertShares(
  db: D1Database,
  roomId: string,
  peerId: string,
  files: NewShare[],
  now: number,
): Promise<ShareRow[]> {
  const rows = JSON.stringify(files);
  const { results } = await db
    .prepare(
      `INSERT INTO shares (id, room_id, peer_id, content_id, size, chunk_size, name, path, type, added_at)
       SELECT json_extract(value, '$.id'), ?1, ?2, json_extract(value, '$.contentId'),
              json_extract(value, '$.size'), json_extract(value, '$.chunkSize'),
              json_extract(value, '$.name'), json_extract(value, '$.path'), json_extract(value, '$.type'), ?4
         FROM json_each(?3) WHERE true
       ON CONFLICT (room_id, peer_id, content_id, path, name) DO UPDATE SET type = excluded.type
       RETURNING id, room_id, peer_id, content_id, size, chunk_size, name, path, type, added_at`,
    )
    .bind(roomId, peerId, rows, now)
    .all<ShareRow>();
  return results;
}

export function findShare(db: D1Database, roomId: string, shareId: string): Promise<ShareRow | null> {
  return db
    .prepare(
      `SELECT id, room_id, peer_id, content_id, size, chunk_size, name, path, type, added_at
         FROM shares WHERE id = ?1 AND room_id = ?2`,
    )
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

/** One page of distinct contents in the room, newest first, keyset-paginated on (first added, content id). */
export async function listContentPage(
  db: D1Database,
  q: ListPageQuery,
): Promise<{ content_id: string; first_added: number }[]> {
  const { results } = await db
    .prepare(
      `WITH f AS (
         SELECT s.content_id, min(s.added_at) AS first_added
           FROM shares s
          WHERE s.room_id = ?1
            AND (?2 IS NULL OR s.rowid IN (SELECT rowid FROM shares_fts WHERE shares_fts MATCH ?2))
            AND (?3 = 0 OR EXISTS (SELECT 1 FROM peers p WHERE p.id = s.peer_id AND p.online_since IS NOT NULL))
          GROUP BY s.content_id)
       SELECT content_id, first_added FROM f
        WHERE ?4 IS NULL OR first_added < ?4 OR (first_added = ?4 AND content_id < ?5)
        ORDER BY first_added DESC, content_id DESC
        LIMIT ?6`,
    )
    .bind(
      q.roomId,
      q.match,
      q.onlineOnly ? 1 : 0,
      q.after?.addedAt ?? null,
      q.after?.contentId ?? null,
      q.limit,
    )
    .all<{ content_id: string; first_added: number }>();
  return results;
}

export interface SourceRow extends ShareRow {
  peer_name: string;
  online_since: number | null;
}

/** Every share (source) of the given contents in the room, oldest first. */
export async function listSources(
  db: D1Database,
  roomId: string,
  contentIds: string[],
): Promise<SourceRow[]> {
  if (contentIds.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT s.id, s.room_id, s.peer_id, s.content_id, s.size, s.chunk_size, s.name, s.path, s.type, s.added_at,
              p.name AS peer_name, p.online_since
         FROM shares s JOIN peers p ON p.id = s.peer_id
        WHERE s.room_id = ?1 AND s.content_id IN (SELECT value FROM json_each(?2))
        ORDER BY s.added_at, s.id`,
    )
    .bind(roomId, JSON.stringify(contentIds))
    .all<SourceRow>();
  return results;
}

/** Shares a peer has in one room (used when it leaves, to announce removals). */
export async function listSharesOfPeer(db: D1Database, roomId: string, peerId: string): Promise<ShareRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, room_id, peer_id, content_id, size, chunk_size, name, path, type, added_at
         FROM shares WHERE room_id = ?1 AND peer_id = ?2`,
    )
    .bind(roomId, peerId)
    .all<ShareRow>();
  return results;
}
