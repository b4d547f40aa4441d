// Rooms opened on this device before, newest first.
import { useEffect, useState } from 'react';
import { forgetRoom, listRecentRooms, type RecentRoom } from '../net/recentRooms.ts';
import { formatRelative } from '../state/format.ts';
import { AppLink } from './AppLink.tsx';
import { useNow } from './hooks/useNow.ts';
import { roomPath } from './router.ts';

export function roomTitle(room: Pick<RecentRoom, 'roomId' | 'memberNames'>): string {
  if (room.memberNames.length === 0) return `Room ${room.roomId.slice(0, 6)}`;
  const names = room.memberNames.slice(0, 3).join(', ');
  return room.memberNames.length > 3
    ? `With ${names} and ${room.memberNames.length - 3} more`
    : `With ${names}`;
}

export function useRecentRooms(): RecentRoom[] | null {
  const [rooms, setRooms] = useState<RecentRoom[] | null>(null);
  useEffect(() => {
    listRecentRooms()
      .then(setRooms)
      .catch(() => setRooms([]));
  }, []);
  return rooms;
}

export function RecentRooms() {
  const loaded = useRecentRooms();
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const now = useNow();
  const rooms = loaded?.filter((r) => !hidden.has(r.roomId));
  if (!rooms) return null;
  return (
    <section className="panel" aria-labelledby="recent-rooms-title">
      <h2 id="recent-rooms-title">Your rooms</h2>
      {rooms.length === 0 ? (
        <p className="muted">Rooms you create or join show up here.</p>
      ) : (
        <ul className="room-list">
          {rooms.map((room) => (
            <li key={room.roomId}>
              <AppLink to={roomPath(room.roomId)}>
                <span className="room-title">{roomTitle(room)}</span>
                <span className="muted">
                  {room.fileCount === 1 ? '1 file' : `${room.fileCount} files`} · opened{' '}
                  {formatRelative(room.lastOpenedAt, now)}
                </span>
              </AppLink>
              <button
                type="button"
                className="link-button"
                aria-label={`Remove ${roomTitle(room)} from this list`}
                onClick={() => {
                  void forgetRoom(room.roomId);
                  setHidden((h) => new Set(h).add(room.roomId));
                }}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
