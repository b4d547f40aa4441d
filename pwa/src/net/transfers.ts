// The transfer engine bound to this page's session: it serves files shared from here and files in the
// library, follows the signaling connection's current Peer, and shares finished downloads back into
// their room so the downloader becomes a source too.
import type { Peer } from 'peerjs';
import { setTransferActivityProbe } from '../app/transferActivity.ts';
import { TransferEngine } from '../transfer/engine.ts';
import { getFromLibrary, type LibraryEntry, listLibrary, openLibraryFile } from '../transfer/library.ts';
import type { ServedFile } from '../transfer/server.ts';
import { Observable } from './observable.ts';
import type { Session } from './session.ts';
import { sharedFiles } from './sharedFiles.ts';

let engine: TransferEngine | null = null;
/** Bumps whenever the library changes (a download finished, a file was deleted). */
export const libraryVersion = new Observable(0);

export function transferEngine(): TransferEngine {
  if (!engine) throw new Error('transfers not started');
  return engine;
}

export function startTransfers(session: Session): TransferEngine {
  if (engine) return engine;
  engine = new TransferEngine({
    peer: currentPeer(session),
    lookup: (contentId) => lookup(contentId),
    onFinished: (entry) => {
      // the library now holds something worth keeping: ask the browser not to evict it under pressure
      void navigator.storage?.persist?.().catch(() => false);
      libraryVersion.update((v) => v + 1);
      void shareBack(session, [entry]);
      notifyFinished(entry.name);
    },
  });
  setTransferActivityProbe(() => engine?.isActive() ?? false);
  // a handle for diagnostics and the browser journeys (counts of rejected chunks, progress)
  (globalThis as { __meshdrop?: unknown }).__meshdrop = { engine };
  // once this device can talk to the tracker, its library files are offered again in their rooms
  let offered = false;
  const offerLibrary = () => {
    if (offered || !session.identity.get() || session.api.reachability.get() !== 'reachable') return;
    offered = true;
    void listLibrary()
      .then((entries) => shareBack(session, entries))
      .catch(() => {
        offered = false;
      });
  };
  session.identity.subscribe(offerLibrary);
  session.api.reachability.subscribe(offerLibrary);
  offerLibrary();
  return engine;
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

async function lookup(contentId: string): Promise<ServedFile | null> {
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

/** Registers library files as shares in their rooms (idempotent on the tracker), grouped per room. */
async function shareBack(session: Session, entries: LibraryEntry[]): Promise<void> {
  const byRoom = new Map<string, LibraryEntry[]>();
  for (const e of entries) byRoom.set(e.roomId, [...(byRoom.get(e.roomId) ?? []), e]);
  for (const [roomId, list] of byRoom) {
    const files = list.map((e) => ({
      contentId: e.contentId,
      size: e.size,
      name: e.name,
      type: e.type,
      chunkSize: e.chunkSize,
      ...(e.path ? { path: e.path } : {}),
    }));
    for (let i = 0; i < files.length; i += 100) {
      await session.api.createShares(roomId, files.slice(i, i + 100)).catch(() => undefined);
    }
  }
}

/** A system notification when a download finishes while the page is in the background. */
function notifyFinished(name: string) {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden)
    return;
  new Notification('Download finished', { body: name, icon: '/icons/icon-192.png', tag: `meshdrop-${name}` });
}

/** Asked on the first download (a user gesture), so the background notification can be shown later. */
export function askNotificationPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
    void Notification.requestPermission().catch(() => undefined);
  }
}
