// "Stop sharing": stop serving at once, then withdraw this device's shares of the file from the room.
// While the tracker is unreachable the withdrawal waits and goes out by itself when it is back.
import { ApiError, isOffline, type TrackerApi } from './api.ts';
import { Retrier } from './backoff.ts';
import { bestEffort } from './bestEffort.ts';
import { onBrowserOnline } from './online.ts';
import { deleteShareRecord, type SharedFiles } from './sharedFiles.ts';

export async function stopSharing(
  api: Pick<TrackerApi, 'removeShare'>,
  sharedFiles: SharedFiles,
  roomId: string,
  shareIds: string[],
  onWaiting: () => void = () => {},
): Promise<void> {
  // nobody gets these bytes from here any more, whatever the tracker still lists
  for (const shareId of shareIds) sharedFiles.removeShare(shareId);
  const retrier = new Retrier({ baseMs: 1000, maxMs: 30_000 });
  const off = onBrowserOnline(() => retrier.wake());
  try {
    for (const shareId of shareIds) {
      for (;;) {
        try {
          await api.removeShare(roomId, shareId);
          break;
        } catch (error) {
          // already gone is what we wanted
          if (error instanceof ApiError && error.code === 'share_not_found') break;
          if (!isOffline(error)) throw error;
          onWaiting();
          await retrier.wait();
        }
      }
      await deleteShareRecord(shareId).catch(bestEffort('forgetting the stopped share'));
    }
  } finally {
    off();
  }
}
