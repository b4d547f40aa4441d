// Signaling limits kept per device, not per socket, so that reconnecting never buys a fresh burst: frames
// per device, connections per device, and what one device may send one other device (OFFERs and frames
// per destination), which bounds what a hostile member can make another member's tab hold.
// Pure: time comes in as an argument.
import { SIGNALING_LIMITS } from '../protocol/signaling.ts';
import { type RateLimits, TokenBucket } from './rules.ts';

/** Buckets that refilled completely are dropped past this many, so memory stays bounded. */
const PRUNE_ABOVE = 10_000;

export interface DeviceRates {
  frames: RateLimits;
  connects: RateLimits;
  offersPerPair: RateLimits;
  framesPerPair: RateLimits;
}

const L = SIGNALING_LIMITS;
export const DEFAULT_RATES: DeviceRates = {
  frames: { burst: L.burst, perSecond: L.perSecond },
  connects: { burst: L.connectBurst, perSecond: 1000 / L.connectRefillMs },
  offersPerPair: { burst: L.offerBurst, perSecond: 1000 / L.offerRefillMs },
  framesPerPair: { burst: L.pairBurst, perSecond: L.pairPerSecond },
};

class Buckets {
  private readonly map = new Map<string, TokenBucket>();
  private readonly limits: () => RateLimits;

  constructor(limits: () => RateLimits) {
    this.limits = limits;
  }

  get(key: string, now: number): TokenBucket {
    let bucket = this.map.get(key);
    if (!bucket) {
      if (this.map.size >= PRUNE_ABOVE) this.prune(now);
      bucket = new TokenBucket(this.limits(), now);
      this.map.set(key, bucket);
    }
    return bucket;
  }

  take(key: string, now: number): boolean {
    return this.get(key, now).take(now);
  }

  prune(now: number) {
    for (const [key, bucket] of this.map) if (bucket.full(now)) this.map.delete(key);
  }
}

export class DeviceLimits {
  /** Replaceable in tests (and lifted by a load test through the rate-limit switch). */
  rates: DeviceRates;
  private readonly frames = new Buckets(() => this.rates.frames);
  private readonly connects = new Buckets(() => this.rates.connects);
  private readonly offers = new Buckets(() => this.rates.offersPerPair);
  private readonly pairs = new Buckets(() => this.rates.framesPerPair);

  constructor(rates: DeviceRates = DEFAULT_RATES) {
    this.rates = rates;
  }

  /** The device's frame bucket (charged for every frame, valid or not). */
  frameBucket(peer: string, now: number): TokenBucket {
    return this.frames.get(peer, now);
  }

  connect(peer: string, now: number): boolean {
    return this.connects.take(peer, now);
  }

  /** Whether `src` may send one more frame of this type to `dst` now. */
  toPeer(src: string, dst: string, type: string, now: number): boolean {
    const key = `${src}>${dst}`;
    if (!this.pairs.take(key, now)) return false;
    return type !== 'OFFER' || this.offers.take(key, now);
  }

  prune(now: number) {
    for (const b of [this.frames, this.connects, this.offers, this.pairs]) b.prune(now);
  }
}
