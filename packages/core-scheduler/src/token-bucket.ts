// Firecracker's token bucket on simulated time: a bucket of `size` tokens that refills in
// `refillTimeMs`, plus a one-time burst, with the exact integer arithmetic of the real VMM.
import { ValidationError, type Micros } from '@strata/shared-types';

/** A bucket's configuration, as in Firecracker's `TokenBucket` API object: all non-negative safe integers. */
export interface TokenBucketConfig {
  /** Tokens the bucket holds when full (bytes or operations); ≥ 1. */
  readonly size: number;
  /** Extra tokens available once, consumed before the bucket and never refilled; default 0. */
  readonly oneTimeBurst?: number;
  /** Milliseconds to refill from empty to full; ≥ 1. */
  readonly refillTimeMs: number;
}

/** Outcome of `TokenBucket.reduce`, as Firecracker's `BucketReduction`. */
export type BucketReduction =
  | { readonly kind: 'success' }
  | { readonly kind: 'failure' }
  /** The request exceeded the bucket size: it proceeds, the bucket is emptied, and `ratio` = (tokens not covered) / size. */
  | { readonly kind: 'overConsumption'; readonly ratio: number };

/**
 * A bucket's whole state as plain, JSON-serializable data (`TokenBucket.state()` / `TokenBucket.restore`),
 * as Firecracker's `Persist` state of its `TokenBucket`. All safe integers; times in µs. The two times
 * may be negative when a caller rebases a saved state onto an earlier clock (shifting both by the same amount).
 */
export interface TokenBucketState {
  readonly size: number;
  readonly refillTimeMs: number;
  readonly initialOneTimeBurst: number;
  /** Tokens in the bucket (0..size). */
  readonly budget: number;
  /** One-time burst left (0..initialOneTimeBurst). */
  readonly oneTimeBurst: number;
  /** The refill phase: last replenish instant, µs part. */
  readonly lastUpdateUs: number;
  /** The refill phase: last replenish instant, ns beyond `lastUpdateUs` (0..999). */
  readonly lastUpdateRemNs: number;
  /** The latest time the bucket was given, µs: earlier times are refused. */
  readonly lastSeenUs: number;
}

const NS_PER_US = 1000;
const NS_PER_MS = 1_000_000;
const SUCCESS: BucketReduction = Object.freeze({ kind: 'success' });
const FAILURE: BucketReduction = Object.freeze({ kind: 'failure' });

/**
 * Firecracker's `TokenBucket` (src/vmm/src/rate_limiter/mod.rs) with time passed in explicitly as
 * integer µs. Reproduced exactly: the bucket starts full; the one-time burst is spent first and
 * never refills; refill is lazy — only a request the budget cannot cover replenishes, by
 * floor(elapsed·size/refillTime) whole tokens since the last replenish (a full refill time or more
 * fills the bucket), carrying the unused fraction of time in nanoseconds; a request served wholly from the burst
 * restarts the refill clock. Because refill is lazy, time spent full since the last replenish still
 * earns credit later (as in Firecracker). A request larger than the size (after the burst) always
 * proceeds, empties the bucket and reports over-consumption. Time must never go backwards.
 */
export class TokenBucket {
  /** Full-bucket size in tokens. */
  readonly size: number;
  /** Refill time from empty to full, in ms. */
  readonly refillTimeMs: number;
  /** The one-time burst configured at creation. */
  readonly initialOneTimeBurst: number;
  private _budget: number;
  private _burst: number;
  // Last replenish instant, in ns split as µs + ns remainder (0..999) so it stays exact for any µs time.
  private lastUpdateUs: number;
  private lastUpdateRemNs: number;
  private lastSeen: number;
  // size / refill_ns reduced by their gcd, as Firecracker does, to keep products small.
  private readonly pCap: number;
  private readonly pTime: number;

  /** A full bucket created at `createdAt` (integer µs, default 0). Throws ValidationError for a non-integer, negative, or zero size/refill time. */
  constructor(config: TokenBucketConfig, createdAt = 0) {
    const size = requireCount(config.size, 'size', 1);
    const refillTimeMs = requireCount(config.refillTimeMs, 'refillTimeMs', 1);
    const burst = requireCount(config.oneTimeBurst ?? 0, 'oneTimeBurst', 0);
    requireTime(createdAt, 'createdAt');
    const refillNs = refillTimeMs * NS_PER_MS;
    if (!Number.isSafeInteger(refillNs)) {
      throw new ValidationError(`refillTimeMs ${refillTimeMs} is too large: at most ${Math.floor(Number.MAX_SAFE_INTEGER / NS_PER_MS)} ms`, { path: 'refillTimeMs', value: refillTimeMs });
    }
    this.size = size;
    this.refillTimeMs = refillTimeMs;
    this.initialOneTimeBurst = burst;
    this._budget = size;
    this._burst = burst;
    this.lastUpdateUs = createdAt;
    this.lastUpdateRemNs = 0;
    this.lastSeen = createdAt;
    const g = gcd(size, refillNs);
    this.pCap = size / g;
    this.pTime = refillNs / g;
  }

  /** Tokens in the bucket now, not counting the one-time burst (as Firecracker's `budget()`: no replenish). */
  get budget(): number {
    return this._budget;
  }

  /** One-time burst tokens left. */
  get oneTimeBurst(): number {
    return this._burst;
  }

  /**
   * Firecracker's `reduce`: try to take `tokens` (non-negative safe integer) at time `now` (integer µs,
   * ≥ every earlier time given). `failure` changes nothing but the lazy replenish.
   */
  reduce(tokens: number, now: number): BucketReduction {
    requireCount(tokens, 'tokens', 0);
    this.advance(now);
    let need = tokens;
    if (this._burst > 0) {
      if (this._burst >= need) {
        this._burst -= need;
        this.lastUpdateUs = now;
        this.lastUpdateRemNs = 0;
        return SUCCESS;
      }
      need -= this._burst;
      this._burst = 0;
    }
    if (need > this._budget) {
      this.replenish(now);
      if (need > this.size) {
        const uncovered = need - this._budget;
        this._budget = 0;
        return { kind: 'overConsumption', ratio: uncovered / this.size };
      }
      if (need > this._budget) return FAILURE;
    }
    this._budget -= need;
    return SUCCESS;
  }

  /** True when `reduce(tokens, now)` proceeds (success or over-consumption); consumes the tokens if so. */
  tryConsume(tokens: number, now: number): boolean {
    return this.reduce(tokens, now).kind !== 'failure';
  }

  /**
   * The earliest time t ≥ `now` (integer µs) at which `reduce(tokens, t)` would not fail, provided no
   * other call reaches this bucket in between. Exact: at t it proceeds; at t − 1 (if ≥ now) it fails.
   */
  whenAvailable(tokens: number, now: number): Micros {
    requireCount(tokens, 'tokens', 0);
    requireTime(now, 'now');
    this.checkNotBackwards(now);
    const need = tokens - this._burst;
    if (need <= this._budget || need > this.size) return now as Micros;
    // Replenish at elapsed Δ ns yields floor(Δ·pCap/pTime) tokens; the least Δ giving `short` tokens
    // is ceil(short·pTime/pCap), never more than the full refill time since short ≤ size.
    const short = need - this._budget;
    const deltaNs = mulDivCeil(short, this.pTime, this.pCap);
    const t = this.lastUpdateUs + Math.ceil((this.lastUpdateRemNs + deltaNs) / NS_PER_US);
    return Math.max(now, t) as Micros;
  }

  /** Firecracker's `force_replenish`: add `tokens` to the burst while any burst is left (up to its initial value), else to the budget (up to size). */
  forceReplenish(tokens: number): void {
    requireCount(tokens, 'tokens', 0);
    if (this._burst > 0) {
      this._burst = Math.min(this._burst + tokens, this.initialOneTimeBurst);
      return;
    }
    this._budget = Math.min(this._budget + tokens, this.size);
  }

  /** An independent copy with the same state, to ask "what if" without disturbing this bucket. */
  clone(): TokenBucket {
    const c = Object.create(TokenBucket.prototype) as TokenBucket;
    Object.assign(c, this);
    return c;
  }

  /** This bucket's state as plain data; `TokenBucket.restore(state)` gives a bucket that behaves identically from then on. */
  state(): TokenBucketState {
    return {
      size: this.size,
      refillTimeMs: this.refillTimeMs,
      initialOneTimeBurst: this.initialOneTimeBurst,
      budget: this._budget,
      oneTimeBurst: this._burst,
      lastUpdateUs: this.lastUpdateUs,
      lastUpdateRemNs: this.lastUpdateRemNs,
      lastSeenUs: this.lastSeen,
    };
  }

  /**
   * A bucket in `state` (as `state()` returned it, possibly through JSON). ValidationError for a
   * malformed state: a config the constructor refuses, counts out of range, or non-integer times.
   */
  static restore(state: TokenBucketState): TokenBucket {
    if (state === null || typeof state !== 'object') throw new ValidationError(`a token bucket state must be an object, got ${String(state)}`, { path: '', value: state });
    const b = new TokenBucket({ size: state.size, refillTimeMs: state.refillTimeMs, oneTimeBurst: state.initialOneTimeBurst });
    requireCount(state.budget, 'budget', 0);
    if (state.budget > b.size) throw new ValidationError(`budget ${state.budget} exceeds size ${b.size}`, { path: 'budget', value: state.budget, accepted: `0..${b.size}` });
    requireCount(state.oneTimeBurst, 'oneTimeBurst', 0);
    if (state.oneTimeBurst > b.initialOneTimeBurst) throw new ValidationError(`oneTimeBurst ${state.oneTimeBurst} exceeds initialOneTimeBurst ${b.initialOneTimeBurst}`, { path: 'oneTimeBurst', value: state.oneTimeBurst, accepted: `0..${b.initialOneTimeBurst}` });
    for (const key of ['lastUpdateUs', 'lastSeenUs'] as const) {
      if (!Number.isSafeInteger(state[key])) throw new ValidationError(`${key} must be an integer (µs), got ${String(state[key])}`, { path: key, value: state[key], accepted: 'safe integer (µs)' });
    }
    if (!Number.isSafeInteger(state.lastUpdateRemNs) || state.lastUpdateRemNs < 0 || state.lastUpdateRemNs >= NS_PER_US) {
      throw new ValidationError(`lastUpdateRemNs must be an integer in 0..999, got ${String(state.lastUpdateRemNs)}`, { path: 'lastUpdateRemNs', value: state.lastUpdateRemNs, accepted: 'integer 0..999' });
    }
    b._budget = state.budget;
    b._burst = state.oneTimeBurst;
    b.lastUpdateUs = state.lastUpdateUs;
    b.lastUpdateRemNs = state.lastUpdateRemNs;
    b.lastSeen = state.lastSeenUs;
    return b;
  }

  private advance(now: number): void {
    requireTime(now, 'now');
    this.checkNotBackwards(now);
    this.lastSeen = now;
  }

  private checkNotBackwards(now: number): void {
    if (now < this.lastSeen) {
      throw new ValidationError(`now ${now}us is earlier than ${this.lastSeen}us, a time this bucket has already seen; time must not go backwards`, { path: 'now', value: now, accepted: `integer >= ${this.lastSeen}` });
    }
  }

  // Firecracker's auto_replenish, in ns.
  private replenish(now: number): void {
    const deltaNs = (now - this.lastUpdateUs) * NS_PER_US - this.lastUpdateRemNs;
    if (deltaNs >= this.refillTimeMs * NS_PER_MS) {
      this._budget = this.size;
      this.lastUpdateUs = now;
      this.lastUpdateRemNs = 0;
      return;
    }
    const tokens = mulDivFloor(deltaNs, this.pCap, this.pTime);
    // Advance the refill clock only by the time those whole tokens took (rounded up), so the
    // fraction of a token carries over to the next replenish.
    const adjustNs = mulDivCeil(tokens, this.pTime, this.pCap);
    const total = this.lastUpdateRemNs + adjustNs;
    this.lastUpdateUs += Math.floor(total / NS_PER_US);
    this.lastUpdateRemNs = total % NS_PER_US;
    this._budget = Math.min(this._budget + tokens, this.size);
  }
}

function requireCount(value: number, path: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValidationError(`${path} must be an integer >= ${min}, got ${String(value)}`, { path, value, accepted: `safe integer >= ${min}` });
  }
  return value;
}

function requireTime(value: number, path: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(`${path} must be a time in integer microseconds >= 0, got ${String(value)}`, { path, value, accepted: 'safe integer >= 0 (µs)' });
  }
}

function gcd(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

// Below 2^52 the product and q·c are exact doubles, so a float quotient corrected by its integer
// remainder is exact; above, BigInt.
const EXACT_LIMIT = 2 ** 52;

/** floor(a·b/c) for non-negative safe integers (c ≥ 1), exact. */
function mulDivFloor(a: number, b: number, c: number): number {
  const p = a * b;
  if (p > EXACT_LIMIT) return Number((BigInt(a) * BigInt(b)) / BigInt(c));
  return floorDivExact(p, c);
}

/** ceil(a·b/c) for non-negative safe integers (c ≥ 1), exact. */
function mulDivCeil(a: number, b: number, c: number): number {
  const p = a * b;
  if (p > EXACT_LIMIT) {
    const C = BigInt(c);
    return Number((BigInt(a) * BigInt(b) + C - 1n) / C);
  }
  const q = floorDivExact(p, c);
  return p - q * c > 0 ? q + 1 : q;
}

function floorDivExact(p: number, c: number): number {
  let q = Math.floor(p / c);
  const r = p - q * c;
  if (r < 0) q -= 1;
  else if (r >= c) q += 1;
  return q;
}
