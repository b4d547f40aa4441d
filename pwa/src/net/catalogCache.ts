// The last known catalog of each room, so a room opens with its files even with no network.
import type { CatalogSnapshot } from '../state/catalog.ts';
import { idbGet, idbPut } from './idb.ts';

export function loadCatalog(roomId: string): Promise<CatalogSnapshot | undefined> {
  return idbGet<CatalogSnapshot>('catalogs', roomId);
}

export function saveCatalog(snapshot: CatalogSnapshot): Promise<void> {
  return idbPut('catalogs', snapshot);
}
