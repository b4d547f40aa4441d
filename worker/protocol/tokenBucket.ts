// A token bucket on a clock the caller passes in: the signaling relay's per-device limits and a
// downloader's budget for a peer's messages use the same one.

export interface RateLimits {
  burst: number;
  perSecond: number;
}

/** A token bucket: `burst` messages at once, refilled at `perSecond`. */
export class TokenBucket {
  private readonly limits: RateLimits;
  private tokens: number;
  private last: number;

  constructor(limits: RateLimits, now: number) {
    this.limits = limits;
    this.tokens = limits.burst;
    this.last = now;
  }

  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Refilled to the burst: remembering it any longer changes nothing. */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.limits.burst;
  }

  private refill(now: number) {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.limits.burst, this.tokens + elapsed * this.limits.perSecond);
    this.last = Math.max(this.last, now);
  }
}
