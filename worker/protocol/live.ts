// Live room events: what the Room Durable Object pushes on `/api/rooms/:roomId/live`.
// Every event carries the room's sequence number; a client that sees a gap (seq > last + 1) missed
// something and resyncs (refetches the listing). `hello` comes first on every connection.
import type { Member } from './api.ts';

export interface SharedFile {
  shareId: string;
  contentId: string;
  peerId: string;
  peerName: string;
  name: string;
  path: string;
  size: number;
  type: string;
  chunkSize: number;
  addedAt: number;
  /** the device is still downloading it (a partial source) */
  partial?: boolean;
}

/** Events as the tracker publishes them, before the room numbers them. */
export type RoomChange =
  | { type: 'share-added'; share: SharedFile }
  | { type: 'share-removed'; shareId: string; contentId: string; peerId: string }
  | { type: 'presence'; peerId: string; online: boolean }
  | { type: 'member-joined'; member: Member }
  /** `removed`: the owner took it out (it cannot come back); otherwise it left or was forgotten. */
  | { type: 'member-left'; peerId: string; removed?: boolean }
  /** The owner changed the room link: links held until now no longer let anyone join. */
  | { type: 'invite-changed' }
  | { type: 'renamed'; peerId: string; name: string };

export type LiveEvent = RoomChange & { seq: number; at: number };

/** First message on every live connection: the version to compare against, and who is here. */
export interface LiveHello {
  type: 'hello';
  seq: number;
  roomId: string;
  members: Member[];
}

/** The client's keep-alive; answered with LIVE_PONG without waking the room object. */
export const LIVE_PING = '{"type":"ping"}';

/** Close codes of a live socket (1000-1015 as RFC 6455 means them, 4xxx ours). */
export const LIVE_CLOSE = {
  normal: 1000,
  policy: 1008,
  /** The member left or was removed: the app stops reconnecting to this room. */
  leftRoom: 4003,
} as const;
export const LIVE_PONG = '{"type":"pong"}';
