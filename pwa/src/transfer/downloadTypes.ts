// What a download is asked for and how it can fail: shared by the download, its source links and the
// engine (its own module, so those import it without importing each other).
import { chunkCount } from '../../../worker/protocol/content.ts';
import { CONTENT_ID_PATTERN } from '../../../worker/protocol/ids.ts';
import { TRANSFER_LIMITS } from '../../../worker/protocol/transfer.ts';

export interface DownloadSpec {
  contentId: string;
  /** The room the file is listed in: named in `open`, a source serves only within it. */
  roomId: string;
  size: number;
  chunkSize: number;
  name: string;
  type: string;
}

export type DownloadErrorCode =
  | 'no_source'
  | 'source_left'
  | 'verification_failed'
  | 'not_found'
  | 'storage'
  | 'unsupported'
  /** the device has less free storage than the file needs (checked before anything is fetched) */
  | 'no_space'
  /** the source is serving others: try again shortly */
  | 'busy'
  /** the source closed an idle transfer: open it again when there is work */
  | 'idle'
  /** the source speaks another protocol version */
  | 'version'
  /** the file arrived whole and verified, but the library could not record it: it is not kept */
  | 'not_kept';

/** Why a download, or one source of it, stopped: a stable code and words for diagnostics. */
export class DownloadError extends Error {
  readonly code: DownloadErrorCode;
  constructor(code: DownloadErrorCode, message: string) {
    super(message);
    this.name = 'DownloadError';
    this.code = code;
  }
}

/** Whether the listing describes a file this protocol can move (checked before allocating anything). */
export function isTransferable(spec: Pick<DownloadSpec, 'contentId' | 'size' | 'chunkSize'>): boolean {
  const { size, chunkSize } = spec;
  return (
    // it names the partial file on disk: only ever 64 hex digits, whatever a listing says
    CONTENT_ID_PATTERN.test(spec.contentId) &&
    Number.isSafeInteger(size) &&
    size >= 0 &&
    Number.isInteger(chunkSize) &&
    chunkSize >= 1024 &&
    chunkSize <= 64 * 1024 * 1024 &&
    chunkCount(size, chunkSize) <= TRANSFER_LIMITS.maxChunkCount
  );
}

/** Plain words for each failure; never text a peer sent. */
export function messageFor(code: DownloadErrorCode): string {
  switch (code) {
    case 'no_source':
      return 'Nobody who shares this file is online right now.';
    case 'source_left':
    case 'idle':
      return 'The device sending this file went away. Retry when it is back online.';
    case 'busy':
      return 'The devices that have this file are busy sending to others. Retry in a moment.';
    case 'verification_failed':
      return 'The file that arrived did not match what was shared, so it was thrown away.';
    case 'not_found':
      return 'The device no longer shares this file.';
    case 'storage':
      return 'This device cannot store the download. Free some space and retry.';
    case 'no_space':
      return 'This file does not fit in the space this device lets the app use. Free some space and retry.';
    case 'unsupported':
      return 'This file is too large to download in pieces this small.';
    case 'version':
      return 'The device that has this file runs another version of MeshDrop. Reload both apps.';
    case 'not_kept':
      return 'The file arrived and was checked, but this device could not keep it in its library. Save it now: it is gone once the app closes.';
  }
}
