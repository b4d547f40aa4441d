// THE seam for the transfer engine: every "Download" button in the app ends up here, with the file the
// user picked (content id, size, chunk size and its sources with their peer ids and online flags).
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { notify } from './notify.ts';

export type DownloadHandler = (file: RoomFile) => void;

export const downloadFile: DownloadHandler = (_file) => {
  notify('Downloads arrive in the next version.');
};
