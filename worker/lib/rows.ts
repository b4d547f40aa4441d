// Row -> API shape mappers shared by several routes.
import type { MemberRow } from '../db/rooms.ts';
import type { ShareRow } from '../db/shares.ts';
import type { Member } from '../protocol/api.ts';
import type { SharedFile } from '../protocol/live.ts';

export function toMember(row: MemberRow): Member {
  return { peerId: row.peer_id, name: row.name, online: row.online_since !== null, joinedAt: row.joined_at };
}

export function toSharedFile(row: ShareRow, peerName: string): SharedFile {
  return {
    shareId: row.id,
    contentId: row.content_id,
    peerId: row.peer_id,
    peerName,
    name: row.name,
    path: row.path,
    size: row.size,
    type: row.type,
    chunkSize: row.chunk_size,
    addedAt: row.added_at,
    ...(row.partial ? { partial: true } : {}),
  };
}
