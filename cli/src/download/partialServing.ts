// `get` serves what it has verified while it downloads (issue 11), like the app: the chunks this run
// verified and wrote (not those resumed from an earlier run: they are checked again only at the end),
// only in the room the file is downloaded from, to its members, and only while the download runs. The
// device is listed in the room as a partial source once the manifest is proved, and the listing is taken
// back when the download stops (this command does not stay to serve the finished file).

import type { Download } from '../../../pwa/src/transfer/download.ts';
import { HaveMap } from '../../../pwa/src/transfer/haveMap.ts';
import { isServable, partialFileOf } from '../../../pwa/src/transfer/partialSource.ts';
import type { ServedFile } from '../../../pwa/src/transfer/server.ts';
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { chunkCount } from '../../../worker/protocol/content.ts';
import type { DiskChunkStore } from '../files/diskStore.ts';

/** What listing needs of the tracker (TrackerSession's api, through its retrying `call`). */
export interface PartialLister {
  list(roomId: string, file: RoomFile): Promise<string | null>;
  unlist(roomId: string, shareId: string): Promise<void>;
}

interface Running {
  download: Download;
  store: DiskChunkStore;
  file: RoomFile;
  roomId: string;
  /** chunks verified and written by this run */
  fresh: HaveMap;
}

export class PartialServing {
  private readonly lister: PartialLister;
  private current: Running | null = null;

  constructor(lister: PartialLister) {
    this.lister = lister;
  }

  /** Rooms with a download running here (for the access check). */
  rooms(): ReadonlySet<string> {
    return new Set(this.current ? [this.current.roomId] : []);
  }

  /** The room a running, servable download of `contentId` comes from. */
  roomsOf(contentId: string): ReadonlySet<string> {
    const c = this.current;
    return new Set(c && c.file.contentId === contentId && this.file(contentId) ? [c.roomId] : []);
  }

  /** The running download of `contentId` as a partial file, or null. */
  file(contentId: string): ServedFile | null {
    const c = this.current;
    if (!c || c.file.contentId !== contentId) return null;
    return partialFileOf(c.download, c.store, c.fresh);
  }

  /**
   * Serves `download` (not started yet) while it runs and lists it once its manifest is proved. The
   * returned function ends that (and takes the listing back); call it when the download is over.
   */
  begin(download: Download, store: DiskChunkStore, file: RoomFile, roomId: string): () => Promise<void> {
    const fresh = new HaveMap(chunkCount(file.size, file.chunkSize));
    const running: Running = { download, store, file, roomId, fresh };
    this.current = running;
    const stopHaves = download.onHave((i) => fresh.add(i));
    let listing: Promise<string | null> | null = null;
    const stopChanges = download.onChange((s) => {
      if (listing || !isServable(s.state) || !this.file(file.contentId)) return;
      listing = this.lister.list(roomId, file).catch(() => null);
    });
    return async () => {
      stopHaves();
      stopChanges();
      if (this.current === running) this.current = null;
      const shareId = await listing;
      if (shareId) await this.lister.unlist(roomId, shareId).catch(() => undefined);
    };
  }
}

/**
 * This device's partial listings in a room's files: left by a `get` that could not take them back (killed,
 * crashed, the machine slept). Only one process speaks for a device at a time (DeviceLock), and the one
 * asking holds the lock, so none of them has a download behind it.
 */
export function stalePartialShares(files: readonly RoomFile[], me: string): string[] {
  return files.flatMap((f) => f.sources.filter((s) => s.peerId === me && s.partial).map((s) => s.shareId));
}
