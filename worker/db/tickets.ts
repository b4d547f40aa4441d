// Short-lived signaling tickets, stored as hashes, each good for one socket.

export async function insertTicket(
  db: D1Database,
  hash: string,
  peerId: string,
  expiresAt: number,
  now: number,
) {
  // expired tickets are swept as new ones are issued, so the table stays small without a cron
  await db.batch([
    db.prepare('DELETE FROM tickets WHERE expires_at < ?1').bind(now),
    db
      .prepare('INSERT INTO tickets (hash, peer_id, expires_at) VALUES (?1, ?2, ?3)')
      .bind(hash, peerId, expiresAt),
  ]);
}

/**
 * The peer a valid (unexpired) ticket belongs to, or null. The ticket is used up: a ticket opens one
 * socket, so one seen in a URL (plain http, a log) cannot open another one in its owner's name.
 */
export async function takeTicket(db: D1Database, hash: string, now: number): Promise<string | null> {
  const row = await db
    .prepare('DELETE FROM tickets WHERE hash = ?1 AND expires_at > ?2 RETURNING peer_id')
    .bind(hash, now)
    .first<{ peer_id: string }>();
  return row?.peer_id ?? null;
}
