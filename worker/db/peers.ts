// Peers (device identities). Every statement is prepared with bound parameters.

export interface PeerRow {
  id: string;
  name: string;
  created_at: number;
  last_seen_at: number;
  online_since: number | null;
}

export async function insertPeer(db: D1Database, id: string, secretHash: string, name: string, now: number) {
  await db
    .prepare(
      'INSERT INTO peers (id, secret_hash, name, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?4)',
    )
    .bind(id, secretHash, name, now)
    .run();
}

export function findPeerBySecretHash(db: D1Database, secretHash: string): Promise<PeerRow | null> {
  return db
    .prepare('SELECT id, name, created_at, last_seen_at, online_since FROM peers WHERE secret_hash = ?1')
    .bind(secretHash)
    .first<PeerRow>();
}

export async function touchPeer(db: D1Database, id: string, now: number) {
  await db.prepare('UPDATE peers SET last_seen_at = ?2 WHERE id = ?1').bind(id, now).run();
}

/** A new secret: the old one stops working and every ticket of the device is void. */
export async function replaceSecret(db: D1Database, id: string, secretHash: string) {
  await db.batch([
    db.prepare('UPDATE peers SET secret_hash = ?2 WHERE id = ?1').bind(id, secretHash),
    db.prepare('DELETE FROM tickets WHERE peer_id = ?1').bind(id),
  ]);
}

/** Forgets a device: its memberships, shares, bans and tickets go with it (rooms it owns are handed over first). */
export async function deletePeer(db: D1Database, id: string) {
  await db.batch([
    db.prepare('DELETE FROM room_bans WHERE peer_id = ?1').bind(id),
    db.prepare('DELETE FROM peers WHERE id = ?1').bind(id),
  ]);
}

export async function renamePeer(db: D1Database, id: string, name: string) {
  await db.prepare('UPDATE peers SET name = ?2 WHERE id = ?1').bind(id, name).run();
}

/** Every device offline: a LAN tracker's front starts with no socket open (its relay holds them all). */
export async function clearPresence(db: D1Database) {
  await db.prepare('UPDATE peers SET online_since = NULL WHERE online_since IS NOT NULL').run();
}

/**
 * The device behind a signaling upgrade, in one round trip: whether `id` is registered, whether it is
 * online, and whether the ticket (by hash, unexpired) belongs to it. A ticket of the device is used up
 * here (one socket per ticket, so a replayed URL cannot replace its owner's socket); someone else's
 * ticket is left alone.
 */
export async function findPeerTakingTicket(
  db: D1Database,
  id: string,
  ticketHash: string | null,
  now: number,
): Promise<{ id: string; online_since: number | null; secret_hash: string; ticket_ok: number } | null> {
  const [taken, peer] = await db.batch<{ id: string; online_since: number | null; secret_hash: string }>([
    db
      .prepare('DELETE FROM tickets WHERE hash = ?2 AND peer_id = ?1 AND expires_at > ?3 RETURNING peer_id')
      .bind(id, ticketHash, now),
    db.prepare('SELECT id, online_since, secret_hash FROM peers WHERE id = ?1').bind(id),
  ]);
  const row = peer?.results?.[0];
  if (!row) return null;
  return {
    id: row.id,
    online_since: row.online_since,
    secret_hash: row.secret_hash,
    ticket_ok: (taken?.results?.length ?? 0) > 0 ? 1 : 0,
  };
}

/** Presence of many devices and the rooms each is announced in, in one round trip (a LAN front's batch). */
export async function setPresenceManyListRooms(
  db: D1Database,
  items: { peer: string; since: number | null }[],
): Promise<string[][]> {
  if (items.length === 0) return [];
  const results = await db.batch<{ room_id: string }>([
    ...items.map(({ peer, since }) =>
      db
        .prepare(
          'UPDATE peers SET online_since = ?2, last_seen_at = max(last_seen_at, coalesce(?2, 0)) WHERE id = ?1',
        )
        .bind(peer, since),
    ),
    ...items.map(({ peer }) => db.prepare('SELECT room_id FROM members WHERE peer_id = ?1').bind(peer)),
  ]);
  return results.slice(items.length).map((r) => (r.results ?? []).map((row) => row.room_id));
}

/** Presence and the rooms it is announced in, in one round trip. */
export async function setPresenceListRooms(
  db: D1Database,
  id: string,
  since: number | null,
): Promise<string[]> {
  const [, rooms] = await db.batch<{ room_id: string }>([
    db
      .prepare(
        'UPDATE peers SET online_since = ?2, last_seen_at = max(last_seen_at, coalesce(?2, 0)) WHERE id = ?1',
      )
      .bind(id, since),
    db.prepare('SELECT room_id FROM members WHERE peer_id = ?1').bind(id),
  ]);
  return (rooms?.results ?? []).map((r) => r.room_id);
}

/** The secret hashes of many devices (absent: forgotten), in one query. */
export async function secretHashesOf(db: D1Database, peers: string[]): Promise<Map<string, string>> {
  if (peers.length === 0) return new Map();
  const { results } = await db
    .prepare('SELECT id, secret_hash FROM peers WHERE id IN (SELECT value FROM json_each(?1))')
    .bind(JSON.stringify(peers))
    .all<{ id: string; secret_hash: string }>();
  return new Map(results.map((r) => [r.id, r.secret_hash]));
}

/** The rooms of many devices in one query (a LAN front's batch, up to 200), in the order asked. */
export async function listRoomsOfPeers(db: D1Database, peers: string[]): Promise<string[][]> {
  if (peers.length === 0) return [];
  const { results } = await db
    .prepare('SELECT peer_id, room_id FROM members WHERE peer_id IN (SELECT value FROM json_each(?1))')
    .bind(JSON.stringify(peers))
    .all<{ peer_id: string; room_id: string }>();
  const byPeer = new Map<string, string[]>();
  for (const { peer_id, room_id } of results) {
    const rooms = byPeer.get(peer_id);
    if (rooms) rooms.push(room_id);
    else byPeer.set(peer_id, [room_id]);
  }
  return peers.map((peer) => byPeer.get(peer) ?? []);
}
