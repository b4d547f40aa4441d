// Validates live-socket frames before they reach the reducer: an unknown or malformed frame is dropped,
// never thrown at the user. Pure.
import type { Member } from '../../../worker/protocol/api.ts';
import type { LiveEvent, LiveHello, SharedFile } from '../../../worker/protocol/live.ts';

export type LiveFrame =
  | { kind: 'hello'; hello: LiveHello }
  | { kind: 'event'; event: LiveEvent }
  | { kind: 'pong' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

function isMember(v: unknown): v is Member {
  return isObj(v) && isStr(v.peerId) && isStr(v.name) && isBool(v.online) && isNum(v.joinedAt);
}

function isSharedFile(v: unknown): v is SharedFile {
  return (
    isObj(v) &&
    isStr(v.shareId) &&
    isStr(v.contentId) &&
    isStr(v.peerId) &&
    isStr(v.peerName) &&
    isStr(v.name) &&
    isStr(v.path) &&
    isNum(v.size) &&
    isStr(v.type) &&
    isNum(v.chunkSize) &&
    isNum(v.addedAt) &&
    (v.partial === undefined || isBool(v.partial))
  );
}

function isChange(m: Obj): boolean {
  switch (m.type) {
    case 'share-added':
      return isSharedFile(m.share);
    case 'share-removed':
      return isStr(m.shareId) && isStr(m.contentId) && isStr(m.peerId);
    case 'presence':
      return isStr(m.peerId) && isBool(m.online);
    case 'member-joined':
      return isMember(m.member);
    case 'member-left':
      return isStr(m.peerId) && (m.removed === undefined || isBool(m.removed));
    case 'invite-changed':
      return true;
    case 'renamed':
      return isStr(m.peerId) && isStr(m.name);
    default:
      return false;
  }
}

export function parseLiveFrame(text: string): LiveFrame | null {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObj(m)) return null;
  if (m.type === 'pong') return { kind: 'pong' };
  if (m.type === 'hello') {
    const ok = isNum(m.seq) && isStr(m.roomId) && Array.isArray(m.members) && m.members.every(isMember);
    return ok ? { kind: 'hello', hello: m as unknown as LiveHello } : null;
  }
  if (!isNum(m.seq) || !isNum(m.at) || !isChange(m)) return null;
  return { kind: 'event', event: m as unknown as LiveEvent };
}
