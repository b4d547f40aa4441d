// One download: fetch the manifest from a source, verify it against the content id, then pull chunks
// from every usable source at once, verify each on arrival and hand it to the store. Pure logic over the
// Channel and ChunkStore interfaces; the clock, the timers and hashing come in as dependencies.
//
// Who gets which chunk and when a source is too slow is the scheduler's (pure) decision; this class
// wires it to the links: it feeds each link within its window, verifies whole chunks one at a time, and
// checks the sources' deadlines once a second.
import { chunkCount, chunkRange } from '../../../worker/protocol/content.ts';
import { TRANSFER_LIMITS } from '../../../worker/protocol/transfer.ts';
import { equalBytes, type HashesAssembler } from './assemble.ts';
import type { Channel } from './channel.ts';
import { type Clock, every } from './clock.ts';
import {
  DownloadError,
  type DownloadErrorCode,
  type DownloadSpec,
  isTransferable,
  messageFor,
} from './downloadTypes.ts';
import { HaveMap } from './haveMap.ts';
import { PROGRESS_EMIT_MS, type ProgressSnapshot, SpeedMeter, snapshot } from './progress.ts';
import { ChunkScheduler } from './scheduler.ts';
import { type Manifest, SourceLink } from './sourceLink.ts';
import type { ChunkStore } from './store.ts';

export interface DownloadDeps {
  connect: (peerId: string) => Promise<Channel>;
  store: ChunkStore;
  hashChunk: (bytes: Uint8Array) => Promise<Uint8Array>;
  rootOf: (size: number, chunkSize: number, hashes: Uint8Array) => Promise<string>;
  clock: Clock;
  /** The manifest's hashes proved the content id (kept, so an interrupted run can check its chunks). */
  onManifest?: (hashes: Uint8Array) => void;
}

export type DownloadState =
  | 'connecting'
  | 'downloading'
  | 'finishing'
  | 'done'
  | 'failed'
  | 'cancelled'
  /** listed after a reload: its chunks are on disk, nothing runs until the user resumes it */
  | 'paused';

export interface DownloadStatus {
  state: DownloadState;
  progress: ProgressSnapshot;
  /** Sources currently sending. */
  sources: string[];
  /** Chunks that failed verification and were asked for again. */
  rejectedChunks: number;
  /** Malformed or unexpected messages dropped. */
  dropped: number;
  /** Sources dropped for missing a deadline (silent, or too slow to deliver verified chunks). */
  timedOut: number;
  /** Most bytes held at once in partly received and unverified chunks. */
  peakBuffered: number;
  /** Chunks found stored (and checked) from an interrupted earlier run: never fetched again. */
  resumedChunks: number;
  /** The last message dropped from a source, and why (diagnostics). */
  lastDropped?: string;
  error?: { code: DownloadErrorCode; message: string };
}

/** Bytes requested ahead from one source: enough to keep a LAN link busy. */
export const SOURCE_WINDOW_BYTES = 8 * 1024 * 1024;
/** Bytes requested ahead from all sources together (or one chunk, when chunks are bigger): the memory bound. */
export const DOWNLOAD_WINDOW_BYTES = 24 * 1024 * 1024;
const MAX_SOURCES = 3;
const DEADLINE_CHECK_MS = 1000;
/** A busy or idle-closed source is asked again after this (times the attempt, for busy), a few times. */
const RETRY_MS = 2000;
const MAX_BUSY_RETRIES = 15;

type SourcePhase = 'idle' | 'linked' | 'waiting' | 'failed';

export class Download {
  readonly spec: DownloadSpec;
  private readonly deps: DownloadDeps;
  private readonly clock: Clock;
  private readonly candidates: string[];
  private readonly phase = new Map<string, SourcePhase>();
  private readonly busyTries = new Map<string, number>();
  private readonly links = new Map<string, SourceLink>();
  /** links whose manifest was accepted */
  private readonly ready = new Set<SourceLink>();
  private scheduler: ChunkScheduler;
  private hashes: HashesAssembler | null = null;
  private readonly meter = new SpeedMeter();
  private bytes = 0;
  private droppedGone = 0;
  private lastDropped: string | undefined;
  private timedOut = 0;
  private queuedBytes = 0;
  private peakBuffered = 0;
  private resumedChunks = 0;
  private verifiedOne = false;
  private verifying: Promise<void> = Promise.resolve();
  private state: DownloadState = 'connecting';
  private error: DownloadStatus['error'];
  private lastError: DownloadErrorCode = 'no_source';
  private settle!: { resolve: (b: Blob) => void; reject: (e: Error) => void };
  private readonly listeners = new Set<(s: DownloadStatus) => void>();
  private stopTicking = () => {};
  private lastEmit = Number.NEGATIVE_INFINITY;
  private emitTimer: unknown = null;
  private readonly timers = new Set<unknown>();
  /** The chunks verified here (resumed ones too): what this device may serve while it downloads. */
  readonly have: HaveMap;
  private readonly haveListeners = new Set<(index: number) => void>();
  private readonly requestListeners = new Set<() => void>();
  private readonly spreadSeed: number;

  constructor(spec: DownloadSpec, sources: string[], deps: DownloadDeps) {
    this.spec = spec;
    this.deps = deps;
    this.clock = deps.clock;
    this.candidates = [...new Set(sources)];
    const count = isTransferable(spec) ? chunkCount(spec.size, spec.chunkSize) : 0;
    // downloaders of one file take equally rare chunks in different orders (scheduler.ts)
    this.spreadSeed = crypto.getRandomValues(new Uint32Array(1))[0]!;
    this.scheduler = new ChunkScheduler(count, (i) => this.chunkLength(i), [], this.spreadSeed);
    this.have = new HaveMap(count);
  }

  /** Each chunk verified and stored from now on (for serving it as a partial source). */
  onHave(listener: (index: number) => void): () => void {
    this.haveListeners.add(listener);
    return () => this.haveListeners.delete(listener);
  }

  /** The set of chunks requested and not yet verified may have changed (for a partial source's `coming`). */
  onRequest(listener: () => void): () => void {
    this.requestListeners.add(listener);
    return () => this.requestListeners.delete(listener);
  }

  /** The chunks requested from sources and not yet verified. */
  requested(): number[] {
    return this.scheduler.requested();
  }

  onChange(listener: (s: DownloadStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): DownloadStatus {
    const now = this.clock.now();
    let dropped = this.droppedGone;
    let lastDropped = this.lastDropped;
    for (const l of this.links.values()) {
      dropped += l.dropped;
      if (l.lastDropped) lastDropped = `${l.peerId}: ${l.lastDropped}`;
    }
    return {
      state: this.state,
      progress: snapshot(this.bytes, this.spec.size, this.meter.speed(now)),
      sources: [...this.ready].map((l) => l.peerId),
      rejectedChunks: this.scheduler.rejected,
      dropped,
      timedOut: this.timedOut,
      peakBuffered: this.peakBuffered,
      resumedChunks: this.resumedChunks,
      ...(lastDropped ? { lastDropped } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Resolves with the finished file (disk-backed Blob). */
  start(): Promise<Blob> {
    const done = new Promise<Blob>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    void this.begin();
    return done;
  }

  /** The manifest's chunk hashes once verified (empty for a 0-byte file), to serve the file later. */
  verifiedHashes(): Uint8Array {
    return this.hashes?.hashes ?? new Uint8Array();
  }

  /** A source came online (or back): use it if the download still needs sources. */
  addSource(peerId: string): void {
    if (!this.candidates.includes(peerId)) this.candidates.push(peerId);
    if (this.phase.get(peerId) === 'failed' && this.scheduler.isUsable(peerId))
      this.phase.set(peerId, 'idle');
    if (this.state === 'connecting' || this.state === 'downloading') this.fillSources();
  }

  cancel(): void {
    if (this.isOver()) return;
    this.end('cancelled');
    // the person asked to stop; storage that cannot be cleared now is found again as a partial and
    // replaced by the next download of this content
    void this.deps.store.discard().catch(() => undefined);
  }

  private async begin() {
    if (!isTransferable(this.spec)) return this.fail('unsupported', messageFor('unsupported'));
    try {
      const already = await this.deps.store.stored();
      this.scheduler = new ChunkScheduler(
        this.scheduler.count,
        (i) => this.chunkLength(i),
        already,
        this.spreadSeed,
      );
      this.resumedChunks = this.scheduler.doneCount;
      for (let i = 0; i < this.scheduler.count; i++) {
        if (this.scheduler.stateOf(i) !== 'done') continue;
        this.bytes += this.chunkLength(i);
        this.have.add(i);
      }
      this.meter.add(this.clock.now(), this.bytes);
    } catch {
      return this.fail('storage', messageFor('storage'));
    }
    if (
      this.scheduler.count === 0 &&
      (await this.deps.rootOf(0, this.spec.chunkSize, new Uint8Array())) === this.spec.contentId
    ) {
      return this.complete(); // an empty file needs no source: its id alone proves it
    }
    if (this.isOver()) return;
    this.stopTicking = every(this.clock, DEADLINE_CHECK_MS, () => this.checkDeadlines());
    this.fillSources();
  }

  /** Keeps up to three sources linked; fails when none is left and none is worth waiting for. */
  private fillSources() {
    if (this.isOver() || this.state === 'finishing') return;
    for (const peerId of this.candidates) {
      if (this.links.size >= MAX_SOURCES) break;
      if ((this.phase.get(peerId) ?? 'idle') !== 'idle' || !this.scheduler.isUsable(peerId)) continue;
      this.link(peerId);
    }
    const waiting = [...this.phase.values()].some((p) => p === 'waiting');
    if (this.links.size === 0 && !waiting) this.fail(this.lastError, messageFor(this.lastError));
  }

  private link(peerId: string) {
    this.phase.set(peerId, 'linked');
    const link: SourceLink = new SourceLink(peerId, this.spec, this.clock, {
      onPiece: () => this.scheduler.piece(peerId, this.clock.now()),
      onChunk: (index, bytes) => this.onChunk(link, index, bytes),
      // a claim may free a chunk for another source (a `coming` withdrawn), so every link is fed
      onHave: () => this.feedAll(),
    });
    this.links.set(peerId, link);
    this.scheduler.connecting(peerId, this.clock.now());
    link.onEnd((err) => this.linkEnded(link, err));
    void this.openLink(link);
  }

  private async openLink(link: SourceLink) {
    let manifest: Manifest;
    try {
      const channel = await this.deps.connect(link.peerId);
      if (link.failure) return channel.close();
      manifest = await link.open(channel, randomTransferId());
    } catch (err) {
      return link.fail(
        err instanceof DownloadError ? err : new DownloadError('source_left', 'no connection'),
      );
    }
    if (!(await this.acceptManifest(manifest))) {
      return link.fail(new DownloadError('verification_failed', 'manifest does not match the content id'));
    }
    if (link.failure || this.isOver() || this.state === 'finishing') return link.close();
    this.busyTries.delete(link.peerId);
    this.scheduler.setHave(link.peerId, manifest.have, this.clock.now());
    this.ready.add(link);
    // everything may already be stored (an interrupted run that wrote its last chunk): the verified
    // manifest was all that was missing
    if (this.scheduler.complete) return void this.complete();
    this.setState('downloading');
    // a complete source held back while this one connected may now take more (scheduler.ts)
    this.feedAll();
  }

  private linkEnded(link: SourceLink, err: DownloadError) {
    const peerId = link.peerId;
    if (this.links.get(peerId) === link) this.links.delete(peerId);
    this.ready.delete(link);
    this.droppedGone += link.dropped;
    if (link.lastDropped) this.lastDropped = `${peerId}: ${link.lastDropped}`;
    // a partial source's transfer ends when its own download does: complete now, it is asked again at once
    const wasPartial = this.scheduler.isPartial(peerId);
    this.scheduler.release(peerId);
    if (this.isOver() || this.state === 'finishing') return;
    if (err.code === 'busy' || err.code === 'idle') {
      const tries = (this.busyTries.get(peerId) ?? 0) + 1;
      this.busyTries.set(peerId, tries);
      if (tries <= MAX_BUSY_RETRIES) {
        if (err.code === 'busy') this.lastError = 'busy';
        this.phase.set(peerId, 'waiting');
        const wait = err.code === 'busy' ? RETRY_MS * Math.min(tries, 5) : wasPartial ? 0 : RETRY_MS;
        this.later(wait, () => {
          if (this.phase.get(peerId) !== 'waiting') return;
          this.phase.set(peerId, 'idle');
          this.fillSources();
        });
      } else {
        this.phase.set(peerId, 'failed');
      }
    } else {
      this.phase.set(peerId, 'failed');
      // "the source left" says less than why an earlier one failed
      if (err.code !== 'source_left' || this.lastError === 'no_source') this.lastError = err.code;
    }
    if (err.code === 'verification_failed') this.scheduler.ban(peerId);
    for (const l of this.requestListeners) l();
    this.feedAll();
    // after the current event: whoever saw this source go may be offering another one right now
    queueMicrotask(() => this.fillSources());
  }

  /** The first manifest must hash to the content id; later ones must equal it. */
  private async acceptManifest(m: Manifest): Promise<boolean> {
    if (m.size !== this.spec.size || m.chunkSize !== this.spec.chunkSize) return false;
    if (this.hashes) return equalBytes(this.hashes.hashes, m.hashes.hashes);
    if ((await this.deps.rootOf(m.size, m.chunkSize, m.hashes.hashes)) !== this.spec.contentId) return false;
    if (!this.hashes) {
      this.hashes = m.hashes;
      this.deps.onManifest?.(m.hashes.hashes);
    }
    return true;
  }

  /** Asks `link` for what it may have: within its window, the download's window and the chunk limit. */
  private feed(link: SourceLink) {
    if (!this.ready.has(link) || this.isOver() || this.scheduler.complete) return;
    const peerId = link.peerId;
    const perSource = Math.max(SOURCE_WINDOW_BYTES, this.spec.chunkSize);
    const total = Math.max(DOWNLOAD_WINDOW_BYTES, this.spec.chunkSize);
    const chunks = this.scheduler.take(peerId, this.clock.now(), {
      maxChunks: TRANSFER_LIMITS.maxChunksInFlight - this.scheduler.inflight(peerId).length,
      maxBytes: Math.min(
        perSource - this.scheduler.inflightBytes(peerId),
        total - this.scheduler.inflightBytes(),
      ),
    });
    link.request(chunks, (i) => this.chunkLength(i));
    if (chunks.length > 0) for (const l of this.requestListeners) l();
  }

  private feedAll() {
    for (const l of this.ready) this.feed(l);
  }

  private onChunk(link: SourceLink, index: number, bytes: Uint8Array) {
    if (!this.scheduler.isOwner(index, link.peerId)) return;
    const length = bytes.length; // the store may take the buffer over (and detach it)
    this.queuedBytes += length;
    this.notePeak();
    this.verifying = this.verifying
      .then(() => this.verify(link, index, bytes))
      .catch(() => this.fail('storage', messageFor('storage')))
      .finally(() => {
        this.queuedBytes -= length;
      });
  }

  private async verify(link: SourceLink, index: number, bytes: Uint8Array) {
    const peerId = link.peerId;
    if (this.isOver() || !this.scheduler.isOwner(index, peerId)) return;
    const length = bytes.length; // the store may take the buffer over (and detach it)
    const verdict = await this.checkAndStore(index, bytes, peerId);
    if (verdict === 'gone') return;
    if (verdict === 'failed') return this.fail('storage', messageFor('storage'));
    if (verdict === 'mismatch') {
      // a corrupt or hostile chunk: never stored, asked for again; repeated offenders are dropped
      if (this.scheduler.reject(index, peerId))
        link.fail(new DownloadError('verification_failed', 'too many bad chunks'));
      this.feedAll();
      this.emit(true);
      return;
    }
    const others = this.scheduler.markDone(index, peerId, this.clock.now());
    if (others === null) return;
    for (const o of others) this.links.get(o)?.forget(index);
    this.have.add(index);
    for (const l of this.haveListeners) l(index);
    this.bytes += length;
    this.meter.add(this.clock.now(), this.bytes);
    if (this.scheduler.complete) return this.complete();
    this.feedAll();
    // the first chunk of a run is shown at once: it is what a person waits for after the click
    this.emit(!this.verifiedOne);
    this.verifiedOne = true;
  }

  /**
   * Verifies the chunk against the manifest and stores it only if it matches: in the store's worker where
   * it can (OPFS: no hashing on the page's main thread), else here and then written.
   */
  private async checkAndStore(
    index: number,
    bytes: Uint8Array,
    peerId: string,
  ): Promise<'stored' | 'mismatch' | 'failed' | 'gone'> {
    const expected = this.hashes!.hashOf(index);
    const { store } = this.deps;
    if (store.writeVerified) {
      let matched: boolean;
      try {
        matched = await store.writeVerified(index, bytes, expected);
      } catch {
        return 'failed';
      }
      // a chunk stored after it stopped being wanted is harmless (verified); a bad one then is not blamed
      if (matched) return 'stored';
      return this.isOver() || !this.scheduler.isOwner(index, peerId) ? 'gone' : 'mismatch';
    }
    const actual = await this.deps.hashChunk(bytes);
    if (this.isOver() || !this.scheduler.isOwner(index, peerId)) return 'gone';
    if (!equalBytes(actual, expected)) return 'mismatch';
    try {
      await store.write(index, bytes);
      return 'stored';
    } catch {
      return 'failed';
    }
  }

  private checkDeadlines() {
    if (this.isOver() || this.state === 'finishing') return;
    for (const { source, reason } of this.scheduler.overdue(this.clock.now())) {
      this.timedOut++;
      // a partial source with nothing for us is let go, not banned: it may hold more later
      if (reason === 'useless') this.scheduler.release(source);
      else this.scheduler.ban(source);
      this.links.get(source)?.fail(new DownloadError('source_left', reason));
    }
    // a partial source's `coming` claim may have expired: its chunks go to another source
    this.feedAll();
    this.emit(false);
  }

  private async complete() {
    if (this.isOver() || this.state === 'finishing') return;
    this.setState('finishing');
    this.stopTimers();
    for (const link of [...this.links.values()]) link.close();
    try {
      const blob = await this.deps.store.finish(this.spec.type);
      this.end('done');
      this.settle.resolve(blob);
    } catch {
      this.fail('storage', messageFor('storage'));
    }
  }

  private fail(code: DownloadErrorCode, message: string) {
    if (this.isOver()) return;
    this.error = { code, message };
    this.end('failed');
  }

  private end(state: 'done' | 'failed' | 'cancelled') {
    this.state = state;
    this.stopTimers();
    for (const link of [...this.links.values()]) link.close();
    this.emit(true);
    if (state !== 'done') this.settle?.reject(new DownloadError(this.error?.code ?? 'source_left', state));
  }

  private later(ms: number, fn: () => void) {
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
  }

  private stopTimers() {
    this.stopTicking();
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
    if (this.emitTimer !== null) this.clock.clearTimeout(this.emitTimer);
    this.emitTimer = null;
  }

  private notePeak() {
    let held = this.queuedBytes;
    for (const l of this.links.values()) held += l.bufferedBytes();
    if (held > this.peakBuffered) this.peakBuffered = held;
  }

  private isOver() {
    return this.state === 'done' || this.state === 'failed' || this.state === 'cancelled';
  }

  private setState(state: DownloadState) {
    if (this.state !== state) {
      this.state = state;
      this.emit(true);
    }
  }

  /** Tells listeners; progress alone at most every PROGRESS_EMIT_MS, so tiny chunks do not flood the page. */
  private emit(now: boolean) {
    const t = this.clock.now();
    if (!now && t - this.lastEmit < PROGRESS_EMIT_MS) {
      this.emitTimer ??= this.clock.setTimeout(
        () => {
          this.emitTimer = null;
          this.emit(true);
        },
        this.lastEmit + PROGRESS_EMIT_MS - t,
      );
      return;
    }
    // a pending progress event would follow this one too closely: this one carries it
    if (this.emitTimer !== null) this.clock.clearTimeout(this.emitTimer);
    this.emitTimer = null;
    this.lastEmit = t;
    const s = this.status();
    for (const l of this.listeners) l(s);
  }

  private chunkLength(index: number): number {
    const { start, end } = chunkRange(this.spec.size, this.spec.chunkSize, index);
    return end - start;
  }
}

function randomTransferId(): number {
  return (crypto.getRandomValues(new Uint32Array(1))[0]! % 0xfffffffe) + 1;
}
