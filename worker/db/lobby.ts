// The lobby: which room it is, created on first use.

export async function findLobby(db: D1Database): Promise<string | null> {
  const row = await db.prepare('SELECT room_id FROM lobby WHERE id = 1').first<{ room_id: string }>();
  return row?.room_id ?? null;
}

/**
 * The lobby's room id, creating the room with `candidateId` if there is none yet. One transaction:
 * two devices asking at once get the same lobby, and no orphan room is left behind.
 */
export async function ensureLobby(
  db: D1Database,
  candidateId: string,
  creatorId: string,
  now: number,
): Promise<string> {
  const [, , found] = await db.batch([
    db
      .prepare(
        'INSERT INTO rooms (id, created_by, created_at) SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM lobby)',
      )
      .bind(candidateId, creatorId, now),
    db.prepare('INSERT INTO lobby (id, room_id) VALUES (1, ?1) ON CONFLICT DO NOTHING').bind(candidateId),
    db.prepare('SELECT room_id FROM lobby WHERE id = 1'),
  ]);
  const roomId = (found?.results[0] as { room_id: string } | undefined)?.room_id;
  if (!roomId) throw new Error('lobby row missing after insert');
  return roomId;
}
