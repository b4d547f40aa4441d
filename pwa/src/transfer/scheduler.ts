// Which chunk to ask which source for next. Pure: no timers, no I/O.
// Chunks go out lowest index first (so a file fills front to back and media can preview early); a chunk
// that fails verification goes back to the queue; a source that keeps sending bad data is dropped.

export type ChunkState = 'missing' | 'inflight' | 'done';

/** Bad chunks one source may send before the scheduler stops using it. */
export const MAX_BAD_CHUNKS_PER_SOURCE = 3;

export class ChunkScheduler {
  readonly count: number;
  private readonly state: Uint8Array; // 0 missing, 1 inflight, 2 done
  private readonly owner = new Map<number, string>();
  private readonly bad = new Map<string, number>();
  private readonly banned = new Set<string>();
  private cursor = 0; // every chunk below it is inflight or done
  private done = 0;
  /** Chunks that failed verification, over the whole transfer. */
  rejected = 0;

  constructor(count: number, alreadyDone: Iterable<number> = []) {
    this.count = count;
    this.state = new Uint8Array(count);
    for (const i of alreadyDone) {
      if (i >= 0 && i < count && this.state[i] !== 2) {
        this.state[i] = 2;
        this.done++;
      }
    }
  }

  get doneCount(): number {
    return this.done;
  }

  get complete(): boolean {
    return this.done === this.count;
  }

  stateOf(index: number): ChunkState {
    return (['missing', 'inflight', 'done'] as const)[this.state[index]!]!;
  }

  isUsable(source: string): boolean {
    return !this.banned.has(source);
  }

  /** Up to `max` missing chunks for `source`, now marked in flight. Empty when it is banned or all is taken. */
  take(source: string, max: number): number[] {
    if (this.banned.has(source)) return [];
    const out: number[] = [];
    for (let i = this.cursor; i < this.count && out.length < max; i++) {
      if (this.state[i] !== 0) {
        if (i === this.cursor) this.cursor++;
        continue;
      }
      this.state[i] = 1;
      this.owner.set(i, source);
      out.push(i);
    }
    return out;
  }

  inflight(source: string): number[] {
    return [...this.owner].filter(([, s]) => s === source).map(([i]) => i);
  }

  /** The chunk arrived and verified. Returns false if it was not expected (already done, or never asked). */
  markDone(index: number): boolean {
    if (this.state[index] !== 1) return false;
    this.state[index] = 2;
    this.owner.delete(index);
    this.done++;
    return true;
  }

  /** The chunk failed verification: ask again (maybe elsewhere). Returns whether the source is now banned. */
  reject(index: number): boolean {
    const source = this.owner.get(index);
    this.requeue(index);
    this.rejected++;
    if (source === undefined) return false;
    const n = (this.bad.get(source) ?? 0) + 1;
    this.bad.set(source, n);
    if (n >= MAX_BAD_CHUNKS_PER_SOURCE) {
      this.banned.add(source);
      this.release(source);
      return true;
    }
    return false;
  }

  /** The source left or failed: everything it had in flight goes back to the queue. */
  release(source: string): void {
    for (const i of this.inflight(source)) this.requeue(i);
  }

  private requeue(index: number) {
    if (this.state[index] !== 1) return;
    this.state[index] = 0;
    this.owner.delete(index);
    if (index < this.cursor) this.cursor = index;
  }
}
