// Keeps one room's catalog current: shows the cached catalog at once, joins the room (the link is the
// invitation), then follows the live socket. Listings are fetched only when the reducer says something
// was missed (first hello, a seq gap); there is no polling.

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
import { loadCatalog, saveCatalog } from './catalogCache.ts';
import { LiveConnection } from './live.ts';
import { Observable } from './observable.ts';
import { onBrowserOnline } from './online.ts';
import { summarizeRoom, touchRoom } from './recentRooms.ts';
import type { Session } from './session.ts';
import { roomEventForTransfers } from './transfers.ts';

export type JoinState = 'joining' | 'joined' | 'waiting' | 'not_found' | 'left' | 'failed';

export interface RoomSyncOptions {
  /** How to join: the room's link by default; the lobby has its own way in (POST /api/lobby). */
  join?: () => Promise<unknown>;
  /** List the room among "Your rooms" (not the lobby, which has its own place). */
  remember?: boolean;
}

export class RoomSync {
  readonly catalog: Observable<CatalogState>;
  readonly join = new Observable<JoinState>('joining');
  readonly joinError = new Observable<string | null>(null);
  /** The live connection once the room is joined, for the status bar. */
  readonly liveReady = new Observable<LiveConnection | null>(null);
  private live: LiveConnection | undefined;
  private readonly abort = new AbortController();
  private readonly retrier = new Retrier({ baseMs: 1000, maxMs: 30_000 });
  private readonly resyncRetrier = new Retrier({ baseMs: 1000, maxMs: 30_000 });
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private offOnline: () => void = () => {};

  readonly roomId: string;
  private readonly session: Session;
  private readonly options: RoomSyncOptions;

  constructor(roomId: string, session: Session, options: RoomSyncOptions = {}) {
    this.roomId = roomId;
    this.session = session;
    this.options = options;
    this.catalog = new Observable(initialCatalog(roomId));
  }

  start(): void {
    void loadCatalog(this.roomId)
      .then((snapshot) => snapshot && this.dispatch({ type: 'cache', snapshot }))
      .catch(() => undefined);
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
    if (this.options.remember !== false) void touchRoom(this.roomId, Date.now()).catch(() => undefined);
    this.live = new LiveConnection({
      roomId: this.roomId,
      getTicket: this.session.getTicket,
      onFrame: (frame) => {
        // membership changes also reach the transfer engine's access check (it serves members only)
        if (frame.kind !== 'hello') roomEventForTransfers(this.roomId, frame.event);
        this.dispatch(
          frame.kind === 'hello'
            ? { type: 'hello', hello: frame.hello }
            : { type: 'event', event: frame.event },
        );
      },
      beforeRetry: () => this.ensureJoined(),
    });
    this.live.status.subscribe(() => {
      if (this.live?.status.get() === 'left') this.join.set('left');
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
    await (this.options.join ? this.options.join() : this.session.api.joinRoom(this.roomId));
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
    void saveCatalog(snapshotOf(state, Date.now())).catch(() => undefined);
    const me = this.session.identity.get()?.peerId;
    const names = Object.values(state.members)
      .filter((m) => m.peerId !== me)
      .map((m) => m.name);
    void summarizeRoom(this.roomId, names, roomFiles(state).length).catch(() => undefined);
  }
}
