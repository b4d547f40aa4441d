-- The catalog. Times are Unix epoch milliseconds. Ids are server-issued random strings.

CREATE TABLE peers (
  id            TEXT PRIMARY KEY,
  secret_hash   TEXT NOT NULL UNIQUE,   -- hex SHA-256 of the bearer secret; the secret itself is never stored
  name          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  -- presence, written by the peer's signaling Durable Object: set while it holds a signaling socket
  online_since  INTEGER
);

CREATE TABLE rooms (
  id          TEXT PRIMARY KEY,
  created_by  TEXT NOT NULL REFERENCES peers(id),
  created_at  INTEGER NOT NULL
);

CREATE TABLE members (
  room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  peer_id    TEXT NOT NULL REFERENCES peers(id) ON DELETE CASCADE,
  joined_at  INTEGER NOT NULL,
  PRIMARY KEY (room_id, peer_id)
) WITHOUT ROWID;
-- "which rooms is this peer in" (signaling room checks, presence fan-out)
CREATE INDEX members_by_peer ON members(peer_id, room_id);

-- A share: peer P offers content C in room R under a name. Several shares of one content are its sources.
-- The content id is the SHA-256 root over the chunk hashes (computed by the PWA, checked by downloaders);
-- within a room every share of one content must agree on size and chunk size.
CREATE TABLE shares (
  id          TEXT NOT NULL UNIQUE,
  room_id     TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  peer_id     TEXT NOT NULL REFERENCES peers(id) ON DELETE CASCADE,
  content_id  TEXT NOT NULL,
  size        INTEGER NOT NULL CHECK (size >= 0),
  chunk_size  INTEGER NOT NULL CHECK (chunk_size > 0),
  name        TEXT NOT NULL,
  path        TEXT NOT NULL DEFAULT '',  -- relative folder path, '' for a loose file
  type        TEXT NOT NULL,
  added_at    INTEGER NOT NULL,
  -- sharing the same file twice is idempotent
  UNIQUE (room_id, peer_id, content_id, path, name)
);
-- the room listing groups by content and pages by (first added, content id)
CREATE INDEX shares_by_room_content ON shares(room_id, content_id, added_at);
CREATE INDEX shares_by_peer ON shares(peer_id, room_id);

-- name search: an external-content FTS5 index over shares, kept in step by triggers
CREATE VIRTUAL TABLE shares_fts USING fts5(
  name, path,
  content = 'shares', content_rowid = 'rowid',
  tokenize = "unicode61 remove_diacritics 2"
);
CREATE TRIGGER shares_ai AFTER INSERT ON shares BEGIN
  INSERT INTO shares_fts(rowid, name, path) VALUES (new.rowid, new.name, new.path);
END;
CREATE TRIGGER shares_ad AFTER DELETE ON shares BEGIN
  INSERT INTO shares_fts(shares_fts, rowid, name, path) VALUES ('delete', old.rowid, old.name, old.path);
END;
CREATE TRIGGER shares_au AFTER UPDATE ON shares BEGIN
  INSERT INTO shares_fts(shares_fts, rowid, name, path) VALUES ('delete', old.rowid, old.name, old.path);
  INSERT INTO shares_fts(rowid, name, path) VALUES (new.rowid, new.name, new.path);
END;

-- Short-lived signaling tickets (the `token` of the PeerJS URL and the live socket's ticket).
CREATE TABLE tickets (
  hash        TEXT PRIMARY KEY,          -- hex SHA-256 of the ticket
  peer_id     TEXT NOT NULL REFERENCES peers(id) ON DELETE CASCADE,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tickets_by_expiry ON tickets(expires_at);
