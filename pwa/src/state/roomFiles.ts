// The catalog as the file list shows it: grouped by content like the tracker's listing. Pure.
import type { RoomFile, Source } from '../../../worker/protocol/api.ts';
import type { CatalogState, ShareEntry } from './catalog.ts';

/** Files as the listing shows them: one per content, one source per device, earliest share first. */
export function roomFiles(state: Pick<CatalogState, 'members' | 'shares'>): RoomFile[] {
  const byContent = new Map<string, ShareEntry[]>();
  for (const s of Object.values(state.shares)) {
    const list = byContent.get(s.contentId);
    if (list) list.push(s);
    else byContent.set(s.contentId, [s]);
  }
  const files: RoomFile[] = [];
  for (const [contentId, shares] of byContent) {
    shares.sort((a, b) => a.addedAt - b.addedAt || a.shareId.localeCompare(b.shareId));
    const first = shares[0]!;
    const sources: Source[] = [];
    const seen = new Set<string>();
    for (const s of shares) {
      if (seen.has(s.peerId)) continue;
      seen.add(s.peerId);
      const member = state.members[s.peerId];
      sources.push({
        peerId: s.peerId,
        name: member?.name ?? 'Unknown device',
        online: member?.online ?? false,
        shareId: s.shareId,
        fileName: s.fileName,
        path: s.path,
        addedAt: s.addedAt,
        ...(s.partial ? { partial: true } : {}),
      });
    }
    files.push({
      contentId,
      name: first.fileName,
      path: first.path,
      size: first.size,
      type: first.type,
      chunkSize: first.chunkSize,
      addedAt: first.addedAt,
      sources,
    });
  }
  return files;
}
