// The transfer engine as the app sees it: serve what this device shares, fetch a content id from the
// room's online sources, keep finished files in the library. Wires the pure pieces (TransferServer,
// Download) to PeerJS and to storage; the app only calls download/cancel/retry and watches observables.
import type { DataConnection, Peer } from 'peerjs';
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { type Channel, fromDataConnection } from './channel.ts';
import { Download, type DownloadStatus, SourceError } from './download.ts';
import { hashChunk, rootOf } from './hashing.ts';
import { IdbChunkStore } from './idbStore.ts';
import { addToLibrary, type LibraryEntry } from './library.ts';
import { OpfsChunkStore, opfsAvailable } from './opfsStore.ts';
import { type ServedFile, TransferServer, type UploadInfo } from './server.ts';
import type { ChunkStore } from './store.ts';

/** DataConnection label that marks our transfer channels (other uses of the Peer are ignored). */
export const TRANSFER_LABEL = 'meshdrop-transfer';
const CONNECT_TIMEOUT_MS = 20_000;

/** Anything that holds the current Peer (SignalingClient.peer). */
export interface PeerSource {
  get(): Peer | null;
  subscribe(listener: () => void): () => void;
}

export interface EngineDeps {
  peer: PeerSource;
  /** A file this device can serve: shared from a picker, or in the library. */
  lookup: (contentId: string) => Promise<ServedFile | null>;
  /** A download finished and is in the library (the app shares it back into its room). */
  onFinished?: (entry: LibraryEntry, blob: Blob) => void;
}

export interface DownloadItem {
  contentId: string;
  roomId: string;
  file: RoomFile;
  startedAt: number;
  status: DownloadStatus;
  blob?: Blob;
}

type Listener = () => void;

export class TransferEngine {
  private readonly deps: EngineDeps;
  private readonly server: TransferServer;
  private readonly running = new Map<string, Download>();
  private items: DownloadItem[] = [];
  private uploadList: UploadInfo[] = [];
  private readonly listeners = new Set<Listener>();
  private attached: Peer | null = null;

  constructor(deps: EngineDeps) {
    this.deps = deps;
    this.server = new TransferServer({
      lookup: deps.lookup,
      onUploadChange: (u) => {
        this.uploadList = [u, ...this.uploadList.filter((x) => x.key !== u.key)].slice(0, 50);
        this.emit();
      },
      // inert unless a test installs it: the hostile-source journey flips a bit through this seam
      tamper: (id, index, bytes) =>
        (
          globalThis as { __meshdropTamper?: (id: string, i: number, b: Uint8Array) => Uint8Array }
        ).__meshdropTamper?.(id, index, bytes) ?? bytes,
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
    return this.running.size > 0 || this.uploadList.some((u) => u.active);
  }

  /** Counters for diagnostics and tests. */
  stats() {
    return {
      droppedByServer: this.server.dropped,
      rejectedChunks: this.items.reduce((n, i) => n + i.status.rejectedChunks, 0),
    };
  }

  // ---- what the app asks ----

  download(file: RoomFile, roomId: string): void {
    if (this.running.has(file.contentId)) return;
    const sources = [...file.sources]
      .sort((a, b) => Number(b.online) - Number(a.online))
      .map((s) => s.peerId);
    const me = this.deps.peer.get()?.id;
    const { store, backend } = this.storeFor(file);
    const d = new Download(
      {
        contentId: file.contentId,
        size: file.size,
        chunkSize: file.chunkSize,
        name: file.name,
        type: file.type,
      },
      sources.filter((p) => p !== me),
      { connect: (peerId) => this.connect(peerId), store, hashChunk, rootOf, now: Date.now },
    );
    const item: DownloadItem = {
      contentId: file.contentId,
      roomId,
      file,
      startedAt: Date.now(),
      status: d.status(),
    };
    this.items = [item, ...this.items.filter((i) => i.contentId !== file.contentId)];
    this.running.set(file.contentId, d);
    d.onChange((status) => this.update(file.contentId, { status }));
    this.emit();
    d.start().then(
      (blob) => void this.finished(item, d, blob, backend),
      () => this.running.delete(file.contentId),
    );
  }

  /** Sources changed in the catalog: a newly online one joins a running download. */
  sourcesChanged(file: RoomFile): void {
    const item = this.items.find((i) => i.contentId === file.contentId);
    if (!item) return;
    // a retry later starts from the current sources, not those of the first attempt
    if (item.file !== file) this.items = this.items.map((i) => (i === item ? { ...i, file } : i));
    const d = this.running.get(file.contentId);
    if (d) for (const s of file.sources) if (s.online) d.addSource(s.peerId);
  }

  cancel(contentId: string): void {
    this.running.get(contentId)?.cancel();
    this.running.delete(contentId);
  }

  retry(contentId: string): void {
    const item = this.items.find((i) => i.contentId === contentId);
    if (item && !this.running.has(contentId)) this.download(item.file, item.roomId);
  }

  dismiss(contentId: string): void {
    if (this.running.has(contentId)) return;
    this.items = this.items.filter((i) => i.contentId !== contentId);
    this.emit();
  }

  // ---- wiring ----

  private attach(peer: Peer | null) {
    if (!peer || peer === this.attached) return;
    this.attached = peer;
    peer.on('connection', (conn: DataConnection) => {
      if (conn.label !== TRANSFER_LABEL) return;
      conn.on('open', () => this.server.attach(fromDataConnection(conn, maxMessageSize(conn))));
    });
  }

  private connect(peerId: string): Promise<Channel> {
    const peer = this.deps.peer.get();
    if (!peer || peer.disconnected) return Promise.reject(new Error('not connected to the tracker'));
    return new Promise((resolve, reject) => {
      const conn = peer.connect(peerId, { label: TRANSFER_LABEL, serialization: 'raw', reliable: true });
      const timer = setTimeout(() => fail(new Error('connection timed out')), CONNECT_TIMEOUT_MS);
      const onPeerError = (err: { type: string; message: string }) => {
        // the relay says it is not connected (or not in a room with us): nobody to download from there
        if (err.type === 'peer-unavailable' && err.message.includes(peerId)) {
          fail(new SourceError('no_source', 'source offline'));
        }
      };
      const fail = (err: Error) => {
        clearTimeout(timer);
        peer.off('error', onPeerError);
        conn.close();
        reject(err);
      };
      peer.on('error', onPeerError);
      conn.on('error', () => fail(new Error('connection failed')));
      conn.on('open', () => {
        clearTimeout(timer);
        peer.off('error', onPeerError);
        resolve(fromDataConnection(conn, maxMessageSize(conn)));
      });
    });
  }

  /** OPFS where the page may use it (secure contexts), IndexedDB chunk records otherwise. */
  private storeFor(file: RoomFile): { store: ChunkStore; backend: LibraryEntry['backend'] } {
    return isSecureContext && opfsAvailable()
      ? { store: new OpfsChunkStore(file.contentId, file.size, file.chunkSize), backend: 'opfs' }
      : { store: new IdbChunkStore(file.contentId), backend: 'idb' };
  }

  private async finished(item: DownloadItem, d: Download, blob: Blob, backend: LibraryEntry['backend']) {
    this.running.delete(item.contentId);
    const hashes = d.verifiedHashes();
    const entry: LibraryEntry = {
      contentId: item.contentId,
      name: item.file.name,
      path: item.file.path,
      size: item.file.size,
      type: item.file.type,
      chunkSize: item.file.chunkSize,
      chunkHashes: hashes,
      roomId: item.roomId,
      completedAt: Date.now(),
      backend,
    };
    await addToLibrary(entry).catch(() => undefined);
    this.update(item.contentId, { blob });
    this.deps.onFinished?.(entry, blob);
  }

  private update(contentId: string, patch: Partial<DownloadItem>) {
    this.items = this.items.map((i) => (i.contentId === contentId ? { ...i, ...patch } : i));
    this.emit();
  }

  private emit() {
    for (const l of [...this.listeners]) l();
  }
}

function maxMessageSize(conn: DataConnection): number | null {
  const pc = conn.peerConnection as RTCPeerConnection | undefined;
  return pc?.sctp?.maxMessageSize ?? null;
}
