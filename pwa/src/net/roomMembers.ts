// Who is in a room, as the tracker says, for the serving side's access check (transfer/access.ts).
import { ApiError, type TrackerApi } from './api.ts';

/**
 * The member ids of a room, null when this device is not (or no longer) a member or the room is gone;
 * rejects when the tracker cannot be reached (the caller refuses, and asks again next time).
 */
export function roomMembersFrom(
  api: Pick<TrackerApi, 'getRoom'>,
): (roomId: string) => Promise<string[] | null> {
  return async (roomId) => {
    try {
      return (await api.getRoom(roomId)).members.map((m) => m.peerId);
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'not_member' || error.code === 'room_not_found'))
        return null;
      throw error;
    }
  };
}
