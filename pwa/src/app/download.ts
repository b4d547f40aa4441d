// THE seam between the app and the transfer engine: every "Download" button ends up here, with the file
// the user picked (content id, size, chunk size and its sources) and the room it is listed in.
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { askNotificationPermission, transferEngine } from '../net/transfers.ts';

export type DownloadHandler = (file: RoomFile) => void;

export function downloadFile(file: RoomFile, roomId: string): void {
  askNotificationPermission();
  transferEngine().download(file, roomId);
}
