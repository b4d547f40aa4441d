// The one way the Worker and other objects tell a room about a change.
import type { Env } from '../env.ts';
import type { RoomChange } from '../protocol/live.ts';
import { roomStub } from '../stubs.ts';

/**
 * Publishes changes (in order) to each room. Awaited by the request that made the change, so once the
 * API has answered, members have been told. A failure is logged and never fails that request: the
 * catalog in D1 is the truth, and clients resync from it.
 */
export async function publish(env: Env, roomIds: string[], ...changes: RoomChange[]): Promise<void> {
  if (changes.length === 0) return;
  await Promise.all(
    roomIds.map((roomId) =>
      roomStub(env, roomId)
        .publish(roomId, changes)
        .catch((err: unknown) => console.error('publish failed', roomId, err)),
    ),
  );
}
