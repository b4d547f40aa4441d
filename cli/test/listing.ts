// The catalog entry a test file would have: the listing a download starts from (name file.bin, no
// sources of its own; the test connects the sources itself).
import type { RoomFile } from '../../worker/protocol/api.ts';

export function listingOf(contentId: string, size: number, chunkSize: number): RoomFile {
  return {
    contentId,
    name: 'file.bin',
    path: '',
    size,
    type: 'application/octet-stream',
    chunkSize,
    addedAt: 0,
    sources: [],
  };
}
