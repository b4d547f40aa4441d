-- The LAN lobby: one room that every device on a tracker with the lobby on may join without a link.
-- The lobby is an ordinary room (members, shares, live events, signaling rules all apply); this
-- singleton row says which room it is. Joining it goes through POST /api/lobby, never through a room
-- link or invite. Independent of other migrations: it only adds a table.
CREATE TABLE lobby (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  room_id  TEXT NOT NULL UNIQUE REFERENCES rooms(id) ON DELETE CASCADE
);
