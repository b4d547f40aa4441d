// Which chunks of one file a device holds (verified), as a bit per chunk: the have-map a partial source
// sends in `have` messages and a downloader keeps per source. Sized once from a chunk count that was
// already checked against the listing, so nothing a peer sends can make it grow. Pure: no I/O, no time.
import { MAX_HAVE_RANGES } from '../../../worker/protocol/transfer.ts';

export class HaveMap {
  readonly count: number;
  private readonly bits: Uint8Array;
  private held = 0;

  constructor(count: number) {
    this.count = count;
    this.bits = new Uint8Array(Math.ceil(count / 8));
  }

  /** A map of every chunk (a complete source). */
  static full(count: number): HaveMap {
    const m = new HaveMap(count);
    for (let i = 0; i < count; i++) m.add(i);
    return m;
  }

  get size(): number {
    return this.held;
  }

  get complete(): boolean {
    return this.held === this.count;
  }

  has(index: number): boolean {
    return index >= 0 && index < this.count && (this.bits[index >> 3]! & (1 << (index & 7))) !== 0;
  }

  /** Marks `index` held; false when it already was (or is out of range). */
  add(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.count || this.has(index)) return false;
    this.bits[index >> 3]! |= 1 << (index & 7);
    this.held++;
    return true;
  }

  /**
   * Adds a peer's claim: flat [start, end) pairs, ascending, each within the chunk count. All or nothing:
   * a malformed claim changes nothing and returns null; otherwise the indices that are new.
   */
  addRanges(flat: readonly number[]): number[] | null {
    if (!validRanges(flat, this.count)) return null;
    const added: number[] = [];
    for (let k = 0; k < flat.length; k += 2)
      for (let i = flat[k]!; i < flat[k + 1]!; i++) if (this.add(i)) added.push(i);
    return added;
  }

  /** The held chunks as have messages' payloads: flat [start, end) pairs, at most MAX_HAVE_RANGES each. */
  ranges(): number[][] {
    return toRanges(this.indices());
  }

  indices(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) if (this.has(i)) out.push(i);
    return out;
  }
}

/** Ascending, non-empty, non-overlapping [start, end) pairs inside [0, count). */
export function validRanges(flat: readonly number[], count: number): boolean {
  if (flat.length === 0 || flat.length % 2 !== 0 || flat.length > 2 * MAX_HAVE_RANGES) return false;
  let floor = 0;
  for (let k = 0; k < flat.length; k += 2) {
    const start = flat[k]!;
    const end = flat[k + 1]!;
    if (!Number.isInteger(start) || !Number.isInteger(end)) return false;
    if (start < floor || end <= start || end > count) return false;
    floor = end;
  }
  return true;
}

/** Indices (any order, duplicates allowed) as flat [start, end) pairs, split into messages. */
export function toRanges(indices: Iterable<number>): number[][] {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const messages: number[][] = [];
  let current: number[] = [];
  for (let k = 0; k < sorted.length; ) {
    const start = sorted[k]!;
    let end = start + 1;
    while (k + 1 < sorted.length && sorted[k + 1] === end) {
      end++;
      k++;
    }
    k++;
    if (current.length === 2 * MAX_HAVE_RANGES) {
      messages.push(current);
      current = [];
    }
    current.push(start, end);
  }
  if (current.length > 0) messages.push(current);
  return messages;
}
