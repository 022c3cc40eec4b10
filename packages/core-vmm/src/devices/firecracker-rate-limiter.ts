// Firecracker's device rate limiter (rx/tx of a NIC, a drive's limiter) in its API shape, built on
// core-scheduler's TokenBucket, with PATCH updates that replace one bucket and keep the other.
import { RATE_LIMITER_RETRY_US, TokenBucket, type TokenBucketState, type TokenType } from '@strata/core-scheduler';
import { shownValue, ValidationError, type Micros } from '@strata/shared-types';

/** Firecracker's `TokenBucket` API object (swagger): `size` tokens, `one_time_burst` extra once, `refill_time` ms to refill from empty. */
export interface FirecrackerTokenBucket {
  readonly size: number;
  readonly one_time_burst?: number;
  readonly refill_time: number;
}

/** Firecracker's `RateLimiter` API object: a missing bucket, or one with size 0 or refill_time 0, does not limit. */
export interface FirecrackerRateLimiterConfig {
  readonly bandwidth?: FirecrackerTokenBucket;
  readonly ops?: FirecrackerTokenBucket;
}

/** A limiter's live state as plain data: both buckets (null: disabled) and the armed timer, times in µs. */
export interface FirecrackerRateLimiterState {
  readonly bandwidth: TokenBucketState | null;
  readonly ops: TokenBucketState | null;
  /** Until when every request fails (≤ the save time when not blocked). */
  readonly blockedUntilUs: number;
}

/**
 * Firecracker's `RateLimiter` (src/vmm/src/rate_limiter/mod.rs) on simulated time. Its `consume`
 * rule is core-scheduler's `RateLimiter.consume` exactly (a failure blocks every request for
 * 100 ms; an over-consumption passes and blocks for ⌊ratio·refill_time⌋ ms; while blocked every
 * request fails); a test holds the two together. It composes core-scheduler's `TokenBucket`s
 * itself because Firecracker's `update_buckets` (PATCH after boot) replaces one bucket with a new,
 * full one while keeping the other bucket's state and the armed timer, which core-scheduler's
 * `RateLimiter`, with fixed buckets, cannot do.
 */
export class FirecrackerRateLimiter {
  private bandwidthBucket: TokenBucket | null;
  private opsBucket: TokenBucket | null;
  private _blockedUntil: number;
  private configValue: FirecrackerRateLimiterConfig;

  /** A limiter created at `now` (integer µs), buckets full. ValidationError for a malformed bucket. */
  constructor(config: FirecrackerRateLimiterConfig = {}, now = 0) {
    requireConfigObject(config, 'config');
    requireTime(now, 'now', 0);
    const bw = makeBucket(config.bandwidth, now, 'bandwidth');
    const ops = makeBucket(config.ops, now, 'ops');
    this.bandwidthBucket = bw;
    this.opsBucket = ops;
    this._blockedUntil = now;
    this.configValue = normalize(config);
  }

  /** The configuration as Firecracker reports it (disabled buckets omitted). */
  get config(): FirecrackerRateLimiterConfig {
    return this.configValue;
  }

  /** The bytes bucket (null: unlimited). */
  get bandwidth(): TokenBucket | null {
    return this.bandwidthBucket;
  }

  /** The operations bucket (null: unlimited). */
  get ops(): TokenBucket | null {
    return this.opsBucket;
  }

  /** Until when (µs) every request fails: the refill timer. ≤ now when not blocked. */
  get blockedUntil(): Micros {
    return this._blockedUntil as Micros;
  }

  /** True when the refill timer is armed at `now`. */
  isBlocked(now: number): boolean {
    return now < this._blockedUntil;
  }

  /** Firecracker's `consume(tokens, type)` at `now`; true when the request may proceed. */
  consume(tokens: number, type: TokenType, now: number): boolean {
    requireTokenType(type);
    requireTime(now, 'now', Number.MIN_SAFE_INTEGER);
    if (!Number.isSafeInteger(tokens) || tokens < 0) throw new ValidationError(`tokens must be an integer >= 0, got ${shownValue(tokens)}`, { path: 'tokens', value: tokens, accepted: 'safe integer >= 0' });
    if (now < this._blockedUntil) return false;
    const bucket = type === 'bytes' ? this.bandwidthBucket : this.opsBucket;
    if (bucket === null) return true;
    const r = bucket.reduce(tokens, now);
    switch (r.kind) {
      case 'success':
        return true;
      case 'failure':
        this._blockedUntil = now + RATE_LIMITER_RETRY_US;
        return false;
      case 'overConsumption':
        // Firecracker casts ratio·refill_time (f64 ms) to whole ms; the model's clock ends at 2^53 − 1 µs.
        this._blockedUntil = Math.min(now + Math.floor(r.ratio * bucket.refillTimeMs) * 1000, Number.MAX_SAFE_INTEGER);
        return true;
      default: {
        const unreachable: never = r;
        return unreachable;
      }
    }
  }

  /** The buckets' states and the timer, as plain data (`FirecrackerRateLimiter.restore`). */
  state(): FirecrackerRateLimiterState {
    return { bandwidth: this.bandwidthBucket?.state() ?? null, ops: this.opsBucket?.state() ?? null, blockedUntilUs: this._blockedUntil };
  }

  /**
   * A limiter with `config` (as `config` reported it) in `state`, every time moved by `shiftUs` (the
   * restoring clock minus the saving one), so it behaves from then on as the saved one did. ValidationError
   * when the state does not match the config's enabled buckets or is malformed.
   */
  static restore(config: FirecrackerRateLimiterConfig, state: FirecrackerRateLimiterState, shiftUs: number): FirecrackerRateLimiter {
    requireTime(shiftUs, 'shiftUs', Number.MIN_SAFE_INTEGER);
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      throw new ValidationError(`the limiter state must be an object { bandwidth, ops, blockedUntilUs }, got ${shownValue(state)}`, { path: 'state', value: state, accepted: '{ bandwidth, ops, blockedUntilUs }' });
    }
    const l = new FirecrackerRateLimiter(config, 0);
    const bw = restoreBucket(l.bandwidthBucket, state.bandwidth, shiftUs, 'bandwidth');
    const ops = restoreBucket(l.opsBucket, state.ops, shiftUs, 'ops');
    if (!Number.isSafeInteger(state.blockedUntilUs) || !Number.isSafeInteger(state.blockedUntilUs + shiftUs)) {
      throw new ValidationError(`blockedUntilUs must be an integer (µs), got ${shownValue(state.blockedUntilUs)}`, { path: 'blockedUntilUs', value: state.blockedUntilUs });
    }
    l.bandwidthBucket = bw;
    l.opsBucket = ops;
    l._blockedUntil = state.blockedUntilUs + shiftUs;
    return l;
  }

  /** Firecracker's `manual_replenish`: give back tokens (a device undoes the ops it took when the bytes bucket refuses). */
  manualReplenish(tokens: number, type: TokenType): void {
    requireTokenType(type);
    (type === 'bytes' ? this.bandwidthBucket : this.opsBucket)?.forceReplenish(tokens);
  }

  /**
   * Firecracker's `update_buckets` for a PATCH at `now`: a bucket given with size ≥ 1 and
   * refill_time ≥ 1 is replaced by a new full bucket (with its one-time burst); one given with size 0
   * or refill_time 0 is removed; one not given is kept as it is. The timer is kept. Validates first.
   */
  update(patch: FirecrackerRateLimiterConfig, now: number): void {
    requireConfigObject(patch, 'patch');
    requireTime(now, 'now', 0);
    const bw = patch.bandwidth === undefined ? undefined : makeBucket(patch.bandwidth, now, 'bandwidth');
    const ops = patch.ops === undefined ? undefined : makeBucket(patch.ops, now, 'ops');
    if (bw !== undefined) this.bandwidthBucket = bw;
    if (ops !== undefined) this.opsBucket = ops;
    this.configValue = normalize({
      ...(patch.bandwidth === undefined ? pick(this.configValue.bandwidth, 'bandwidth') : { bandwidth: patch.bandwidth }),
      ...(patch.ops === undefined ? pick(this.configValue.ops, 'ops') : { ops: patch.ops }),
    });
  }
}

/** True when the limiter config limits nothing (no bucket enabled). */
export function isUnlimited(config: FirecrackerRateLimiterConfig | undefined): boolean {
  return config === undefined || (!enabled(config.bandwidth) && !enabled(config.ops));
}

/** Check a limiter config without building it (the checks the constructor makes). ValidationError. */
export function validateRateLimiterConfig(config: FirecrackerRateLimiterConfig | undefined, path: string): void {
  if (config === undefined) return;
  if (config === null || typeof config !== 'object') {
    throw new ValidationError(`${path} must be an object { bandwidth?, ops? }, got ${shownValue(config)}`, { path, value: config });
  }
  for (const key of Object.keys(config)) {
    if (key !== 'bandwidth' && key !== 'ops') {
      throw new ValidationError(`unknown field \`${key}\`, expected \`bandwidth\` or \`ops\``, { path: `${path}.${key}`, value: key, accepted: ['bandwidth', 'ops'] });
    }
  }
  try {
    makeBucket(config.bandwidth, 0, 'bandwidth');
    makeBucket(config.ops, 0, 'ops');
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError(`${path}.${e.message}`, { ...e.details, path: `${path}.${String(e.details.path)}` }, { cause: e });
    throw e;
  }
}

function enabled(b: FirecrackerTokenBucket | undefined): b is FirecrackerTokenBucket {
  return b !== undefined && b.size !== 0 && b.refill_time !== 0;
}

function pick(b: FirecrackerTokenBucket | undefined, key: 'bandwidth' | 'ops'): FirecrackerRateLimiterConfig {
  return b === undefined ? {} : { [key]: b };
}

function normalize(c: FirecrackerRateLimiterConfig): FirecrackerRateLimiterConfig {
  const out: { bandwidth?: FirecrackerTokenBucket; ops?: FirecrackerTokenBucket } = {};
  if (enabled(c.bandwidth)) out.bandwidth = { size: c.bandwidth.size, one_time_burst: c.bandwidth.one_time_burst ?? 0, refill_time: c.bandwidth.refill_time };
  if (enabled(c.ops)) out.ops = { size: c.ops.size, one_time_burst: c.ops.one_time_burst ?? 0, refill_time: c.ops.refill_time };
  return Object.freeze(out);
}

function restoreBucket(configured: TokenBucket | null, state: TokenBucketState | null, shiftUs: number, path: string): TokenBucket | null {
  if (typeof state !== 'object' || Array.isArray(state)) throw new ValidationError(`${path} must be a token bucket state or null, got ${shownValue(state)}`, { path, value: state });
  if ((configured === null) !== (state === null)) {
    throw new ValidationError(`${path}: the saved bucket state does not match the limiter config (${configured === null ? 'disabled' : 'enabled'} bucket)`, { path, value: state });
  }
  if (configured === null || state === null) return null;
  if (state.size !== configured.size || state.refillTimeMs !== configured.refillTimeMs || state.initialOneTimeBurst !== configured.initialOneTimeBurst) {
    throw new ValidationError(`${path}: the saved bucket state's size, refill time or one-time burst differs from the limiter config`, { path, value: state });
  }
  try {
    return TokenBucket.restore({ ...state, lastUpdateUs: state.lastUpdateUs + shiftUs, lastSeenUs: state.lastSeenUs + shiftUs });
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError(`${path}.${e.message}`, { ...e.details, path: `${path}.${String(e.details.path)}` }, { cause: e });
    throw e;
  }
}

function makeBucket(b: FirecrackerTokenBucket | undefined, now: number, path: string): TokenBucket | null {
  if (b === undefined) return null;
  if (b === null || typeof b !== 'object') {
    throw new ValidationError(`${path} must be a token bucket { size, one_time_burst?, refill_time }, got ${shownValue(b)}`, { path, value: b });
  }
  for (const key of Object.keys(b)) {
    if (key !== 'size' && key !== 'one_time_burst' && key !== 'refill_time') {
      throw new ValidationError(`${path}: unknown field \`${key}\`, expected one of \`size\`, \`one_time_burst\`, \`refill_time\``, { path: `${path}.${key}`, value: key, accepted: ['size', 'one_time_burst', 'refill_time'] });
    }
  }
  for (const [key, v] of [['size', b.size], ['refill_time', b.refill_time], ['one_time_burst', b.one_time_burst ?? 0]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new ValidationError(`${path}.${key} must be an integer >= 0, got ${shownValue(v)}`, { path: `${path}.${key}`, value: v, accepted: 'safe integer >= 0' });
    }
  }
  if (b.size === 0 || b.refill_time === 0) return null;
  return new TokenBucket({ size: b.size, refillTimeMs: b.refill_time, oneTimeBurst: b.one_time_burst ?? 0 }, now);
}

function requireConfigObject(config: unknown, path: string): void {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ValidationError(`${path} must be a rate limiter { bandwidth?, ops? }, got ${shownValue(config)}`, { path, value: config, accepted: '{ bandwidth?, ops? }' });
  }
}

function requireTime(value: unknown, path: string, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const range = min === 0 ? 'integer µs >= 0' : 'integer µs';
    throw new ValidationError(`${path} must be an ${range}, got ${shownValue(value)}`, { path, value, accepted: range });
  }
}

function requireTokenType(type: unknown): void {
  if (type !== 'bytes' && type !== 'ops') throw new ValidationError(`type must be 'bytes' or 'ops', got ${shownValue(type)}`, { path: 'type', value: type, accepted: ['bytes', 'ops'] });
}
