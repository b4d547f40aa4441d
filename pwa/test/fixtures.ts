// Small builders for catalog tests.
import type { Member, RoomFile } from '../../worker/protocol/api.ts';
import type { LiveEvent, LiveHello, SharedFile } from '../../worker/protocol/live.ts';

export const ROOM = 'roomroomroomroomroomroomro';

export const member = (peerId: string, online = true, name = peerId.toUpperCase()): Member => ({
  peerId,
  name,
  online,
  joinedAt: 1,
});

export const hello = (seq: number, members: Member[] = []): LiveHello => ({
  type: 'hello',
  seq,
  roomId: ROOM,
  members,
});

export function shared(
  shareId: string,
  peerId: string,
  contentId: string,
  extra: Partial<SharedFile> = {},
): SharedFile {
  return {
    shareId,
    contentId,
    peerId,
    peerName: peerId.toUpperCase(),
    name: `${shareId}.txt`,
    path: '',
    size: 10,
    type: 'text/plain',
    chunkSize: 1 << 20,
    addedAt: 100,
    ...extra,
  };
}

export const added = (seq: number, share: SharedFile): LiveEvent => ({
  type: 'share-added',
  share,
  seq,
  at: seq,
});
export const removed = (seq: number, shareId: string, contentId: string, peerId: string): LiveEvent => ({
  type: 'share-removed',
  shareId,
  contentId,
  peerId,
  seq,
  at: seq,
});
export const presence = (seq: number, peerId: string, online: boolean): LiveEvent => ({
  type: 'presence',
  peerId,
  online,
  seq,
  at: seq,
});

/** A listing entry with one source per share given. */
export function listed(
  contentId: string,
  sources: { shareId: string; peerId: string; online?: boolean }[],
): RoomFile {
  return {
    contentId,
    name: `${sources[0]!.shareId}.txt`,
    path: '',
    size: 10,
    type: 'text/plain',
    chunkSize: 1 << 20,
    addedAt: 100,
    sources: sources.map((s) => ({
      peerId: s.peerId,
      name: s.peerId.toUpperCase(),
      online: s.online ?? true,
      shareId: s.shareId,
      fileName: `${s.shareId}.txt`,
      path: '',
      addedAt: 100,
    })),
  };
}
