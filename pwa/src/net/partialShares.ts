// This device listed as a partial source of the downloads it runs (issue 11), and those listings taken
// back when a download stops. Each listing is also remembered in IndexedDB with the load of the app that
// made it: a download runs only in the page that started it, and after a reload it comes back paused,
// so a listing made by an earlier load has nothing behind it (serving it answers `not_found`). The tab
// that speaks for the device withdraws those on startup (`withdrawStalePartialShares`).
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { ApiError, type TrackerApi } from './api.ts';
import { idbDelete, idbGetAll, idbPut } from './idb.ts';

/**
 * This load of the app (a reload is another one). Not `crypto.randomUUID()`: that exists only in a secure
 * context, and on a plain-http LAN origin it threw as this module loaded, so the app never started.
 */
export const PAGE_LOAD: string = [...crypto.getRandomValues(new Uint32Array(4))]
  .map((n) => n.toString(36))
  .join('-');

/** One partial listing as remembered across reloads (in the `kv` store, under `partial:<shareId>`). */
export interface PartialShareRecord {
  kind: 'partialShare';
  shareId: string;
  roomId: string;
  contentId: string;
  /** the load of the app that listed it */
  load: string;
}

const keyOf = (shareId: string) => `partial:${shareId}`;

interface Listing {
  roomId: string;
  shareId: string | null;
  state: 'listed' | 'stopped' | 'finished';
}

const GONE = new Set(['share_not_found', 'room_not_found', 'not_member', 'not_owner', 'unauthorized']);

/** Whether a failed withdrawal means the share is gone from the room already: nothing left to withdraw. */
export function isGone(error: unknown): boolean {
  return error instanceof ApiError && GONE.has(error.code);
}

export class PartialShares {
  private readonly api: TrackerApi;
  private readonly load: string;
  private readonly listings = new Map<string, Listing>();

  constructor(api: TrackerApi, load = PAGE_LOAD) {
    this.api = api;
    this.load = load;
  }

  /**
   * Lists this device in the room as a partial source of `file`. Best effort: without the listing the
   * download runs all the same, only nobody learns to ask this device for its chunks.
   */
  async list(file: RoomFile, roomId: string): Promise<void> {
    if (this.listings.has(file.contentId)) return;
    const listing: Listing = { roomId, shareId: null, state: 'listed' };
    this.listings.set(file.contentId, listing);
    const { contentId, size, name, type, chunkSize, path } = file;
    const shared = await this.api
      .createShares(roomId, [
        { contentId, size, name, type, chunkSize, ...(path ? { path } : {}), partial: true },
      ])
      .catch(() => null);
    const shareId = shared?.shares[0]?.shareId ?? null;
    listing.shareId = shareId;
    if (!shareId) return;
    if (listing.state === 'listed') {
      const record: PartialShareRecord = {
        kind: 'partialShare',
        shareId,
        roomId,
        contentId,
        load: this.load,
      };
      await idbPut('kv', record, keyOf(shareId)).catch(() => undefined); // not remembered: it goes with the device
    }
    // it stopped while the tracker was being told (finished: the share is complete now, and stays)
    if (listing.state === 'stopped') await this.withdraw(roomId, shareId);
  }

  /** The download stopped without finishing: its listing is taken back. */
  async unlist(contentId: string): Promise<void> {
    const listing = this.listings.get(contentId);
    this.listings.delete(contentId);
    if (!listing) return;
    listing.state = 'stopped';
    if (listing.shareId) await this.withdraw(listing.roomId, listing.shareId);
  }

  /** The download finished and is shared back whole: the same share, complete now (never taken back). */
  finished(contentId: string): void {
    const listing = this.listings.get(contentId);
    this.listings.delete(contentId);
    if (!listing) return;
    listing.state = 'finished';
    if (listing.shareId) void idbDelete('kv', keyOf(listing.shareId)).catch(() => undefined);
  }

  private async withdraw(roomId: string, shareId: string) {
    // not taken back now (offline): serving answers not_found, and the next load withdraws it
    const gone = await this.api.removeShare(roomId, shareId).then(
      () => true,
      (error: unknown) => isGone(error),
    );
    if (gone) await idbDelete('kv', keyOf(shareId)).catch(() => undefined);
  }
}

/**
 * Withdraws the partial listings an earlier load of the app made (their downloads do not run here). Throws
 * when the tracker is unreachable, so the caller tries again later; what is gone already is forgotten.
 */
export async function withdrawStalePartialShares(api: TrackerApi, load = PAGE_LOAD): Promise<void> {
  // without storage there is nothing remembered to withdraw (and the shares' own reconciling goes on)
  const all = await idbGetAll<Partial<PartialShareRecord>>('kv').catch(() => []);
  for (const r of all) {
    if (r?.kind !== 'partialShare' || !r.shareId || !r.roomId || r.load === load) continue;
    try {
      await api.removeShare(r.roomId, r.shareId);
    } catch (error) {
      if (!isGone(error)) throw error;
    }
    await idbDelete('kv', keyOf(r.shareId));
  }
}
