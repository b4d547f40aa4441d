// The page's transfers as the app reaches them (through the session, see hooks/useSession.ts). The engine
// itself (PeerJS wiring, hashing, storage, the transfer protocol's schemas) is most of the app's code and
// nothing the first screen needs: it is loaded once the page is up, and until then this handle answers
// "nothing running" and keeps what the app asked for.
import type { RoomFile } from '../../../worker/protocol/api.ts';
import type { LiveEvent } from '../../../worker/protocol/live.ts';
import type { DownloadItem, TransferEngine } from '../transfer/engine.ts';
import type { UploadInfo } from '../transfer/server.ts';
import { Observable } from './observable.ts';
import type { PageTransfers } from './pageTransfers.ts';
import type { Session } from './session.ts';
import { SharedFiles } from './sharedFiles.ts';

const NO_DOWNLOADS: DownloadItem[] = [];
const NO_UPLOADS: UploadInfo[] = [];

export class Transfers {
  /** Bumps whenever the library changes (a download finished, a file was deleted). */
  readonly libraryVersion = new Observable(0);
  /** The files this page shares (served once the engine runs; staged and restored before that). */
  readonly shared = new SharedFiles();
  private readonly loaded = new Observable<PageTransfers | null>(null);
  private loading: Promise<PageTransfers> | null = null;

  private readonly session: Session;

  constructor(session: Session) {
    this.session = session;
  }

  /** Loads and starts the engine (once): it serves this device's files and restores paused downloads. */
  start(): Promise<PageTransfers> {
    this.loading ??= import('./pageTransfers.ts')
      .then((m) => {
        const page = m.startPageTransfers(this.session, this.libraryVersion);
        this.loaded.set(page);
        this.engineLoaded.set(page.engine);
        return page;
      })
      .catch((error: unknown) => {
        // not fetched (offline before the service worker had it, or a deploy replaced it) or not
        // started: the next action tries again
        this.loading = null;
        console.error('the transfer engine could not be loaded', error);
        throw error;
      });
    return this.loading;
  }

  /** The engine once loaded, as a watchable value (null until then). */
  readonly engineLoaded = new Observable<TransferEngine | null>(null);

  subscribe = (listener: () => void): (() => void) => {
    let offEngine = () => {};
    const follow = () => {
      offEngine();
      offEngine = this.engineLoaded.get()?.subscribe(listener) ?? (() => {});
    };
    const offLoaded = this.engineLoaded.subscribe(() => {
      follow();
      listener();
    });
    follow();
    return () => {
      offLoaded();
      offEngine();
    };
  };

  downloads = (): DownloadItem[] => this.engineLoaded.get()?.downloads() ?? NO_DOWNLOADS;
  uploads = (): UploadInfo[] => this.engineLoaded.get()?.uploads() ?? NO_UPLOADS;

  /** Whether reloading now would interrupt a transfer (nothing runs before the engine is loaded). */
  isActive(): boolean {
    return this.engineLoaded.get()?.isActive() ?? false;
  }

  /** Runs `use` with the engine, at once when it is loaded, else once it is (in the order asked). */
  withEngine(use: (engine: TransferEngine) => void): void {
    const engine = this.engineLoaded.get();
    if (engine) use(engine);
    else
      this.start().then(
        (page) => use(page.engine),
        () => undefined, // start() said why; the action is dropped, the next one loads again
      );
  }

  download(file: RoomFile, roomId: string): void {
    askNotificationPermission();
    this.withEngine((engine) => engine.download(file, roomId));
  }

  /**
   * A live room event (from the room this page follows). Before the engine is loaded nothing runs that a
   * departure could revoke, and membership is read fresh from the tracker when it starts.
   */
  roomEvent(roomId: string, event: LiveEvent): void {
    this.loaded.get()?.roomEvent(roomId, event);
  }
}

/** Asked on the first download (a user gesture), so the background notification can be shown later. */
function askNotificationPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
    // denied or dismissed: finished downloads are still shown on the page, just without a notification
    void Notification.requestPermission().catch(() => undefined);
  }
}
