-- Who may get in, and a listing whose cost does not depend on how the shares were made (issue 10).
-- Independent of the other migrations: it only touches tables of 0001.

-- The room link carries an invite secret (in the URL fragment); the tracker keeps only its SHA-256.
-- Rotating it replaces the hash: the old link stops working, members stay. NULL: a room made before
-- invites (or one that is joined another way, such as a LAN lobby): joinable by its id alone until its
-- owner rotates the link. `created_by` is the room's owner: its creator, or who took over when it left.
ALTER TABLE rooms ADD COLUMN invite_hash TEXT;

-- A device the owner removed from a room cannot join it again, whatever link it holds.
CREATE TABLE room_bans (
  room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  peer_id    TEXT NOT NULL,
  banned_at  INTEGER NOT NULL,
  PRIMARY KEY (room_id, peer_id)
) WITHOUT ROWID;

-- One share per device per content in a room: sharing a content again under another name returns the
-- existing share, so a listing entry has at most one source per member. Older duplicates go (the oldest
-- share of each content stays).
DELETE FROM shares WHERE rowid NOT IN (
  SELECT min(rowid) FROM shares GROUP BY room_id, peer_id, content_id
);
CREATE UNIQUE INDEX shares_one_per_peer ON shares(room_id, peer_id, content_id);

-- The room listing pages over distinct contents: kept here by triggers, so a page is an index range
-- whatever the number of shares (before: every page grouped all of the room's shares).
CREATE TABLE room_contents (
  room_id      TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  content_id   TEXT NOT NULL,
  first_added  INTEGER NOT NULL,
  PRIMARY KEY (room_id, content_id)
) WITHOUT ROWID;
CREATE INDEX room_contents_by_age ON room_contents(room_id, first_added, content_id);
INSERT INTO room_contents (room_id, content_id, first_added)
  SELECT room_id, content_id, min(added_at) FROM shares GROUP BY room_id, content_id;

CREATE TRIGGER shares_contents_ai AFTER INSERT ON shares BEGIN
  INSERT INTO room_contents (room_id, content_id, first_added) VALUES (new.room_id, new.content_id, new.added_at)
    ON CONFLICT (room_id, content_id) DO UPDATE SET first_added = min(first_added, excluded.first_added);
END;
CREATE TRIGGER shares_contents_ad AFTER DELETE ON shares BEGIN
  DELETE FROM room_contents WHERE room_id = old.room_id AND content_id = old.content_id
    AND NOT EXISTS (SELECT 1 FROM shares WHERE room_id = old.room_id AND content_id = old.content_id);
  UPDATE room_contents
     SET first_added = (SELECT min(added_at) FROM shares WHERE room_id = old.room_id AND content_id = old.content_id)
   WHERE room_id = old.room_id AND content_id = old.content_id;
END;

-- Search scoped to the room inside the index: the room id is a column of the FTS table, so a query in
-- one room never walks another room's matches (before: the match ran over every room's shares first).
DROP TRIGGER shares_ai;
DROP TRIGGER shares_ad;
DROP TRIGGER shares_au;
DROP TABLE shares_fts;
CREATE VIRTUAL TABLE shares_fts USING fts5(
  room_id, name, path,
  content = 'shares', content_rowid = 'rowid',
  tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO shares_fts(shares_fts) VALUES ('rebuild');
CREATE TRIGGER shares_ai AFTER INSERT ON shares BEGIN
  INSERT INTO shares_fts(rowid, room_id, name, path) VALUES (new.rowid, new.room_id, new.name, new.path);
END;
CREATE TRIGGER shares_ad AFTER DELETE ON shares BEGIN
  INSERT INTO shares_fts(shares_fts, rowid, room_id, name, path)
    VALUES ('delete', old.rowid, old.room_id, old.name, old.path);
END;
CREATE TRIGGER shares_au AFTER UPDATE ON shares BEGIN
  INSERT INTO shares_fts(shares_fts, rowid, room_id, name, path)
    VALUES ('delete', old.rowid, old.room_id, old.name, old.path);
  INSERT INTO shares_fts(rowid, room_id, name, path) VALUES (new.rowid, new.room_id, new.name, new.path);
END;
