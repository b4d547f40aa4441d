// One download: fetch the manifest from a source, verify it against the content id, then pull chunks
// from every usable source at once, verify each on arrival and hand it to the store. Pure logic over the
// Channel and ChunkStore interfaces; the clock and hashing come in as dependencies.
import { chunkCount, chunkRange } from '../../../worker/protocol/content.ts';
import { ChunkAssembler, equalBytes, type HashesAssembler } from './assemble.ts';
import type { Channel } from './channel.ts';
import { type ProgressSnapshot, SpeedMeter, snapshot } from './progress.ts';
import { ChunkScheduler } from './scheduler.ts';
import { SourceLink } from './sourceLink.ts';
import type { ChunkStore } from './store.ts';

export interface DownloadSpec {
  contentId: string;
  size: number;
  chunkSize: number;
  name: string;
  type: string;
}

export interface DownloadDeps {
  connect: (peerId: string) => Promise<Channel>;
  store: ChunkStore;
  hashChunk: (bytes: Uint8Array) => Promise<Uint8Array>;
  rootOf: (size: number, chunkSize: number, hashes: Uint8Array) => Promise<string>;
  now: () => number;
}

export type DownloadState = 'connecting' | 'downloading' | 'finishing' | 'done' | 'failed' | 'cancelled';
export type DownloadErrorCode = 'no_source' | 'source_left' | 'verification_failed' | 'not_found' | 'storage';

export interface DownloadStatus {
  state: DownloadState;
  progress: ProgressSnapshot;
  /** Sources currently sending. */
  sources: string[];
  /** Chunks that failed verification and were asked for again. */
  rejectedChunks: number;
  /** Malformed or unexpected messages dropped. */
  dropped: number;
  error?: { code: DownloadErrorCode; message: string };
}

/** Bytes requested ahead per source: enough to keep a LAN link busy, small enough to bound memory. */
const WINDOW_BYTES = 8 * 1024 * 1024;

export class Download {
  readonly spec: DownloadSpec;
  private readonly deps: DownloadDeps;
  private readonly candidates: string[];
  private readonly tried = new Set<string>();
  private readonly links = new Map<string, SourceLink>();
  private scheduler: ChunkScheduler;
  private hashes: HashesAssembler | null = null;
  private readonly meter = new SpeedMeter();
  private bytes = 0;
  private dropped = 0;
  private state: DownloadState = 'connecting';
  private error: DownloadStatus['error'];
  private lastError: DownloadErrorCode = 'no_source';
  private settle!: { resolve: (b: Blob) => void; reject: (e: Error) => void };
  private readonly listeners = new Set<(s: DownloadStatus) => void>();

  constructor(spec: DownloadSpec, sources: string[], deps: DownloadDeps) {
    this.spec = spec;
    this.deps = deps;
    this.candidates = [...sources];
    this.scheduler = new ChunkScheduler(chunkCount(spec.size, spec.chunkSize));
  }

  onChange(listener: (s: DownloadStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): DownloadStatus {
    const now = this.deps.now();
    return {
      state: this.state,
      progress: snapshot(this.bytes, this.spec.size, this.meter.speed(now)),
      sources: [...this.links.keys()],
      rejectedChunks: this.scheduler.rejected,
      dropped: this.dropped + [...this.links.values()].reduce((n, l) => n + l.dropped, 0),
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
    this.tried.delete(peerId);
    if (this.state === 'connecting' || this.state === 'downloading') this.fillSources();
  }

  cancel(): void {
    if (this.isOver()) return;
    this.end('cancelled');
    void this.deps.store.discard();
  }

  private async begin() {
    try {
      const already = await this.deps.store.stored();
      this.scheduler = new ChunkScheduler(this.scheduler.count, already);
      for (const i of already) this.bytes += this.chunkLength(i);
      this.meter.add(this.deps.now(), this.bytes);
    } catch {
      return this.fail('storage', 'This device cannot store the download. Free some space and retry.');
    }
    if (
      this.scheduler.count === 0 &&
      (await this.deps.rootOf(0, this.spec.chunkSize, new Uint8Array())) === this.spec.contentId
    ) {
      return this.complete(); // an empty file needs no source: its id alone proves it
    }
    this.fillSources();
  }

  /** Keeps up to three sources busy. */
  private fillSources() {
    while (this.links.size < 3) {
      const next = this.candidates.find(
        (p) => !this.tried.has(p) && !this.links.has(p) && this.scheduler.isUsable(p),
      );
      if (!next) break;
      this.tried.add(next);
      void this.pullFrom(next);
    }
    if (this.links.size === 0 && !this.isOver()) this.fail(this.lastError, messageFor(this.lastError));
  }

  private async pullFrom(peerId: string) {
    const link: SourceLink = new SourceLink(peerId, this.spec, {
      onPiece: (index, offset, payload): Promise<void> => this.onPiece(link, index, offset, payload),
    });
    this.links.set(peerId, link);
    try {
      const channel = await this.deps.connect(peerId);
      const manifest = await link.open(channel, randomTransferId());
      if (!(await this.acceptManifest(manifest))) {
        this.lastError = 'verification_failed';
        throw new Error('manifest does not match the content id');
      }
      // a source that answers after the last chunk arrived has nothing left to do (finally closes it)
      if (this.scheduler.complete || this.isOver() || this.state === 'finishing') return;
      this.setState('downloading');
      await link.run(
        () => this.nextChunks(peerId),
        () => this.scheduler.complete || this.isOver(),
      );
    } catch (err) {
      if (err instanceof SourceError) this.lastError = err.code;
      else if (this.lastError === 'no_source') this.lastError = 'source_left';
    } finally {
      this.links.delete(peerId);
      this.scheduler.release(peerId);
      link.close();
      this.wakeAll();
      if (!this.isOver() && !this.scheduler.complete) this.fillSources();
    }
  }

  /** The first manifest must hash to the content id; later ones must equal it. */
  private async acceptManifest(m: {
    size: number;
    chunkSize: number;
    hashes: HashesAssembler;
  }): Promise<boolean> {
    if (m.size !== this.spec.size || m.chunkSize !== this.spec.chunkSize) return false;
    if (this.hashes) return equalBytes(this.hashes.hashes, m.hashes.hashes);
    if ((await this.deps.rootOf(m.size, m.chunkSize, m.hashes.hashes)) !== this.spec.contentId) return false;
    this.hashes ??= m.hashes;
    return true;
  }

  private nextChunks(peerId: string): number[] {
    const window = Math.max(2, Math.ceil(WINDOW_BYTES / this.spec.chunkSize));
    const inflight = this.scheduler.inflight(peerId).length;
    return this.scheduler.take(peerId, window - inflight);
  }

  private async onPiece(link: SourceLink, index: number, offset: number, payload: Uint8Array): Promise<void> {
    if (
      this.scheduler.stateOf(index) !== 'inflight' ||
      !this.scheduler.inflight(link.peerId).includes(index)
    ) {
      link.dropped++;
      return;
    }
    let asm = link.assembling.get(index);
    if (!asm) {
      asm = new ChunkAssembler(index, this.chunkLength(index));
      link.assembling.set(index, asm);
    }
    if (!asm.add(offset, payload)) {
      link.dropped++;
      return;
    }
    if (!asm.complete) return;
    link.assembling.delete(index);
    const actual = await this.deps.hashChunk(asm.bytes);
    if (!equalBytes(actual, this.hashes!.hashOf(index))) {
      // a corrupt or hostile chunk: never stored, asked for again; repeated offenders are dropped
      if (this.scheduler.reject(index)) link.close();
      this.wakeAll();
      this.emit();
      return;
    }
    try {
      await this.deps.store.write(index, asm.bytes);
    } catch {
      return this.fail('storage', messageFor('storage'));
    }
    if (this.scheduler.markDone(index)) {
      this.bytes += asm.bytes.length;
      this.meter.add(this.deps.now(), this.bytes);
    }
    if (this.scheduler.complete) await this.complete();
    else this.emit();
  }

  private async complete() {
    if (this.isOver() || this.state === 'finishing') return;
    this.setState('finishing');
    for (const link of this.links.values()) link.close();
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
    for (const link of this.links.values()) link.close();
    this.emit();
    if (state !== 'done') this.settle?.reject(new DownloadError(this.error?.code ?? 'source_left', state));
  }

  /** Chunks went back to the queue: idle sources should ask for them. */
  private wakeAll() {
    for (const l of this.links.values()) l.kick();
  }

  private isOver() {
    return this.state === 'done' || this.state === 'failed' || this.state === 'cancelled';
  }

  private setState(state: DownloadState) {
    if (this.state !== state) {
      this.state = state;
      this.emit();
    }
  }

  private emit() {
    const s = this.status();
    for (const l of this.listeners) l(s);
  }

  private chunkLength(index: number): number {
    const { start, end } = chunkRange(this.spec.size, this.spec.chunkSize, index);
    return end - start;
  }
}

export class DownloadError extends Error {
  readonly code: DownloadErrorCode;
  constructor(code: DownloadErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** A source answered with a protocol error. */
export class SourceError extends Error {
  readonly code: DownloadErrorCode;
  constructor(code: DownloadErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function messageFor(code: DownloadErrorCode): string {
  switch (code) {
    case 'no_source':
      return 'Nobody who shares this file is online right now.';
    case 'source_left':
      return 'The device sending this file went away. Retry when it is back online.';
    case 'verification_failed':
      return 'The file that arrived did not match what was shared, so it was thrown away.';
    case 'not_found':
      return 'The device no longer shares this file.';
    case 'storage':
      return 'This device cannot store the download. Free some space and retry.';
  }
}

function randomTransferId(): number {
  return (crypto.getRandomValues(new Uint32Array(1))[0]! % 0xfffffffe) + 1;
}
