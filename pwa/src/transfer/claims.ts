// What a partial source says it holds (its have-map) and what it says is on its way to it (`coming`):
// the downloader's view of one partial source. A `coming` claim only makes the downloader leave a chunk
// to that source for a while instead of fetching it from the original (slow) source a second time; it
// never makes it ask that source for the chunk (only a `have` does). So a source that claims and never
// delivers costs little: its claims count only while its have-map grows (COMING_STALL_MS), each for at
// most COMING_MS, and once one expires unkept none of its claims counts again.
// Pure: the caller passes the time. Bounded: a claim set is at most MAX_COMING_CHUNKS chunks.
import { COMING_MS, MAX_COMING_CHUNKS } from '../../../worker/protocol/transfer.ts';
import { HaveMap, toRanges, validRanges } from './haveMap.ts';

/**
 * A `coming` message's ranges for these requested chunks: the lowest MAX_COMING_CHUNKS of them, in one
 * message's worth of ranges (what does not fit is simply not claimed: the peer may fetch it elsewhere).
 */
export function comingRanges(requested: Iterable<number>): number[] {
  const lowest = [...new Set(requested)].sort((a, b) => a - b).slice(0, MAX_COMING_CHUNKS);
  return toRanges(lowest)[0] ?? [];
}

/**
 * Claims count only while the claimer makes progress: when its have-map has not grown for this long, its
 * own sources are stalled (or it lies), and what it says is coming is fetched elsewhere meanwhile.
 */
export const COMING_STALL_MS = 2000;

export class PeerHave extends HaveMap {
  /** the held count when last looked at, and when it last grew (or was first looked at) */
  private lastSize = -1;
  private progressAt = 0;
  /** claimed chunk -> when it was first claimed (a claim repeated is not a claim renewed) */
  private claimed = new Map<number, number>();
  /** it broke a claim: its claims count no more */
  private distrusted = false;

  /** Chunks claimed now (not yet held, not expired, nor ignored). */
  get claims(): number {
    return this.distrusted ? 0 : this.claimed.size;
  }

  /**
   * Replaces the claim set with a `coming` message's ranges. All or nothing: false, and nothing changes,
   * for ranges that are malformed, outside the file, or claim more than MAX_COMING_CHUNKS chunks.
   */
  setComing(flat: readonly number[], now: number): boolean {
    if (flat.length > 0 && !validRanges(flat, this.count)) return false;
    let total = 0;
    for (let k = 0; k < flat.length; k += 2) total += flat[k + 1]! - flat[k]!;
    if (total > MAX_COMING_CHUNKS) return false;
    const next = new Map<number, number>();
    for (let k = 0; k < flat.length; k += 2)
      for (let i = flat[k]!; i < flat[k + 1]!; i++) if (!this.has(i)) next.set(i, this.claimed.get(i) ?? now);
    this.claimed = next;
    return true;
  }

  /** Whether `index` is on its way here: claimed less than COMING_MS ago, not yet held, and trusted. */
  coming(index: number, now: number): boolean {
    if (this.distrusted) return false;
    const since = this.claimed.get(index);
    if (since === undefined) return false;
    if (this.has(index)) {
      this.claimed.delete(index);
      return false;
    }
    if (this.size !== this.lastSize) {
      this.lastSize = this.size;
      this.progressAt = now;
    }
    if (now - this.progressAt > COMING_STALL_MS) return false;
    if (now - since <= COMING_MS) return true;
    // overdue: slow or lying, either way not worth waiting for again
    this.distrusted = true;
    this.claimed.clear();
    return false;
  }
}
