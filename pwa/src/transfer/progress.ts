// Progress, speed and ETA for the user. Pure: the caller passes the clock.

/**
 * Progress alone reaches the page at most this often (state changes go at once): every event re-renders
 * the transfer lists, and on a 2-core device that CPU is taken from the transport itself.
 */
export const PROGRESS_EMIT_MS = 250;

export interface ProgressSnapshot {
  bytes: number;
  total: number;
  /** 0..1 */
  fraction: number;
  /** bytes per second over the recent window, 0 until there is enough data */
  speed: number;
  /** seconds left at the current speed, null when unknown */
  eta: number | null;
}

/** Speed over a sliding window, so a stall shows quickly and a burst does not dominate for long. */
export class SpeedMeter {
  private samples: { t: number; bytes: number }[] = [];
  private readonly windowMs: number;

  constructor(windowMs = 3000) {
    this.windowMs = windowMs;
  }

  /** Records the running byte count at time `t` (ms). */
  add(t: number, bytes: number): void {
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[1]!.t >= this.windowMs) this.samples.shift();
  }

  /** Bytes per second at time `now`. */
  speed(now: number): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last === first) return 0;
    // a silence since the last sample counts: a stalled transfer slows to 0 rather than freezing
    const span = Math.max(now, last.t) - first.t;
    return span > 0 ? ((last.bytes - first.bytes) * 1000) / span : 0;
  }
}

export function snapshot(bytes: number, total: number, speed: number): ProgressSnapshot {
  const remaining = Math.max(0, total - bytes);
  return {
    bytes,
    total,
    fraction: total === 0 ? 1 : Math.min(1, bytes / total),
    speed,
    eta: remaining === 0 ? 0 : speed > 0 ? remaining / speed : null,
  };
}
