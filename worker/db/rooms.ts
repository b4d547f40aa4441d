// Rooms and their members.

export interface RoomRow {
  id: string;
  created_at: number;
  /** The owner: the creator, or the member that took over when it left. */
  created_by: string;
  invite_hash: string | null;
}

export interface MemberRow {
  peer_id: string;
  name: string;
  online_since: number | null;
  joined_at: number;
}

export async function insertRoom(
  db: D1Database,
  roomId: string,
  creatorId: string,
  now: number,
  inviteHash: string | null = null,
) {
  await db.batch([
    db
      .prepare('INSERT INTO rooms (id, created_by, created_at, invite_hash) VALUES (?1, ?2, ?3, ?4)')
      .bind(roomId, creatorId, now, inviteHash),
    db
      .prepare('INSERT INTO members (room_id, peer_id, joined_at) VALUES (?1, ?2, ?3)')
      .bind(roomId, creatorId, now),
  ]);
}

export function findRoom(db: D1Database, roomId: string): Promise<RoomRow | null> {
  return db
    .prepare('SELECT id, created_at, created_by, invite_hash FROM rooms WHERE id = ?1')
    .bind(roomId)
    .first<RoomRow>();
}

export async function setInviteHash(db: D1Database, roomId: string, inviteHash: string) {
  await db.prepare('UPDATE rooms SET invite_hash = ?2 WHERE id = ?1').bind(roomId, inviteHash).run();
}

/** Rooms a device owns and how many rooms it is a member of (the per-device quotas). */
export async function countRoomsOf(
  db: D1Database,
  peerId: string,
): Promise<{ owned: number; member: number }> {
  const row = await db
    .prepare(
      `SELECT (SELECT count(*) FROM rooms WHERE created_by = ?1) AS owned,
              (SELECT count(*) FROM members WHERE peer_id = ?1) AS member`,
    )
    .bind(peerId)
    .first<{ owned: number; member: number }>();
  return row ?? { owned: 0, member: 0 };
}

export async function isBanned(db: D1Database, roomId: string, peerId: string): Promise<boolean> {
  const row = await db
    .prepare('SELECT 1 AS ok FROM room_bans WHERE room_id = ?1 AND peer_id = ?2')
    .bind(roomId, peerId)
    .first<{ ok: number }>();
  return row !== null;
}

/** The owner removes a member: its shares go, it is banned from coming back. False: it was no member. */
export async function banMember(
  db: D1Database,
  roomId: string,
  peerId: string,
  now: number,
): Promise<boolean> {
  const [, removed] = await db.batch([
    db.prepare('DELETE FROM shares WHERE room_id = ?1 AND peer_id = ?2').bind(roomId, peerId),
    db.prepare('DELETE FROM members WHERE room_id = ?1 AND peer_id = ?2').bind(roomId, peerId),
    db
      .prepare(
        'INSERT INTO room_bans (room_id, peer_id, banned_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING',
      )
      .bind(roomId, peerId, now),
  ]);
  return (removed?.meta.changes ?? 0) > 0;
}

/**
 * The owner is leaving (or forgotten): the longest-standing other member takes the room over. Returns the
 * new owner, or null when nobody else is in it (then the room goes, if `dropIfEmpty`).
 */
export async function handOver(
  db: D1Database,
  roomId: string,
  leaving: string,
  dropIfEmpty: boolean,
): Promise<string | null> {
  const next = await db
    .prepare(
      `SELECT peer_id FROM members WHERE room_id = ?1 AND peer_id <> ?2 ORDER BY joined_at, peer_id LIMIT 1`,
    )
    .bind(roomId, leaving)
    .first<{ peer_id: string }>();
  if (next) {
    await db
      .prepare('UPDATE rooms SET created_by = ?3 WHERE id = ?1 AND created_by = ?2')
      .bind(roomId, leaving, next.peer_id)
      .run();
    return next.peer_id;
  }
  if (dropIfEmpty) await db.prepare('DELETE FROM rooms WHERE id = ?1').bind(roomId).run();
  return null;
}

export async function isMember(db: D1Database, roomId: string, peerId: string): Promise<boolean> {
  const row = await db
    .prepare('SELECT 1 AS ok FROM members WHERE room_id = ?1 AND peer_id = ?2')
    .bind(roomId, peerId)
    .first<{ ok: number }>();
  return row !== null;
}

/** Adds the member; returns false when it already was one. */
export async function addMember(
  db: D1Database,
  roomId: string,
  peerId: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .prepare('INSERT INTO members (room_id, peer_id, joined_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING')
    .bind(roomId, peerId, now)
    .run();
  return result.meta.changes > 0;
}

/** Removes the member and everything it shares in the room; returns false when it was not a member. */
export async function removeMember(db: D1Database, roomId: string, peerId: string): Promise<boolean> {
  const [, removed] = await db.batch([
    db.prepare('DELETE FROM shares WHERE room_id = ?1 AND peer_id = ?2').bind(roomId, peerId),
    db.prepare('DELETE FROM members WHERE room_id = ?1 AND peer_id = ?2').bind(roomId, peerId),
  ]);
  return (removed?.meta.changes ?? 0) > 0;
}

export async function listMembers(db: D1Database, roomId: string): Promise<MemberRow[]> {
  const { results } = await db
    .prepare(
      `SELECT m.peer_id, p.name, p.online_since, m.joined_at
         FROM members m JOIN peers p ON p.id = m.peer_id
        WHERE m.room_id = ?1
        ORDER BY m.joined_at, m.peer_id`,
    )
    .bind(roomId)
    .all<MemberRow>();
  return results;
}

export async function listRoomsOwnedBy(db: D1Database, peerId: string): Promise<string[]> {
  const { results } = await db
    .prepare('SELECT id FROM rooms WHERE created_by = ?1')
    .bind(peerId)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

export async function listRoomsOfPeer(db: D1Database, peerId: string): Promise<string[]> {
  const { results } = await db
    .prepare('SELECT room_id FROM members WHERE peer_id = ?1')
    .bind(peerId)
    .all<{ room_id: string }>();
  return results.map((r) => r.room_id);
}

/** Whether two peers are members of at least one common room: the rule for relaying signaling. */
export async function shareARoom(db: D1Database, a: string, b: string): Promise<boolean> {
  const row = await db
    .prepare(
      `SELECT 1 AS ok FROM members m1 JOIN members m2 ON m2.room_id = m1.room_id
        WHERE m1.peer_id = ?1 AND m2.peer_id = ?2 LIMIT 1`,
    )
    .bind(a, b)
    .first<{ ok: number }>();
  return row !== null;
}
