// Search, filter and sort of the loaded catalog, client-side (the listing is already in memory and kept
// current by the live socket, so a round trip per keystroke would only add latency).
import type { RoomFile } from '../../../worker/protocol/api.ts';

export type SortOrder = 'newest' | 'name' | 'size';

export interface FileViewOptions {
  query: string;
  availableOnly: boolean;
  sort: SortOrder;
}

/** Lowercase, accents removed: "Élan" and "elan" match. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Every word of the query must appear in the name or the folder path, in any order. */
export function matchesQuery(file: Pick<RoomFile, 'name' | 'path'>, query: string): boolean {
  const haystack = foldText(`${file.name} ${file.path}`);
  return foldText(query)
    .split(/\s+/)
    .every((term) => haystack.includes(term));
}

export function isAvailable(file: RoomFile): boolean {
  return file.sources.some((s) => s.online);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function sortFiles(files: RoomFile[], order: SortOrder): RoomFile[] {
  const out = [...files];
  const byName = (a: RoomFile, b: RoomFile) =>
    collator.compare(a.name, b.name) ||
    collator.compare(a.path, b.path) ||
    a.contentId.localeCompare(b.contentId);
  switch (order) {
    case 'newest':
      return out.sort((a, b) => b.addedAt - a.addedAt || byName(a, b));
    case 'name':
      return out.sort(byName);
    case 'size':
      return out.sort((a, b) => b.size - a.size || byName(a, b));
  }
}

export function viewFiles(files: RoomFile[], options: FileViewOptions): RoomFile[] {
  const kept = files.filter(
    (f) => (!options.availableOnly || isAvailable(f)) && matchesQuery(f, options.query),
  );
  return sortFiles(kept, options.sort);
}
