// The room catalog as a pure reducer: a listing, the live socket's hello and its numbered events in,
// the state the UI renders out. Shares are kept flat (one entry per share id) because that is what
// events name; files grouped by content are derived in roomFiles().
import type { Member, RoomFile } from '../../../worker/protocol/api.ts';
import type { LiveEvent, LiveHello, RoomChange } from '../../../worker/protocol/live.ts';
import { decideHello, decideSeq } from './liveSeq.ts';

export interface ShareEntry {
  shareId: string;
  contentId: string;
  peerId: string;
  fileName: string;
  path: string;
  size: number;
  type: string;
  chunkSize: number;
  addedAt: number;
  /** a device still downloading it (a partial source) */
  partial?: boolean;
}

export interface CatalogSnapshot {
  roomId: string;
  seq: number | null;
  members: Member[];
  shares: ShareEntry[];
  savedAt: number;
}

export interface CatalogState {
  roomId: string;
  /** Last event applied (or the hello's seq); null before the first hello. */
  seq: number | null;
  members: Record<string, Member>;
  shares: Record<string, ShareEntry>;
  /** A listing or a cached snapshot has been applied: there is something to show. */
  loaded: boolean;
  /** What is shown came from the device's cache and has not been confirmed by the tracker yet. */
  fromCache: boolean;
  /** Something was missed: the full listing must be fetched again. */
  needsResync: boolean;
  syncing: boolean;
  /** Events since the last hello, replayed over a listing that may predate them (they are idempotent). */
  pending: LiveEvent[];
}

export type CatalogAction =
  | { type: 'cache'; snapshot: CatalogSnapshot }
  | { type: 'hello'; hello: LiveHello }
  | { type: 'event'; event: LiveEvent }
  | { type: 'resync-started' }
  | { type: 'listing'; files: RoomFile[] }
  | { type: 'resync-failed' }
  /** Shares this device just registered, from the tracker's answer: shown at once, without waiting for
   * their live event (which may be missed, e.g. while the live socket is still opening). */
  | { type: 'own-shares'; shares: ShareEntry[] };

export function initialCatalog(roomId: string): CatalogState {
  return {
    roomId,
    seq: null,
    members: {},
    shares: {},
    loaded: false,
    fromCache: false,
    needsResync: false,
    syncing: false,
    pending: [],
  };
}

export function catalogReducer(state: CatalogState, action: CatalogAction): CatalogState {
  switch (action.type) {
    case 'cache': {
      // never let an old snapshot overwrite what the tracker already told us
      if (state.loaded || state.seq !== null) return state;
      const { snapshot } = action;
      return {
        ...state,
        seq: snapshot.seq,
        members: Object.fromEntries(snapshot.members.map((m) => [m.peerId, { ...m, online: false }])),
        shares: Object.fromEntries(snapshot.shares.map((s) => [s.shareId, s])),
        loaded: true,
        fromCache: true,
      };
    }
    case 'hello': {
      const { hello } = action;
      const members = Object.fromEntries(hello.members.map((m) => [m.peerId, m]));
      const inSync = state.loaded && !state.syncing && decideHello(state.seq, hello.seq) === 'in-sync';
      return {
        ...state,
        seq: hello.seq,
        members,
        fromCache: inSync ? false : state.fromCache,
        needsResync: state.needsResync || !inSync,
        pending: [],
      };
    }
    case 'event': {
      const { event } = action;
      const decision = decideSeq(state.seq, event.seq);
      if (decision === 'ignore') return state;
      const next = applyChange({ ...state, seq: event.seq }, event);
      const needsResync = state.needsResync || decision === 'gap';
      const buffering = needsResync || state.syncing;
      return { ...next, needsResync, pending: buffering ? [...state.pending, event] : state.pending };
    }
    case 'own-shares': {
      if (action.shares.length === 0) return state;
      const shares = { ...state.shares };
      for (const entry of action.shares) shares[entry.shareId] = entry;
      return { ...state, shares };
    }
    case 'resync-started':
      return { ...state, needsResync: false, syncing: true };
    case 'resync-failed':
      return { ...state, needsResync: true, syncing: false };
    case 'listing': {
      let next: CatalogState = {
        ...state,
        shares: sharesOfListing(action.files),
        members: membersWithListing(state.members, action.files),
        loaded: true,
        fromCache: false,
        syncing: false,
      };
      for (const event of state.pending) next = applyChange(next, event);
      // a hello or a gap that arrived during the fetch asks for another one: keep its events
      return next.needsResync ? next : { ...next, pending: [] };
    }
  }
}

/** Applies one change. Every change is "set this key", so applying one twice is harmless. */
function applyChange(state: CatalogState, change: RoomChange & { at?: number }): CatalogState {
  switch (change.type) {
    case 'share-added': {
      const s = change.share;
      const entry: ShareEntry = {
        shareId: s.shareId,
        contentId: s.contentId,
        peerId: s.peerId,
        fileName: s.name,
        path: s.path,
        size: s.size,
        type: s.type,
        chunkSize: s.chunkSize,
        addedAt: s.addedAt,
        ...(s.partial ? { partial: true } : {}),
      };
      const known = state.members[s.peerId];
      const member: Member = known
        ? { ...known, name: s.peerName }
        : { peerId: s.peerId, name: s.peerName, online: false, joinedAt: s.addedAt };
      return {
        ...state,
        shares: { ...state.shares, [s.shareId]: entry },
        members: { ...state.members, [s.peerId]: member },
      };
    }
    case 'share-removed': {
      if (!(change.shareId in state.shares)) return state;
      const { [change.shareId]: _gone, ...shares } = state.shares;
      return { ...state, shares };
    }
    case 'presence':
      return patchMember(state, change.peerId, { online: change.online });
    case 'renamed':
      return patchMember(state, change.peerId, { name: change.name });
    case 'member-joined':
      return { ...state, members: { ...state.members, [change.member.peerId]: change.member } };
    case 'invite-changed':
      return state;
    case 'member-left': {
      const { [change.peerId]: _gone, ...members } = state.members;
      const shares = Object.fromEntries(
        Object.entries(state.shares).filter(([, s]) => s.peerId !== change.peerId),
      );
      return { ...state, members, shares };
    }
  }
}

function patchMember(state: CatalogState, peerId: string, patch: Partial<Member>): CatalogState {
  const member = state.members[peerId];
  if (!member) return state;
  return { ...state, members: { ...state.members, [peerId]: { ...member, ...patch } } };
}

function sharesOfListing(files: RoomFile[]): Record<string, ShareEntry> {
  const shares: Record<string, ShareEntry> = {};
  for (const f of files) {
    for (const s of f.sources) {
      shares[s.shareId] = {
        shareId: s.shareId,
        contentId: f.contentId,
        peerId: s.peerId,
        fileName: s.fileName,
        path: s.path,
        size: f.size,
        type: f.type,
        chunkSize: f.chunkSize,
        addedAt: s.addedAt,
        ...(s.partial ? { partial: true } : {}),
      };
    }
  }
  return shares;
}

/** The listing carries each source's name and online flag: fresher than what we had. */
function membersWithListing(members: Record<string, Member>, files: RoomFile[]): Record<string, Member> {
  const out = { ...members };
  for (const f of files) {
    for (const s of f.sources) {
      const known = out[s.peerId];
      out[s.peerId] = known
        ? { ...known, name: s.name, online: s.online }
        : { peerId: s.peerId, name: s.name, online: s.online, joinedAt: s.addedAt };
    }
  }
  return out;
}

export function snapshotOf(state: CatalogState, now: number): CatalogSnapshot {
  return {
    roomId: state.roomId,
    seq: state.seq,
    members: Object.values(state.members),
    shares: Object.values(state.shares),
    savedAt: now,
  };
}
