// Firecracker's `RateLimiter` on simulated time: a bytes bucket and an operations bucket, and the
// timer that blocks every request after a failure (100 ms) or an over-consumption.
import { ValidationError, type Micros } from '@strata/shared-types';
import { TokenBucket, type TokenBucketConfig } from './token-bucket.js';

/** Which bucket a request draws from: bandwidth (`bytes`) or operations (`ops`). */
export type TokenType = 'bytes' | 'ops';

/** Configuration of a rate limiter, as Firecracker's `RateLimiterConfig`: a missing bucket, or one with size 0 or refill time 0, does not limit. */
export interface RateLimiterConfig {
  readonly bandwidth?: TokenBucketConfig;
  readonly ops?: TokenBucketConfig;
}

/** Firecracker's refill timer interval after a failed request: 100 ms. */
export const RATE_LIMITER_RETRY_US = 100_000;

/**
 * Firecracker's `RateLimiter` with explicit integer-µs time. A failed `consume` blocks the limiter
 * for 100 ms (the refill timer); a request larger than its bucket proceeds but blocks the limiter
 * for floor(ratio·refillTimeMs) ms. While blocked, every `consume` fails, for either token type.
 * (The device re-polls when the timer fires; here the block simply ends at `blockedUntil`.)
 */
export class RateLimiter {
  /** The bytes bucket, or null when bandwidth is not limited. */
  readonly bandwidth: TokenBucket | null;
  /** The operations bucket, or null when operations are not limited. */
  readonly ops: TokenBucket | null;
  private _blockedUntil: number;

  /** A limiter created at `createdAt` (integer µs, default 0), its buckets full. Throws ValidationError for bad bucket fields. */
  constructor(config: RateLimiterConfig, createdAt = 0) {
    this.bandwidth = makeBucket(config.bandwidth, createdAt, 'bandwidth');
    this.ops = makeBucket(config.ops, createdAt, 'ops');
    this._blockedUntil = createdAt;
  }

  /** The time (µs) until which every request fails; ≤ now when not blocked. */
  get blockedUntil(): Micros {
    return this._blockedUntil as Micros;
  }

  /** True when requests at `now` fail because the timer is armed. */
  isBlocked(now: number): boolean {
    return now < this._blockedUntil;
  }

  /** Firecracker's `consume`: take `tokens` of `type` at `now`; true when the request may proceed. */
  consume(tokens: number, type: TokenType, now: number): boolean {
    const bucket = this.bucketOf(type);
    if (now < this._blockedUntil) return false;
    if (bucket === null) return true;
    const r = bucket.reduce(tokens, now);
    switch (r.kind) {
      case 'success':
        return true;
      case 'failure':
        this._blockedUntil = now + RATE_LIMITER_RETRY_US;
        return false;
      case 'overConsumption':
        // Firecracker truncates ratio·refill_time to whole ms.
        this._blockedUntil = now + Math.floor(r.ratio * bucket.refillTimeMs) * 1000;
        return true;
      default: {
        const unreachable: never = r;
        return unreachable;
      }
    }
  }

  /**
   * The earliest time t ≥ `now` at which `consume(tokens, type, t)` would succeed, provided no other
   * call reaches this limiter in between (a failed probe would arm the 100 ms timer).
   */
  whenAvailable(tokens: number, type: TokenType, now: number): Micros {
    const bucket = this.bucketOf(type);
    const start = Math.max(now, this._blockedUntil);
    return (bucket === null ? start : Math.max(start, bucket.whenAvailable(tokens, now))) as Micros;
  }

  /** Firecracker's `manual_replenish`: give back `tokens` of `type` (e.g. to undo a consume). */
  manualReplenish(tokens: number, type: TokenType): void {
    this.bucketOf(type)?.forceReplenish(tokens);
  }

  private bucketOf(type: TokenType): TokenBucket | null {
    if (type === 'bytes') return this.bandwidth;
    if (type === 'ops') return this.ops;
    throw new ValidationError(`token type must be 'bytes' or 'ops', got ${String(type)}`, { path: 'type', value: type, accepted: ['bytes', 'ops'] });
  }
}

function makeBucket(config: TokenBucketConfig | undefined, createdAt: number, path: string): TokenBucket | null {
  if (config === undefined || config.size === 0 || config.refillTimeMs === 0) return null;
  try {
    return new TokenBucket(config, createdAt);
  } catch (e) {
    if (e instanceof ValidationError) {
      const field = typeof e.details.path === 'string' ? `${path}.${e.details.path}` : path;
      throw new ValidationError(`${path}: ${e.message}`, { ...e.details, path: field }, { cause: e });
    }
    throw e;
  }
}
