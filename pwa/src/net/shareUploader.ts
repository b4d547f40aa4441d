// Adding files to a room: hash each one in the worker (one after another, cancellable), then register
// the whole batch with the tracker (split into requests it accepts). While the tracker is unreachable
// the batch waits and goes out by itself when it is back.
import type { ShareFileInput } from '../../../worker/protocol/api.ts';
import { type PickedFile, splitBatch, toShareInput } from '../state/shareInput.ts';
import type { FileHash } from '../transfer/hashing.ts';
import { ApiError, isOffline } from './api.ts';
import { Retrier } from './backoff.ts';
import type { ReadableHandle } from './fsAccess.ts';
import { HashCancelled, type HashJob } from './hashClient.ts';
import { Observable } from './observable.ts';
import { onBrowserOnline } from './online.ts';
import type { Session } from './session.ts';
import { rememberShares, type SharedFiles } from './sharedFiles.ts';

/** What the uploader needs of the session: the tracker, the hashing worker, and the files served here. */
type UploaderSession = Pick<Session, 'api' | 'hashQueue'> & { transfers: { shared: SharedFiles } };

/** queued -> hashing -> ready (the rest of the batch is still hashing) -> sharing -> shared. */
export type UploadState =
  | 'queued'
  | 'hashing'
  | 'ready'
  | 'waiting'
  | 'sharing'
  | 'shared'
  | 'failed'
  | 'cancelled';

export interface UploadItem {
  id: number;
  name: string;
  path: string;
  size: number;
  hashed: number;
  state: UploadState;
  error?: string;
}

export interface ShareRequest extends PickedFile {
  handle?: ReadableHandle;
  /** Known already (a remembered file that did not change): no need to hash it again. */
  hash?: FileHash;
}

/** A share the tracker accepted, with what was sent for it. */
export interface RegisteredShare {
  share: { shareId: string; contentId: string; name: string; path: string };
  input: ShareFileInput;
}

interface Work extends ShareRequest {
  id: number;
  job?: HashJob;
}

let nextId = 1;

export class ShareUploader {
  readonly items = new Observable<UploadItem[]>([]);
  private readonly works = new Map<number, Work>();
  private readonly abort = new AbortController();
  private readonly retrier = new Retrier({ baseMs: 1000, maxMs: 30_000 });
  private readonly offReach: () => void;
  private readonly offOnline: () => void;

  private readonly roomId: string;
  private readonly session: UploaderSession;
  private readonly joined: (signal: AbortSignal) => Promise<boolean>;
  private readonly onShared: (shared: RegisteredShare[]) => void;

  /**
   * `joined` resolves once this device is a member of the room (false when aborted): files picked the
   * moment a link opens hash faster than the join completes, and the tracker refuses shares from a
   * device that is not a member yet.
   */
  constructor(
    roomId: string,
    session: UploaderSession,
    joined: (signal: AbortSignal) => Promise<boolean> = async () => true,
    onShared: (shared: RegisteredShare[]) => void = () => {},
  ) {
    this.roomId = roomId;
    this.session = session;
    this.joined = joined;
    this.onShared = onShared;
    this.offReach = session.api.reachability.subscribe(() => {
      if (session.api.reachability.get() === 'reachable') this.retrier.wake();
    });
    this.offOnline = onBrowserOnline(() => this.retrier.wake());
  }

  dispose(): void {
    this.abort.abort();
    this.offReach();
    this.offOnline();
    for (const w of this.works.values()) w.job?.cancel();
  }

  cancel(id: number): void {
    const work = this.works.get(id);
    if (!work) return;
    work.job?.cancel();
    this.patch([id], { state: 'cancelled' });
  }

  /** One batch: everything picked or dropped at once goes to the tracker together. */
  async add(requests: ShareRequest[]): Promise<void> {
    if (requests.length === 0) return;
    const works: Work[] = requests.map((r) => ({ ...r, id: nextId++ }));
    for (const w of works) this.works.set(w.id, w);
    this.items.update((items) => [
      ...items,
      ...works.map(
        (w): UploadItem => ({
          id: w.id,
          name: w.file.name,
          path: w.path,
          size: w.file.size,
          hashed: w.hash ? w.file.size : 0,
          state: w.hash ? 'ready' : 'queued',
        }),
      ),
    ]);
    const hashed = await Promise.all(works.map((w) => this.hashOne(w)));
    const ready = works.filter((w, i) => hashed[i] && this.stateOf(w.id) !== 'cancelled');
    for (const chunk of splitBatch(ready)) await this.register(chunk);
    // leave the outcome on screen for a moment, then keep only what needs attention
    setTimeout(() => this.forget(works.map((w) => w.id)), 2500);
  }

  private async hashOne(w: Work): Promise<boolean> {
    if (w.hash) return true;
    const job = this.session.hashQueue.hash(w.file, (bytes) =>
      this.patch([w.id], { hashed: bytes, state: 'hashing' }),
    );
    w.job = job;
    try {
      w.hash = await job.promise;
      this.patch([w.id], { hashed: w.file.size, state: 'ready' });
      return true;
    } catch (error) {
      if (error instanceof HashCancelled) this.patch([w.id], { state: 'cancelled' });
      else this.patch([w.id], { state: 'failed', error: `This file could not be read (${String(error)}).` });
      return false;
    }
  }

  private async register(chunk: Work[]): Promise<void> {
    const ids = chunk.map((w) => w.id);
    const inputs: ShareFileInput[] = chunk.map((w) =>
      toShareInput({ name: w.file.name, type: w.file.type, path: w.path }, w.hash!),
    );
    const shared = this.session.transfers.shared;
    for (const w of chunk) shared.stage(w.file, w.hash!, this.roomId);
    const unstage = () => {
      for (const w of chunk) shared.unstage(w.hash!.contentId, this.roomId);
    };
    for (;;) {
      if (this.abort.signal.aborted) return unstage();
      this.patch(ids, { state: 'waiting' });
      if (!(await this.joined(this.abort.signal))) {
        if (!this.abort.signal.aborted) {
          this.patch(ids, { state: 'failed', error: 'This device is not in this room (any more).' });
        }
        return unstage();
      }
      this.patch(ids, { state: 'sharing' });
      try {
        const { shares } = await this.session.api.createShares(this.roomId, inputs);
        this.onShared(shares.map((share, i) => ({ share, input: inputs[i]! })));
        await rememberShares(
          shared,
          this.roomId,
          chunk.map((w, i) => ({ file: w.file, hash: w.hash!, handle: w.handle, share: shares[i]! })),
        );
        this.patch(ids, { state: 'shared' });
        this.retrier.reset();
        return;
      } catch (error) {
        if (!isOffline(error)) {
          const words = error instanceof ApiError ? `${error.message} ${error.detail}`.trim() : String(error);
          this.patch(ids, { state: 'failed', error: words });
          return unstage();
        }
        this.patch(ids, { state: 'waiting' });
        if (!(await this.retrier.wait(this.abort.signal))) return unstage();
      }
    }
  }

  private stateOf(id: number): UploadState | undefined {
    return this.items.get().find((i) => i.id === id)?.state;
  }

  private patch(ids: number[], patch: Partial<UploadItem>): void {
    const set = new Set(ids);
    this.items.update((items) =>
      items.map((item) => {
        // a cancelled item stays cancelled whatever a late progress message says
        if (!set.has(item.id) || (item.state === 'cancelled' && patch.state !== 'cancelled')) return item;
        return { ...item, ...patch };
      }),
    );
  }

  private forget(ids: number[]): void {
    const set = new Set(ids);
    this.items.update((items) => items.filter((i) => !set.has(i.id) || i.state === 'failed'));
    for (const id of ids) if (this.stateOf(id) !== 'failed') this.works.delete(id);
  }

  dismiss(id: number): void {
    this.items.update((items) => items.filter((i) => i.id !== id));
    this.works.delete(id);
  }
}
