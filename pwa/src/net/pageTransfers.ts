// The transfer engine bound to this page's session: it serves files shared from here and files in the
// library (each only within the rooms it is shared in, to members of those rooms), follows the signaling
// connection's current Peer, and shares finished downloads back into their room so the downloader
// becomes a source too. Loaded on demand through transfers.ts (keep it out of the first load).
import type { Peer } from 'peerjs';
import type { RoomFile } from '../../../worker/protocol/api.ts';
import type { LiveEvent } from '../../../worker/protocol/live.ts';
import { splitBatch } from '../state/shareInput.ts';
import { createAuthorizer, RoomMembership } from '../transfer/access.ts';
import { systemClock } from '../transfer/clock.ts';
import { TransferEngine } from '../transfer/engine.ts';
import { getFromLibrary, type LibraryEntry, listLibrary, openLibraryFile } from '../transfer/library.ts';
import type { ServedFile } from '../transfer/server.ts';
import { isOffline } from './api.ts';
import { bestEffort } from './bestEffort.ts';
import { Observable } from './observable.ts';
import { PartialShares } from './partialShares.ts';
import { roomMembersFrom } from './roomMembers.ts';
import type { Session } from './session.ts';
import type { SharedFiles } from './sharedFiles.ts';
import { hasWebRtc } from './webrtc.ts';

export interface PageTransfers {
  engine: TransferEngine;
  /** A live room event: membership changes reach the access check at once, and a member who left loses
   * the transfers it had running from here. */
  roomEvent(roomId: string, event: LiveEvent): void;
}

export function startPageTransfers(session: Session, libraryVersion: Observable<number>): PageTransfers {
  const access = new RoomMembership(roomMembersFrom(session.api), systemClock);
  const sharedFiles = session.transfers.shared;
  const partials = new PartialShares(session.api);
  void refreshLibraryRooms();
  libraryVersion.subscribe(() => void refreshLibraryRooms());
  const engine: TransferEngine = new TransferEngine({
    peer: currentPeer(session),
    authorize: createAuthorizer({
      self: () => session.identity.get()?.peerId ?? null,
      rooms: () => {
        const rooms = sharedFiles.allRooms();
        for (const inLibrary of libraryRooms.values()) for (const r of inLibrary) rooms.add(r);
        return rooms;
      },
      membership: access,
      sharedIn: (contentId) =>
        new Set([...sharedFiles.roomsOf(contentId), ...(libraryRooms.get(contentId) ?? [])]),
      open: (contentId) => servedFile(sharedFiles, contentId),
      // a running download serves its verified chunks in its own room (issue 11)
      fetchRooms: () => engine.fetchRooms(),
      fetchingIn: (contentId) => engine.fetchingIn(contentId),
      openPartial: (contentId) => engine.partialFile(contentId),
    }),
    onPartial: (file, roomId, serving) => void listPartial(partials, file, roomId, serving),
    onFinished: (entry) => {
      // shared back whole below: the same share, no longer partial (it must not be taken back)
      partials.finished(entry.contentId);
      addLibraryRoom(entry);
      // the library now holds something worth keeping: ask the browser not to evict it under pressure
      void navigator.storage?.persist?.().catch(() => false); // refused: kept all the same, evictable
      libraryVersion.update((v) => v + 1);
      void shareBack(session, [entry]);
      notifyFinished(entry.name);
    },
    // test builds only: the hostile-source journeys flip a bit through `window.__meshdropTamper`
    ...(__MESHDROP_TEST_HOOKS__ ? { tamper: pageTamper } : {}),
  });
  // downloads a reload or a crash interrupted come back paused, with a Resume button
  void engine.restore();
  // test builds only: the browser journeys read the engine's state (counts of rejected chunks, progress)
  if (__MESHDROP_TEST_HOOKS__) (globalThis as { __meshdrop?: unknown }).__meshdrop = { engine };
  // once this device can talk to the tracker, its library files are offered again in their rooms
  let offered = false;
  const offerLibrary = () => {
    // a browser without WebRTC cannot serve them: it must not be listed as a source
    if (offered || !hasWebRtc() || !session.identity.get() || session.api.reachability.get() !== 'reachable')
      return;
    offered = true;
    void listLibrary()
      .then((entries) => shareBack(session, entries))
      .catch(() => {
        offered = false;
      });
  };
  session.identity.subscribe(offerLibrary);
  session.api.reachability.subscribe(offerLibrary);
  session.api.reachability.subscribe(() => {
    if (session.api.reachability.get() === 'reachable' && unshared.size > 0)
      void shareBack(session, [...unshared.values()]);
  });
  offerLibrary();
  return {
    engine,
    roomEvent(roomId, event) {
      if (event.type === 'member-left') {
        access.memberLeft(roomId, event.peerId);
        engine.revoke(event.peerId, roomId);
      } else if (event.type === 'member-joined') {
        access.memberJoined(roomId, event.member.peerId);
      }
    },
  };
}

/** The Peer of whichever signaling client is current, as one watchable value. */
function currentPeer(session: Session) {
  const peer = new Observable<Peer | null>(null);
  let unsubscribe = () => {};
  const follow = () => {
    unsubscribe();
    const client = session.signaling.get();
    if (!client) {
      peer.set(null);
      return;
    }
    unsubscribe = client.peer.subscribe(() => peer.set(client.peer.get()));
    peer.set(client.peer.get());
  };
  session.signaling.subscribe(follow);
  follow();
  return peer;
}

/** Rooms each library file is offered in (its download's room), kept in memory so a check costs the same
 * for every content id. */
let libraryRooms = new Map<string, Set<string>>();

function addLibraryRoom(entry: Pick<LibraryEntry, 'contentId' | 'roomId'>) {
  const rooms = libraryRooms.get(entry.contentId) ?? new Set<string>();
  rooms.add(entry.roomId);
  libraryRooms.set(entry.contentId, rooms);
}

async function refreshLibraryRooms(): Promise<void> {
  const entries = await listLibrary().catch(bestEffort('reading which rooms library files are offered in'));
  if (!entries) return;
  libraryRooms = new Map();
  for (const e of entries) addLibraryRoom(e);
}

async function servedFile(sharedFiles: SharedFiles, contentId: string): Promise<ServedFile | null> {
  const shared = sharedFiles.get(contentId);
  if (shared) return { ...shared.hash, blob: shared.file, name: shared.file.name };
  const entry = await getFromLibrary(contentId);
  if (!entry) return null;
  return {
    contentId,
    size: entry.size,
    chunkSize: entry.chunkSize,
    chunkHashes: entry.chunkHashes,
    blob: await openLibraryFile(entry),
    name: entry.name,
  };
}

/** Library files the tracker could not be told about (it was away): offered again when it is back. */
const unshared = new Map<string, LibraryEntry>();

/** Registers library files as shares in their rooms (idempotent on the tracker), grouped per room. */
async function shareBack(session: Session, entries: LibraryEntry[]): Promise<void> {
  const byRoom = new Map<string, LibraryEntry[]>();
  for (const e of entries) byRoom.set(e.roomId, [...(byRoom.get(e.roomId) ?? []), e]);
  for (const [roomId, list] of byRoom) {
    for (const batch of splitBatch(list)) {
      const files = batch.map((e) => ({
        contentId: e.contentId,
        size: e.size,
        name: e.name,
        type: e.type,
        chunkSize: e.chunkSize,
        ...(e.path ? { path: e.path } : {}),
      }));
      await session.api.createShares(roomId, files).then(
        () => {
          for (const e of batch) unshared.delete(e.contentId);
        },
        (error: unknown) => {
          // refused (no longer a member...): nothing to retry; unreachable: when it is back
          for (const e of batch) {
            if (isOffline(error)) unshared.set(e.contentId, e);
            else unshared.delete(e.contentId);
          }
        },
      );
    }
  }
}

/** Lists this device as a partial source of a running download (issue 11), or takes that listing back. */
function listPartial(partials: PartialShares, file: RoomFile, roomId: string, serving: boolean) {
  if (!serving) return partials.unlist(file.contentId);
  // test builds only: the spread bench's baseline sets this: the device is not listed, as before issue 11
  if (__MESHDROP_TEST_HOOKS__ && (globalThis as { __meshdropNoPartials?: boolean }).__meshdropNoPartials)
    return;
  if (hasWebRtc()) return partials.list(file, roomId);
}

/** A system notification when a download finishes while the page is in the background. */
function notifyFinished(name: string) {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden)
    return;
  new Notification('Download finished', { body: name, icon: '/icons/icon-192.png', tag: `meshdrop-${name}` });
}

/** Whatever a browser journey installed as `window.__meshdropTamper` (nothing: the chunk as it is). */
function pageTamper(id: string, index: number, bytes: Uint8Array, offset: number): Uint8Array {
  const w = globalThis as {
    __meshdropTamper?: (id: string, i: number, b: Uint8Array, o: number) => Uint8Array;
  };
  return w.__meshdropTamper?.(id, index, bytes, offset) ?? bytes;
}
