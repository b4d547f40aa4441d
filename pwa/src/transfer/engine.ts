// The transfer engine as the app sees it: serve what this device shares (to members of the room it is
// shared in), fetch a content id from the room's online sources, keep finished files in the library.
// Wires the pure pieces (TransferServer, Download, InboundGuard) to PeerJS and to storage; the app only
// calls download/cancel/retry and watches observables.
import type { DataConnection, Peer } from 'peerjs';
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { TRANSFER_LIMITS } from '../../../worker/protocol/transfer.ts';
import { type Channel, fromDataConnection } from './channel.ts';
import { chunkHasher } from './chunkDigest.ts';
import { type Clock, systemClock } from './clock.ts';
import { Download, type DownloadStatus } from './download.ts';
import { type DownloadStorage, libraryStorage, type PartialStorage } from './downloadStorage.ts';
import { isTransferable, messageFor } from './downloadTypes.ts';
import { PerKeyGate } from './gate.ts';
import { rootOf } from './hashing.ts';
import { type GuardedPeer, InboundGuard } from './inbound.ts';
import type { LibraryEntry } from './library.ts';
import { partialFileOf } from './partialSource.ts';
import { PROGRESS_EMIT_MS, snapshot } from './progress.ts';
import { type OpenRequest, type ServedFile, TransferServer, type UploadInfo } from './server.ts';
import { maxMessageSize, openTransfer } from './transferConnection.ts';

export { TRANSFER_LABEL } from './inbound.ts';

/** Anything that holds the current Peer (SignalingClient.peer). */
export interface PeerSource {
  get(): Peer | null;
  subscribe(listener: () => void): () => void;
}

export interface EngineDeps {
  peer: PeerSource;
  /** The file to serve for this request, or null (see access.ts: only within a room both share). */
  authorize: (request: OpenRequest) => Promise<ServedFile | null>;
  /** A download finished and is in the library (the app shares it back into its room). */
  onFinished?: (entry: LibraryEntry, blob: Blob) => void;
  /**
   * A download can serve its verified chunks now (`serving`: its manifest is proved), or stopped without
   * finishing: the app lists this device as a partial source in the room, or takes that listing back.
   */
  onPartial?: (file: RoomFile, roomId: string, serving: boolean) => void;
  clock?: Clock;
  storage?: DownloadStorage;
  /** Opens a transfer channel to a source (PeerJS by default; tests pass in-memory channels). */
  connect?: (peerId: string) => Promise<Channel>;
  /** Test builds only: sees (and may change) every chunk served (the hostile-source journeys). */
  tamper?: (contentId: string, index: number, bytes: Uint8Array, offset: number) => Uint8Array;
}

export interface DownloadItem {
  contentId: string;
  roomId: string;
  file: RoomFile;
  startedAt: number;
  status: DownloadStatus;
  blob?: Blob;
  /** the file was already in the library: nothing was downloaded */
  kept?: boolean;
}

type Listener = () => void;

/** Waits before a stranded download tries again by itself (the last one repeats), and how many tries. */
const STRANDED_RETRY_MS = [5_000, 10_000, 20_000, 40_000, 60_000];
const STRANDED_RETRIES = 12;

export class TransferEngine {
  private readonly deps: EngineDeps;
  private readonly clock: Clock;
  private readonly storage: DownloadStorage;
  private readonly server: TransferServer;
  private readonly guard: InboundGuard;
  private readonly served = new WeakSet<object>();
  /** connections this device has open to each source (it serves only so many transfers per device) */
  private readonly perSource = new PerKeyGate(TRANSFER_LIMITS.maxTransfersPerRemote);
  private readonly running = new Map<string, Download>();
  /** each download's storage, until it finished or was dismissed */
  private readonly partials = new Map<string, PartialStorage>();
  /** downloads between the click and their Download (looking for a kept copy, opening storage) */
  private readonly starting = new Map<string, { cancelled: boolean }>();
  /**
   * downloads that failed for want of a source, with the sources listed online then: one that is not
   * among them (new, or back after going offline) continues the download by itself
   */
  private readonly stranded = new Map<string, Set<string>>();
  /** how often each stranded download has tried again by itself (see STRANDED_RETRY_MS) */
  private readonly strandedTries = new Map<string, number>();
  private items: DownloadItem[] = [];
  private uploadList: UploadInfo[] = [];
  private readonly listeners = new Set<Listener>();
  private attached: Peer | null = null;
  private detach = () => {};
  private uploadEmit: unknown = null;
  /** verifies received chunks: WebCrypto, or a worker where the page has none (never this thread) */
  private readonly hashChunk = chunkHasher();

  constructor(deps: EngineDeps) {
    this.deps = deps;
    this.clock = deps.clock ?? systemClock;
    this.storage = deps.storage ?? libraryStorage();
    this.server = new TransferServer({
      authorize: deps.authorize,
      clock: this.clock,
      onUploadChange: (u) => {
        this.uploadList = [u, ...this.uploadList.filter((x) => x.key !== u.key)].slice(0, 50);
        this.emitUploads(!u.active || u.bytesSent === 0);
      },
      ...(deps.tamper ? { tamper: deps.tamper } : {}),
    });
    this.guard = new InboundGuard(this.clock, (conn) => {
      const c = conn as DataConnection;
      c.on('open', () => {
        if (this.served.has(c)) return; // one server per connection, whatever peerjs emits
        this.served.add(c);
        this.server.attach(fromDataConnection(c, maxMessageSize(c)));
      });
    });
    deps.peer.subscribe(() => this.attach(deps.peer.get()));
    this.attach(deps.peer.get());
  }

  // ---- what the app reads ----

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  downloads = (): DownloadItem[] => this.items;
  uploads = (): UploadInfo[] => this.uploadList;

  /** Whether reloading now would interrupt a transfer. */
  isActive(): boolean {
    return this.running.size > 0 || this.starting.size > 0 || this.uploadList.some((u) => u.active);
  }

  /** Counters for diagnostics and tests. */
  stats() {
    return {
      droppedByServer: this.server.dropped,
      rejectedChunks: this.items.reduce((n, i) => n + i.status.rejectedChunks, 0),
      server: { ...this.server.stats, active: this.server.activeTransfers },
      inbound: { ...this.guard.stats, refused: { ...this.guard.stats.refused } },
    };
  }

  /** The Peer transfers run on (the hostile-peer journey speaks our protocol through it). */
  peer(): Peer | null {
    return this.deps.peer.get();
  }

  // ---- partial sources (issue 11: a file spreads while it moves) ----

  /** The room a running download of `contentId` was started from (where its verified chunks may be served). */
  fetchingIn = (contentId: string): ReadonlySet<string> => {
    const d = this.running.get(contentId);
    return new Set(d && this.partialFile(contentId) ? [d.spec.roomId] : []);
  };

  /** Rooms with a running download (they are asked about, like rooms with shares). */
  fetchRooms = (): Set<string> => new Set([...this.running.values()].map((d) => d.spec.roomId));

  /** A running download's verified chunks as a partial file to serve, once its manifest is proved. */
  partialFile = (contentId: string): ServedFile | null => {
    const d = this.running.get(contentId);
    const store = this.partials.get(contentId)?.store;
    return d && store ? partialFileOf(d, store) : null;
  };

  // ---- what the app asks ----

  download(file: RoomFile, roomId: string): void {
    const contentId = file.contentId;
    if (this.running.has(contentId) || this.starting.has(contentId)) return;
    this.stranded.delete(contentId);
    const ticket = { cancelled: false };
    this.starting.set(contentId, ticket);
    const before = this.itemOf(contentId)?.status;
    // a paused download shows what it has while it checks it
    const has = before?.state === 'paused' ? before.progress.bytes : 0;
    const item: DownloadItem = {
      contentId,
      roomId,
      file,
      startedAt: this.clock.now(),
      status: idleStatus('connecting', has, file.size),
    };
    this.items = [item, ...this.items.filter((i) => i.contentId !== contentId)];
    this.emit();
    void this.begin(file, roomId, ticket).finally(() => {
      if (this.starting.get(contentId) === ticket) this.starting.delete(contentId);
    });
  }

  /** Sources changed in the catalog: a newly online one joins a running download. */
  sourcesChanged(file: RoomFile): void {
    const item = this.items.find((i) => i.contentId === file.contentId);
    if (!item) return;
    // a retry later starts from the current sources, not those of the first attempt
    if (item.file !== file) this.items = this.items.map((i) => (i === item ? { ...i, file } : i));
    const d = this.running.get(file.contentId);
    if (d) for (const s of file.sources) if (s.online) d.addSource(s.peerId);
    const tried = this.stranded.get(file.contentId);
    if (!tried || d || this.starting.has(file.contentId)) return;
    const online = this.onlineSources(file);
    // a source that went offline counts as new when it comes back
    for (const p of tried) if (!online.has(p)) tried.delete(p);
    if ([...online].some((p) => !tried.has(p))) this.download(file, item.roomId);
  }

  cancel(contentId: string): void {
    const ticket = this.starting.get(contentId);
    if (ticket) {
      ticket.cancelled = true;
      this.starting.delete(contentId);
      this.update(contentId, { status: idleStatus('cancelled', 0, this.itemOf(contentId)?.file.size ?? 0) });
    }
    this.running.get(contentId)?.cancel();
    this.running.delete(contentId);
  }

  retry(contentId: string): void {
    const item = this.itemOf(contentId);
    if (item && !this.running.has(contentId)) this.download(item.file, item.roomId);
  }

  /** `remote` lost access to `roomId` (it left, or was removed): its transfers from here end now. */
  revoke(remote: string, roomId: string): void {
    this.server.revoke(remote, roomId);
  }

  /** Lists the downloads a reload (or a crash) interrupted, paused, each resumable from its chunks on disk. */
  async restore(): Promise<void> {
    // storage that cannot be listed lists nothing to resume; a new download of the file still works
    const found = await this.storage.interrupted().catch(() => []);
    const known = new Set(this.items.map((i) => i.contentId));
    const paused: DownloadItem[] = found
      .filter((p) => !known.has(p.file.contentId))
      .map((p) => ({
        contentId: p.file.contentId,
        roomId: p.roomId,
        file: p.file,
        startedAt: p.startedAt,
        status: idleStatus('paused', p.storedBytes, p.file.size),
      }));
    if (paused.length === 0) return;
    this.items = [...this.items, ...paused];
    this.emit();
  }

  /** Takes the item off the list; a download given up on also gives back its partial storage. */
  dismiss(contentId: string): void {
    if (this.running.has(contentId) || this.starting.has(contentId)) return;
    const partial = this.partials.get(contentId);
    this.partials.delete(contentId);
    // storage that cannot be given back now is found as a partial, and replaced, by the next download
    if (partial && !this.itemOf(contentId)?.blob) void partial.store.discard().catch(() => undefined);
    else if (this.itemOf(contentId)?.status.state === 'paused')
      void this.storage.forget(contentId).catch(() => undefined);
    this.items = this.items.filter((i) => i.contentId !== contentId);
    this.stranded.delete(contentId);
    this.strandedTries.delete(contentId);
    this.emit();
  }

  // ---- wiring ----

  private async begin(file: RoomFile, roomId: string, ticket: { cancelled: boolean }) {
    const { contentId } = file;
    // the library already has it: offer that copy; a new download must never touch it
    // a library that cannot be read is treated as not having the file: it is downloaded again
    const kept = await this.storage.kept(contentId).catch(() => null);
    if (ticket.cancelled) return;
    if (kept) {
      const status = idleStatus('done', file.size, file.size);
      return this.update(contentId, { status, blob: kept.blob, kept: true });
    }
    const failed = (code: 'storage' | 'unsupported' | 'no_space', message = messageFor(code)) => {
      const status = idleStatus('failed', 0, file.size);
      status.error = { code, message };
      this.update(contentId, { status });
    };
    // nothing is created on disk for a listing no transfer could satisfy
    if (!isTransferable(file)) return failed('unsupported');
    // unknown free space is not a reason to refuse: a full disk still fails the write, visibly
    const free = await this.storage.free().catch(() => null);
    if (ticket.cancelled) return;
    // what an interrupted run stored is already counted as used
    const need = file.size - (this.itemOf(contentId)?.status.progress.bytes ?? 0);
    if (free !== null && free < need) return failed('no_space', noSpaceWords(need, free));
    let partial: PartialStorage;
    try {
      const meta = { file, roomId, startedAt: this.itemOf(contentId)?.startedAt ?? this.clock.now() };
      partial = await this.storage.partial(contentId, file.size, file.chunkSize, meta);
    } catch {
      return failed('storage');
    }
    // cancelled before it began: nothing of value in it (a failed discard is replaced next time)
    if (ticket.cancelled) return void partial.store.discard().catch(() => undefined);
    const me = this.deps.peer.get()?.id;
    const sources = [...file.sources]
      // online first; complete sources before partial ones (those may hold little yet)
      .sort(
        (a, b) =>
          Number(b.online) - Number(a.online) || Number(a.partial ?? false) - Number(b.partial ?? false),
      )
      .map((s) => s.peerId)
      .filter((p) => p !== me);
    const d = new Download(
      { contentId, roomId, size: file.size, chunkSize: file.chunkSize, name: file.name, type: file.type },
      sources,
      {
        connect: (peerId) => this.connect(peerId),
        store: partial.store,
        hashChunk: this.hashChunk,
        rootOf,
        clock: this.clock,
        onManifest: (hashes) => {
          // without them an interrupted run cannot trust its chunks and fetches them again: slower, not wrong
          void partial.remember(hashes).catch(() => undefined);
          this.deps.onPartial?.(file, roomId, true);
        },
      },
    );
    this.running.set(contentId, d);
    this.partials.set(contentId, partial);
    this.starting.delete(contentId);
    d.onChange((status) => this.update(contentId, { status }));
    this.update(contentId, { status: d.status() });
    d.start().then(
      (blob) => void this.finished(file, roomId, d, blob, partial),
      () => {
        // stopped without finishing: its partial listing goes (whatever the reason)
        this.deps.onPartial?.(file, roomId, false);
        if (this.running.get(contentId) !== d) return;
        this.running.delete(contentId);
        const code = d.status().error?.code;
        if (code === 'source_left' || code === 'no_source' || code === 'not_found') {
          const listed = this.itemOf(contentId)?.file.sources ?? [];
          this.stranded.set(contentId, new Set(listed.filter((s) => s.online).map((s) => s.peerId)));
          this.retryStranded(contentId);
        }
      },
    );
  }

  /**
   * A stranded download tries again by itself, a few times, while a source is listed online. A source back
   * online is tried at once (sourcesChanged), but it may answer before it has shared the file again: a
   * browser that crashed comes back with its listing kept and its files gone, and sharing them again keeps
   * that listing, so no change of the listing would ever say so.
   */
  private retryStranded(contentId: string) {
    const tries = this.strandedTries.get(contentId) ?? 0;
    if (tries >= STRANDED_RETRIES) return;
    const wait = STRANDED_RETRY_MS[Math.min(tries, STRANDED_RETRY_MS.length - 1)]!;
    this.clock.setTimeout(() => {
      const item = this.itemOf(contentId);
      if (!item || !this.stranded.has(contentId) || this.running.has(contentId)) return;
      if (this.starting.has(contentId)) return;
      this.strandedTries.set(contentId, tries + 1);
      if (this.onlineSources(item.file).size > 0) this.download(item.file, item.roomId);
      else this.retryStranded(contentId);
    }, wait);
  }

  /** The devices other than this one listed online as sources of `file`. */
  private onlineSources(file: RoomFile): Set<string> {
    const online = new Set(file.sources.filter((s) => s.online).map((s) => s.peerId));
    online.delete(this.deps.peer.get()?.id ?? '');
    return online;
  }

  private attach(peer: Peer | null) {
    if (!peer || peer === this.attached) return;
    this.detach();
    this.attached = peer;
    this.detach = this.guard.attach(peer as unknown as GuardedPeer);
  }

  /** Opens a transfer channel to `peerId`, waiting while as many as it serves at once are open already. */
  private connect = async (peerId: string): Promise<Channel> => {
    const release = await this.perSource.acquire(peerId);
    try {
      const channel = await (this.deps.connect ?? this.open)(peerId);
      channel.onClose(release);
      if (channel.closed) release();
      return channel;
    } catch (error) {
      release();
      throw error;
    }
  };

  private open = (peerId: string): Promise<Channel> =>
    openTransfer(this.deps.peer.get(), peerId, (conn) => fromDataConnection(conn, maxMessageSize(conn)), {
      clock: this.clock,
    });

  private async finished(file: RoomFile, roomId: string, d: Download, blob: Blob, partial: PartialStorage) {
    this.strandedTries.delete(file.contentId);
    let entry: LibraryEntry | null = null;
    try {
      entry = await partial.keep({
        contentId: file.contentId,
        name: file.name,
        path: file.path,
        size: file.size,
        type: file.type,
        chunkSize: file.chunkSize,
        chunkHashes: d.verifiedHashes(),
        roomId,
        completedAt: this.clock.now(),
      });
    } catch {
      // the bytes are complete and verified, but the library has no record of them: offered for Save
      // here, and the person is told that the app will not keep them (its partial record stays, so a
      // reload lists it again and finishes from the stored chunks)
    }
    // only now: a new click before the library knows the file would start a second download
    if (this.running.get(file.contentId) === d) this.running.delete(file.contentId);
    this.partials.delete(file.contentId);
    if (entry) this.update(file.contentId, { blob });
    else {
      const status = { ...d.status(), error: { code: 'not_kept' as const, message: messageFor('not_kept') } };
      this.update(file.contentId, { blob, status });
    }
    if (entry) this.deps.onFinished?.(entry, blob);
  }

  private itemOf(contentId: string): DownloadItem | undefined {
    return this.items.find((i) => i.contentId === contentId);
  }

  private update(contentId: string, patch: Partial<DownloadItem>) {
    this.items = this.items.map((i) => (i.contentId === contentId ? { ...i, ...patch } : i));
    this.emit();
  }

  /** Upload progress is coalesced (tiny chunks would otherwise re-render the page thousands of times). */
  private emitUploads(now: boolean) {
    if (now) {
      if (this.uploadEmit !== null) this.clock.clearTimeout(this.uploadEmit);
      this.uploadEmit = null;
      return this.emit();
    }
    this.uploadEmit ??= this.clock.setTimeout(() => {
      this.uploadEmit = null;
      this.emit();
    }, PROGRESS_EMIT_MS);
  }

  private emit() {
    for (const l of [...this.listeners]) l();
  }
}

function noSpaceWords(need: number, free: number): string {
  const mb = (n: number) => `${Math.ceil(n / 1e6).toLocaleString('en')} MB`;
  return `${messageFor('no_space')} It needs ${mb(need)}; ${mb(free)} are free.`;
}

function idleStatus(state: DownloadStatus['state'], bytes: number, total: number): DownloadStatus {
  return {
    state,
    progress: snapshot(bytes, total, 0),
    sources: [],
    rejectedChunks: 0,
    dropped: 0,
    timedOut: 0,
    peakBuffered: 0,
    resumedChunks: 0,
  };
}
