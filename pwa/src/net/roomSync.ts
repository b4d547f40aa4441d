// Keeps one room's catalog current: shows the cached catalog at once, joins the room (the link is the
// invitation), then follows the live socket. Listings are fetched only when the reducer says something
// was missed (first hello, a seq gap); there is no polling.

import type { LiveEvent } from '../../../worker/protocol/live.ts';
import {
  type CatalogAction,
  type CatalogState,
  catalogReducer,
  initialCatalog,
  snapshotOf,
} from '../state/catalog.ts';
import { roomFiles } from '../state/roomFiles.ts';
import { ApiError, isOffline } from './api.ts';
import { Retrier } from './backoff.ts';
import { bestEffort } from './bestEffort.ts';
import { loadCatalog, saveCatalog } from './catalogCache.ts';
import { LiveConnection } from './live.ts';
import { Observable } from './observable.ts';
import { onBrowserOnline } from './online.ts';
import { rememberInvite, storedInvite, summarizeRoom, touchRoom } from './recentRooms.ts';
import type { Session } from './session.ts';
import type { RegisteredShare } from './shareUploader.ts';

export type JoinState =
  | 'joining'
  | 'joined'
  | 'waiting'
  | 'not_found'
  | 'left'
  | 'failed'
  /** The link's invite is not (or no longer) the room's: only its owner can give a working one. */
  | 'invite_invalid'
  /** The owner removed this device; it cannot come back. */
  | 'removed';

export interface RoomSyncOptions {
  /** How to join: the room's link by default; the lobby has its own way in (POST /api/lobby). */
  join?: () => Promise<unknown>;
  /** List the room among "Your rooms" (not the lobby, which has its own place). */
  remember?: boolean;
  /** The invite from the link's fragment (never sent to a server but in the join's body). */
  linkInvite?: string | null;
}

export class RoomSync {
  readonly catalog: Observable<CatalogState>;
  readonly join = new Observable<JoinState>('joining');
  readonly joinError = new Observable<string | null>(null);
  /** The live connection once the room is joined, for the status bar. */
  readonly liveReady = new Observable<LiveConnection | null>(null);
  /** The invite of the room's current link, when this device knows it (it made or opened that link). */
  readonly invite = new Observable<string | null>(null);
  /** The device that may remove members and change the link. */
  readonly ownerId = new Observable<string | null>(null);
  private live: LiveConnection | undefined;
  private readonly abort = new AbortController();
  private readonly retrier = new Retrier({ baseMs: 1000, maxMs: 30_000 });
  private readonly resyncRetrier = new Retrier({ baseMs: 1000, maxMs: 30_000 });
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private offOnline: () => void = () => {};

  readonly roomId: string;
  private readonly session: Session;
  private readonly options: RoomSyncOptions;

  /** The invite from the link that opened the room, if any (the fragment of /r/<roomId>#<invite>). */
  private readonly linkInvite: string | null;

  constructor(roomId: string, session: Session, options: RoomSyncOptions = {}) {
    this.roomId = roomId;
    this.session = session;
    this.options = options;
    this.linkInvite = options.linkInvite ?? null;
    this.catalog = new Observable(initialCatalog(roomId));
  }

  start(): void {
    void loadCatalog(this.roomId)
      .then((snapshot) => snapshot && this.dispatch({ type: 'cache', snapshot }))
      .catch(bestEffort("reading the room's last known files")); // the tracker's answer fills it
    this.catalog.subscribe(this.scheduleSave);
    this.offOnline = onBrowserOnline(this.wake);
    void this.joinThenListen();
  }

  stop(): void {
    this.abort.abort();
    this.live?.stop();
    this.offOnline();
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.save();
    }
  }

  /** Shares this device registered here: listed at once (their live event confirms them later). */
  sharedHere = (shared: RegisteredShare[]): void => {
    const peerId = this.session.identity.get()?.peerId;
    if (!peerId) return;
    const addedAt = Date.now();
    this.dispatch({
      type: 'own-shares',
      shares: shared.map(({ share, input }) => ({
        shareId: share.shareId,
        contentId: share.contentId,
        peerId,
        fileName: share.name,
        path: share.path,
        size: input.size,
        type: input.type ?? '',
        chunkSize: input.chunkSize,
        addedAt,
      })),
    });
  };

  /** Resolves true once the room is joined; false if it cannot be (gone, left) or `signal` aborts. */
  whenJoined(signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        const state = this.join.get();
        const settled = state === 'joined' || state === 'not_found' || state === 'left';
        if (!settled && !signal.aborted) return;
        off();
        signal.removeEventListener('abort', check);
        resolve(state === 'joined' && !signal.aborted);
      };
      const off = this.join.subscribe(check);
      signal.addEventListener('abort', check);
      check();
    });
  }

  private wake = () => {
    this.retrier.wake();
    this.resyncRetrier.wake();
  };

  private dispatch(action: CatalogAction): void {
    this.catalog.set(catalogReducer(this.catalog.get(), action));
    const state = this.catalog.get();
    if (state.needsResync && !state.syncing) void this.resync();
  }

  private async joinThenListen(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      this.join.set(this.join.get() === 'joining' ? 'joining' : 'waiting');
      try {
        await this.ensureJoined();
        break;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'room_not_found') return this.join.set('not_found');
        if (error instanceof ApiError && error.code === 'invite_invalid')
          return this.join.set('invite_invalid');
        if (error instanceof ApiError && error.code === 'removed_from_room') return this.join.set('removed');
        if (!isOffline(error) && !(error instanceof ApiError && error.code === 'unauthorized')) {
          this.joinError.set(error instanceof Error ? error.message : String(error));
        }
        this.join.set('waiting');
        if (!(await this.retrier.wait(signal))) return;
      }
    }
    if (signal.aborted) return;
    this.joinError.set(null);
    this.join.set('joined');
    if (this.options.remember !== false)
      void touchRoom(this.roomId, Date.now()).catch(bestEffort('marking the room as opened now'));
    this.live = new LiveConnection({
      roomId: this.roomId,
      getTicket: this.session.getTicket,
      onFrame: (frame) => {
        // membership changes also reach the transfer engine's access check (it serves members only)
        if (frame.kind === 'hello') void this.refreshOwner();
        else {
          this.session.transfers.roomEvent(this.roomId, frame.event);
          this.onRoomEvent(frame.event);
        }
        this.dispatch(
          frame.kind === 'hello'
            ? { type: 'hello', hello: frame.hello }
            : { type: 'event', event: frame.event },
        );
      },
      beforeRetry: () => this.ensureJoined(),
    });
    this.live.status.subscribe(() => {
      if (this.live?.status.get() === 'left' && this.join.get() !== 'removed') this.join.set('left');
    });
    this.liveReady.set(this.live);
    this.live.start();
  }

  private async ensureJoined(): Promise<void> {
    // wait for the identity: a first run registers before it can join anything
    while (!this.session.identity.get()) {
      await new Promise<void>((resolve) => {
        const off = this.session.identity.subscribe(() => {
          off();
          resolve();
        });
      });
    }
    if (this.options.join) {
      await this.options.join();
      return;
    }
    const invite =
      this.linkInvite ??
      (await storedInvite(this.roomId).catch(bestEffort("reading the room's invite"))) ??
      undefined;
    await this.session.api.joinRoom(this.roomId, invite);
    if (invite) {
      this.invite.set(invite);
      await rememberInvite(this.roomId, invite).catch(bestEffort("remembering the room's invite"));
    }
  }

  /** The owner's id, from the tracker (it changes when an owner leaves). */
  private async refreshOwner(): Promise<void> {
    try {
      this.ownerId.set((await this.session.api.getRoom(this.roomId)).ownerId);
    } catch {
      // the next hello tries again
    }
  }

  private onRoomEvent(event: LiveEvent): void {
    const me = this.session.identity.get()?.peerId;
    if (event.type === 'invite-changed' && this.ownerId.get() !== me) {
      // the link this device holds no longer lets anyone in: stop offering it
      this.invite.set(null);
      void rememberInvite(this.roomId, null).catch(bestEffort("forgetting the room's old invite"));
    }
    if (event.type === 'member-left') {
      if (event.peerId === me && event.removed) this.join.set('removed');
      else if (event.peerId === this.ownerId.get()) void this.refreshOwner();
    }
  }

  /** The owner changes the link; the old one stops working at once. */
  async rotateInvite(): Promise<void> {
    const { invite } = await this.session.api.rotateInvite(this.roomId);
    this.invite.set(invite);
    await rememberInvite(this.roomId, invite).catch(bestEffort("remembering the room's invite"));
  }

  removeMember(peerId: string): Promise<null> {
    return this.session.api.removeMember(this.roomId, peerId);
  }

  private async resync(): Promise<void> {
    this.dispatch({ type: 'resync-started' });
    try {
      const files = await this.session.api.listAllFiles(this.roomId, this.abort.signal);
      this.resyncRetrier.reset();
      this.dispatch({ type: 'listing', files });
    } catch {
      if (this.abort.signal.aborted) return;
      // not through dispatch(): that would fetch again at once; wait, unless an event asks sooner
      this.catalog.set(catalogReducer(this.catalog.get(), { type: 'resync-failed' }));
      if (!(await this.resyncRetrier.wait(this.abort.signal))) return;
      const state = this.catalog.get();
      if (state.needsResync && !state.syncing) void this.resync();
    }
  }

  private scheduleSave = (): void => {
    if (!this.catalog.get().loaded || this.catalog.get().fromCache) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), 400);
  };

  private save(): void {
    this.saveTimer = undefined;
    const state = this.catalog.get();
    if (!state.loaded || state.fromCache) return;
    void saveCatalog(snapshotOf(state, Date.now())).catch(
      bestEffort("keeping the room's files for offline use"),
    );
    const me = this.session.identity.get()?.peerId;
    const names = Object.values(state.members)
      .filter((m) => m.peerId !== me)
      .map((m) => m.name);
    void summarizeRoom(this.roomId, names, roomFiles(state).length).catch(
      bestEffort('updating the recent rooms list'),
    );
  }
}
