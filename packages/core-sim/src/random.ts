// Seeded, splittable random streams: xoshiro128** generators, one per (seed, name), with
// exact textbook distributions. Deterministic across processes on the same JS engine.
import { ValidationError } from '@strata/shared-types';
import { fnv1a64Init, fnv1a64String, fnv1a64Word64 } from './fnv1a.js';

/**
 * A seeded stream of random numbers. Every draw advances only this stream, so components
 * that draw from their own named streams never shift each other's numbers.
 */
export interface RandomStream {
  /** The stream's name (the path it was derived from, '' for the root stream). */
  readonly name: string;
  /** A uniform unsigned 32-bit integer in [0, 2^32). */
  uint32(): number;
  /** A uniform float in [0, 1) with 53 random bits. */
  float(): number;
  /** A uniform float in [min, max) (min ≤ max, both finite). */
  uniform(min: number, max: number): number;
  /** A uniform integer in [min, max], both inclusive safe integers with max − min < 2^53; unbiased (rejection). */
  int(min: number, max: number): number;
  /** An exponential variate with the given `mean` (> 0), by inversion: −mean·ln(1−U). */
  exponential(mean: number): number;
  /** A normal variate (Marsaglia polar method; the second value of each pair is kept for the next call). */
  normal(mean?: number, stddev?: number): number;
  /** exp(N(mu, sigma)): `mu` and `sigma` (≥ 0) are the mean and standard deviation of the underlying normal. */
  lognormal(mu: number, sigma: number): number;
  /** A Pareto (type I) variate with minimum `scale` (> 0) and tail index `shape` (> 0), by inversion: scale·(1−U)^(−1/shape). */
  pareto(scale: number, shape: number): number;
  /** True with probability `p` (0 ≤ p ≤ 1). */
  bernoulli(p: number): boolean;
  /** A Poisson variate with the given `mean` (≥ 0): Knuth's product method below 10, Hörmann's PTRS above. */
  poisson(mean: number): number;
  /** A uniformly chosen element of a non-empty array. */
  choice<T>(items: readonly T[]): T;
  /** An index drawn with probability proportional to `weights[i]` (finite, ≥ 0, positive sum). */
  weightedIndex(weights: readonly number[]): number;
  /** An element of `items` drawn with probability proportional to the matching weight. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** Shuffle `items` in place (Fisher–Yates) and return it. */
  shuffle<T>(items: T[]): T[];
  /** The independent stream named `${this.name}/${name}` (same seed); independent of how many draws this stream made. */
  fork(name: string): RandomStream;
  /** A copy with the same state: it will produce the same numbers as this stream from here on. */
  clone(): RandomStream;
}

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;
const MASK64 = (1n << 64n) - 1n;

/** A 64-bit seed key as two unsigned 32-bit halves. */
export interface SeedKey {
  readonly hi: number;
  readonly lo: number;
}

/**
 * Normalise a scenario seed to 64 bits: a safe integer maps to its two's-complement 64-bit
 * value; a string to the FNV-1a 64 hash of its UTF-8 bytes. Throws `ValidationError` otherwise.
 */
export function seedKey(seed: number | string): SeedKey {
  if (typeof seed === 'string') {
    const h = fnv1a64Init();
    fnv1a64String(h, seed);
    return { hi: h.hi, lo: h.lo };
  }
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new ValidationError(`invalid seed ${String(seed)}: expected a safe integer or a string`, {
      path: 'seed',
      value: seed,
      accepted: 'safe integer or string',
    });
  }
  const lo = ((seed % TWO_32) + TWO_32) % TWO_32;
  const hi = Math.floor(seed / TWO_32) >>> 0;
  return { hi, lo };
}

function splitMix64(state: bigint): { next: bigint; out: bigint } {
  // SplitMix64 (Steele, Lea, Flood 2014), as recommended for seeding xoshiro generators.
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return { next, out: z ^ (z >> 31n) };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function finiteNumber(value: number, what: string, accepted: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(`invalid ${what} ${String(value)}: expected ${accepted}`, { path: what, value, accepted });
  }
}

function badParam(what: string, value: unknown, accepted: string): ValidationError {
  return new ValidationError(`invalid ${what} ${String(value)}: expected ${accepted}`, { path: what, value, accepted });
}

// log(k!) for k < 256, summed once; Stirling's series beyond (error < 1e-15 there).
const LOG_FACTORIAL = new Float64Array(256);
for (let k = 2; k < 256; k++) LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1]! + Math.log(k);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL[k]!;
  const x = k + 1; // log Γ(x) by Stirling's series
  const inv = 1 / x;
  const inv2 = inv * inv;
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
}

/** xoshiro128** 1.0 (Blackman & Vigna 2018): 128-bit state, 32-bit output, period 2^128 − 1. */
class Xoshiro128StarStar implements RandomStream {
  readonly name: string;
  private readonly key: SeedKey;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare = 0;
  private hasSpare = false;

  constructor(key: SeedKey, name: string, state?: Xoshiro128StarStar) {
    this.key = key;
    this.name = name;
    if (state !== undefined) {
      this.s0 = state.s0;
      this.s1 = state.s1;
      this.s2 = state.s2;
      this.s3 = state.s3;
      this.spare = state.spare;
      this.hasSpare = state.hasSpare;
      return;
    }
    // Stream key = FNV-1a 64 over (8 little-endian bytes of the seed, UTF-8 of the name);
    // two SplitMix64 outputs from it fill the 128-bit state.
    const h = fnv1a64Init();
    fnv1a64Word64(h, key.hi, key.lo);
    fnv1a64String(h, name);
    const a = splitMix64((BigInt(h.hi) << 32n) | BigInt(h.lo));
    const b = splitMix64(a.next);
    this.s0 = Number(a.out & 0xffffffffn) | 0;
    this.s1 = Number(a.out >> 32n) | 0;
    this.s2 = Number(b.out & 0xffffffffn) | 0;
    this.s3 = Number(b.out >> 32n) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the one forbidden state
  }

  /** Overwrite the raw state words (used to check the generator against its reference vectors). */
  setWords(s0: number, s1: number, s2: number, s3: number): void {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    this.hasSpare = false;
  }

  uint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  float(): number {
    const a = this.uint32() >>> 5; // 27 bits
    const b = this.uint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / TWO_53;
  }

  uniform(min: number, max: number): number {
    finiteNumber(min, 'min', 'a finite number');
    finiteNumber(max, 'max', 'a finite number ≥ min');
    if (max < min) throw badParam('max', max, `a finite number ≥ min (${min})`);
    return min + (max - min) * this.float();
  }

  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min)) throw badParam('min', min, 'a safe integer');
    if (!Number.isSafeInteger(max) || max < min) throw badParam('max', max, `a safe integer ≥ min (${min})`);
    if (max - min >= TWO_53) throw badParam('max', max, 'max − min < 2^53');
    const span = max - min + 1;
    if (span <= TWO_32) {
      // Reject the top (2^32 mod span) values so every residue is equally likely.
      const limit = TWO_32 - (TWO_32 % span);
      let x = this.uint32();
      while (x >= limit) x = this.uint32();
      return min + (x % span);
    }
    const limit = Math.floor(TWO_53 / span) * span;
    let x = this.float() * TWO_53;
    while (x >= limit) x = this.float() * TWO_53;
    return min + (x % span);
  }

  exponential(mean: number): number {
    if (!(mean > 0) || mean === Infinity) throw badParam('mean', mean, 'a finite number > 0');
    return -mean * Math.log(1 - this.float());
  }

  normal(mean = 0, stddev = 1): number {
    finiteNumber(mean, 'mean', 'a finite number');
    if (!(stddev >= 0) || stddev === Infinity) throw badParam('stddev', stddev, 'a finite number ≥ 0');
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + stddev * this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return mean + stddev * u * m;
  }

  lognormal(mu: number, sigma: number): number {
    finiteNumber(mu, 'mu', 'a finite number');
    if (!(sigma >= 0) || sigma === Infinity) throw badParam('sigma', sigma, 'a finite number ≥ 0');
    return Math.exp(this.normal(mu, sigma));
  }

  pareto(scale: number, shape: number): number {
    if (!(scale > 0) || scale === Infinity) throw badParam('scale', scale, 'a finite number > 0');
    if (!(shape > 0) || shape === Infinity) throw badParam('shape', shape, 'a finite number > 0');
    return scale * Math.pow(1 - this.float(), -1 / shape);
  }

  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw badParam('p', p, 'a probability in [0, 1]');
    return this.float() < p;
  }

  poisson(mean: number): number {
    if (!(mean >= 0) || mean === Infinity) throw badParam('mean', mean, 'a finite number ≥ 0');
    if (mean < 10) {
      // Knuth: count uniforms until their product drops below e^−mean.
      const limit = Math.exp(-mean);
      let k = 0;
      let p = this.float();
      while (p > limit) {
        k++;
        p *= this.float();
      }
      return k;
    }
    return this.poissonPtrs(mean);
  }

  // PTRS, transformed rejection with squeeze (W. Hörmann, "The transformed rejection method
  // for generating Poisson random variables", Insurance: Math. & Econ. 12, 1993). Exact for mean ≥ 10.
  private poissonPtrs(lam: number): number {
    const slam = Math.sqrt(lam);
    const loglam = Math.log(lam);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.float() - 0.5;
      const v = this.float();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - logFactorial(k)) return k;
    }
  }

  choice<T>(items: readonly T[]): T {
    if (!isList(items) || items.length === 0) throw badParam('items', items, 'a non-empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  weightedIndex(weights: readonly number[]): number {
    if (!isList(weights) || weights.length === 0) throw badParam('weights', weights, 'a non-empty array of finite numbers ≥ 0');
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || w === Infinity) throw badParam(`weights[${i}]`, w, 'a finite number ≥ 0');
      total += w;
    }
    if (!(total > 0) || total === Infinity) throw badParam('weights', `sum ${total}`, 'weights with a positive finite sum');
    const target = this.float() * total;
    let cumulative = 0;
    let last = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!;
      if (w === 0) continue;
      cumulative += w;
      last = i;
      if (target < cumulative) return i;
    }
    return last; // only reached through rounding of the cumulative sum
  }

  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    if (!isList(items) || !isList(weights) || items.length !== weights.length) {
      throw badParam('weights', weights, `an array as long as items (${isList(items) ? items.length : 'not an array'})`);
    }
    return items[this.weightedIndex(weights)] as T;
  }

  shuffle<T>(items: T[]): T[] {
    if (!isList(items)) throw badParam('items', items, 'an array');
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  fork(name: string): RandomStream {
    checkName(name);
    return new Xoshiro128StarStar(this.key, this.name === '' ? name : `${this.name}/${name}`);
  }

  clone(): RandomStream {
    return new Xoshiro128StarStar(this.key, this.name, this);
  }
}

function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ValidationError(`invalid stream name ${JSON.stringify(name)}: expected a non-empty string such as 'host-3/cpu'`, {
      path: 'name',
      value: name,
      accepted: 'non-empty string',
    });
  }
}

/**
 * The stream named `name` under `seed` (a safe integer or a string). The same (seed, name)
 * always gives the same numbers; different names give independent streams. `name` '' is the root.
 */
export function createRandomStream(seed: number | string, name = ''): RandomStream {
  const key = seedKey(seed);
  if (name !== '') checkName(name);
  return new Xoshiro128StarStar(key, name);
}

/** Internal: a stream from an already normalised seed key (used by the simulation's `rng`). */
export function streamFromKey(key: SeedKey, name: string): RandomStream {
  checkName(name);
  return new Xoshiro128StarStar(key, name);
}

/** Internal: a stream with raw xoshiro128** state words (not all zero), for reference-vector tests. */
export function streamFromWords(s0: number, s1: number, s2: number, s3: number): RandomStream {
  const stream = new Xoshiro128StarStar({ hi: 0, lo: 0 }, '');
  stream.setWords(s0, s1, s2, s3);
  return stream;
}
