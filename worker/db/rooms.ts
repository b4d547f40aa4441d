// Rooms and their members.

export interface RoomRow {
  id: string;
  created_at: number;
}

export interface MemberRow {
  peer_id: string;
  name: string;
  online_since: number | null;
  joined_at: number;
}

export async function insertRoom(db: D1Database, roomId: string, creatorId: string, now: number) {
  await db.batch([
    db
      .prepare('INSERT INTO rooms (id, created_by, created_at) VALUES (?1, ?2, ?3)')
      .bind(roomId, creatorId, now),
    db
      .prepare('INSERT INTO members (room_id, peer_id, joined_at) VALUES (?1, ?2, ?3)')
      .bind(roomId, creatorId, now),
  ]);
}

export function findRoom(db: D1Database, roomId: string): Promise<RoomRow | null> {
  return db.prepare('SELECT id, created_at FROM rooms WHERE id = ?1').bind(roomId).first<RoomRow>();
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
