import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@strata/shared-types';
import { TokenBucket, type BucketReduction } from '../src/token-bucket.js';
import { RateLimiter, RATE_LIMITER_RETRY_US } from '../src/rate-limiter.js';

const MS = 1000;

/** Independent reference: Firecracker's algorithm transcribed with BigInt nanoseconds and no gcd reduction. */
class ReferenceBucket {
  budget: bigint;
  burst: bigint;
  last: bigint;
  constructor(readonly size: bigint, burst: bigint, readonly refillNs: bigint, createdUs: number) {
    this.budget = size;
    this.burst = burst;
    this.last = BigInt(createdUs) * 1000n;
  }
  replenish(nowNs: bigint): void {
    const delta = nowNs - this.last;
    if (delta >= this.refillNs) {
      this.budget = this.size;
      this.last = nowNs;
      return;
    }
    const tokens = (delta * this.size) / this.refillNs;
    const adj = (tokens * this.refillNs + this.size - 1n) / this.size;
    this.last += adj;
    this.budget = this.budget + tokens < this.size ? this.budget + tokens : this.size;
  }
  reduce(n: number, nowUs: number): BucketReduction {
    let t = BigInt(n);
    const nowNs = BigInt(nowUs) * 1000n;
    if (this.burst > 0n) {
      if (this.burst >= t) {
        this.burst -= t;
        this.last = nowNs;
        return { kind: 'success' };
      }
      t -= this.burst;
      this.burst = 0n;
    }
    if (t > this.budget) {
      this.replenish(nowNs);
      if (t > this.size) {
        const ratio = Number(t - this.budget) / Number(this.size);
        this.budget = 0n;
        return { kind: 'overConsumption', ratio };
      }
      if (t > this.budget) return { kind: 'failure' };
    }
    this.budget -= t;
    return { kind: 'success' };
  }
}

const configArb = fc.record({
  size: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 10_000_000_000 })),
  oneTimeBurst: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 1_000_000 })),
  refillTimeMs: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 100_000 })),
});
const opsArb = fc.array(fc.record({ dt: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3_000_000 })), frac: fc.double({ min: 0, max: 1.6, noNaN: true }) }), { maxLength: 60 });

describe('TokenBucket — Firecracker unit cases on explicit time', () => {
  it('reduce: burst first, then budget, lazy refill, over-consumption (test_token_bucket_reduce)', () => {
    const tb = new TokenBucket({ size: 1000, refillTimeMs: 1000 });
    expect(tb.reduce(123, 0)).toEqual({ kind: 'success' });
    expect(tb.budget).toBe(877);
    expect(tb.reduce(1000, 0)).toEqual({ kind: 'failure' });

    const b = new TokenBucket({ size: 1000, oneTimeBurst: 1100, refillTimeMs: 1000 });
    expect(b.reduce(1000, 0)).toEqual({ kind: 'success' });
    expect(b.oneTimeBurst).toBe(100);
    expect(b.reduce(500, 0)).toEqual({ kind: 'success' });
    expect(b.oneTimeBurst).toBe(0);
    expect(b.reduce(500, 0)).toEqual({ kind: 'success' });
    expect(b.reduce(500, 0)).toEqual({ kind: 'failure' });
    expect(b.reduce(500, 500 * MS)).toEqual({ kind: 'success' });
    expect(b.reduce(2500, 1500 * MS)).toEqual({ kind: 'overConsumption', ratio: 1.5 });
    expect(b.budget).toBe(0);
  });

  it('auto-replenish: 1 token per 100 ms (test_token_bucket_auto_replenish_one)', () => {
    const tb = new TokenBucket({ size: 10, refillTimeMs: 1000 });
    tb.reduce(10, 0);
    // Probe with requests that fail, which replenish without consuming.
    expect(tb.reduce(10, 10 * MS).kind).toBe('failure');
    expect(tb.budget).toBe(0);
    expect(tb.reduce(10, 20 * MS).kind).toBe('failure');
    expect(tb.budget).toBe(0);
    expect(tb.reduce(10, 100 * MS).kind).toBe('failure');
    expect(tb.budget).toBe(1);
    expect(tb.reduce(10, 500 * MS).kind).toBe('failure');
    expect(tb.budget).toBe(5);
    expect(tb.reduce(10, 1500 * MS).kind).toBe('success');
  });

  it('lazy refill credits time spent full since the last replenish, as Firecracker does', () => {
    const tb = new TokenBucket({ size: 1000, refillTimeMs: 1000 });
    expect(tb.reduce(1000, 500 * MS).kind).toBe('success'); // no replenish: the clock still reads 0
    expect(tb.reduce(400, 500 * MS + 1).kind).toBe('success'); // 500 ms of credit since 0
  });

  it('carries the fraction of a token to the next replenish', () => {
    // 3 tokens per 10 ms → one token per 3333.33 µs.
    const tb = new TokenBucket({ size: 3, refillTimeMs: 10 });
    tb.reduce(3, 0);
    expect(tb.reduce(2, 5000).kind).toBe('failure'); // 1.5 tokens → 1; the clock moves to 3333.334 µs (ceil in ns)
    expect(tb.budget).toBe(1);
    expect(tb.reduce(2, 6666).kind).toBe('failure'); // 3332.666 µs since → 0.9998 token
    expect(tb.reduce(2, 6667).kind).toBe('success'); // 3333.666 µs since → a second token
  });

  it('rounds the refill clock up to the ns, as Firecracker does, so a token can come 1 µs late', () => {
    // 3 tokens per ms: one per 333333.3 ns. Each replenish of one token advances the clock by
    // ceil(333333.3) = 333334 ns, so by 1000 µs only 2 tokens have been credited, not 3.
    const tb = new TokenBucket({ size: 3, refillTimeMs: 1 });
    tb.reduce(3, 0);
    expect(tb.reduce(3, 334).kind).toBe('failure');
    expect(tb.budget).toBe(1);
    expect(tb.reduce(3, 667).kind).toBe('failure');
    expect(tb.budget).toBe(2);
    expect(tb.whenAvailable(3, 667)).toBe(1001);
    expect(tb.reduce(3, 1000).kind).toBe('failure');
    expect(tb.reduce(3, 1001).kind).toBe('success');
  });

  it('force replenish refills the burst while any is left, else the budget', () => {
    const tb = new TokenBucket({ size: 10, oneTimeBurst: 5, refillTimeMs: 1000 });
    tb.reduce(3, 0);
    tb.forceReplenish(100);
    expect(tb.oneTimeBurst).toBe(5);
    tb.reduce(5, 0);
    tb.reduce(4, 0);
    tb.forceReplenish(100);
    expect(tb.budget).toBe(10);
  });
});

describe('TokenBucket — validation', () => {
  it.each([
    [{ size: 0, refillTimeMs: 1 }, 'size'],
    [{ size: 1.5, refillTimeMs: 1 }, 'size'],
    [{ size: 1, refillTimeMs: 0 }, 'refillTimeMs'],
    [{ size: 1, refillTimeMs: 1e13 }, 'refillTimeMs'],
    [{ size: 1, refillTimeMs: 1, oneTimeBurst: -1 }, 'oneTimeBurst'],
  ])('rejects %j naming %s', (config, path) => {
    expect(() => new TokenBucket(config)).toThrow(ValidationError);
    try {
      new TokenBucket(config);
    } catch (e) {
      expect((e as ValidationError).details.path).toBe(path);
    }
  });
  it('rejects bad tokens and time going backwards, changing nothing', () => {
    const tb = new TokenBucket({ size: 10, refillTimeMs: 10 }, 100);
    expect(() => tb.reduce(-1, 100)).toThrow(ValidationError);
    expect(() => tb.reduce(1, 99)).toThrow(/backwards/);
    expect(() => tb.whenAvailable(1, 1.5)).toThrow(ValidationError);
    expect(tb.budget).toBe(10);
    tb.reduce(1, 200);
    expect(() => tb.reduce(1, 150)).toThrow(/backwards/);
    expect(tb.budget).toBe(9);
  });
});

describe('TokenBucket — properties', () => {
  it('matches an independent BigInt transcription of Firecracker on random request sequences', () => {
    fc.assert(
      fc.property(configArb, opsArb, (cfg, ops) => {
        const tb = new TokenBucket(cfg);
        const ref = new ReferenceBucket(BigInt(cfg.size), BigInt(cfg.oneTimeBurst), BigInt(cfg.refillTimeMs) * 1_000_000n, 0);
        let now = 0;
        for (const op of ops) {
          now += op.dt;
          const n = Math.floor(op.frac * cfg.size);
          expect(tb.reduce(n, now)).toEqual(ref.reduce(n, now));
          expect(BigInt(tb.budget)).toBe(ref.budget);
          expect(BigInt(tb.oneTimeBurst)).toBe(ref.burst);
        }
      }),
    );
  });

  it('never holds more than size; burst never grows; while burst is left the budget is full', () => {
    fc.assert(
      fc.property(configArb, opsArb, (cfg, ops) => {
        const tb = new TokenBucket(cfg);
        let now = 0;
        let burst = tb.oneTimeBurst;
        for (const op of ops) {
          now += op.dt;
          tb.reduce(Math.floor(op.frac * cfg.size), now);
          expect(tb.budget).toBeLessThanOrEqual(cfg.size);
          expect(tb.budget).toBeGreaterThanOrEqual(0);
          expect(tb.oneTimeBurst).toBeLessThanOrEqual(burst);
          if (tb.oneTimeBurst > 0) expect(tb.budget).toBe(cfg.size);
          burst = tb.oneTimeBurst;
        }
      }),
    );
  });

  it('over any run, granted tokens ≤ size + burst + rate·elapsed (requests within the size)', () => {
    fc.assert(
      fc.property(configArb, opsArb, (cfg, ops) => {
        const tb = new TokenBucket(cfg);
        let now = 0;
        let granted = 0;
        for (const op of ops) {
          now += op.dt;
          const n = Math.min(cfg.size, Math.floor(op.frac * cfg.size));
          const r = tb.reduce(n, now);
          if (r.kind === 'success') granted += n;
        }
        const earned = (now * cfg.size) / (cfg.refillTimeMs * 1000);
        expect(granted).toBeLessThanOrEqual(cfg.size + cfg.oneTimeBurst + Math.floor(earned) + 1e-6 * granted);
      }),
    );
  });

  it('whenAvailable is exact: at t the request proceeds, at t − 1 it fails', () => {
    fc.assert(
      fc.property(configArb, opsArb, fc.double({ min: 0, max: 1.2, noNaN: true }), (cfg, ops, frac) => {
        const tb = new TokenBucket(cfg);
        let now = 0;
        for (const op of ops) {
          now += op.dt;
          tb.reduce(Math.floor(op.frac * cfg.size), now);
        }
        const n = Math.floor(frac * (cfg.size + cfg.oneTimeBurst));
        const t = tb.whenAvailable(n, now);
        expect(t).toBeGreaterThanOrEqual(now);
        expect(tb.clone().reduce(n, t).kind).not.toBe('failure');
        if (t > now) expect(tb.clone().reduce(n, t - 1).kind).toBe('failure');
        // Asking does not disturb the bucket.
        expect(tb.whenAvailable(n, now)).toBe(t);
      }),
    );
  });
});

describe('RateLimiter', () => {
  it('blocks for 100 ms after a failure, for both token types (test_rate_limiter_full)', () => {
    const l = new RateLimiter({ bandwidth: { size: 1000, refillTimeMs: 1000 }, ops: { size: 1000, refillTimeMs: 1000 } });
    expect(l.consume(1000, 'ops', 0)).toBe(true);
    expect(l.consume(1000, 'bytes', 0)).toBe(true);
    expect(l.consume(100, 'ops', 0)).toBe(false);
    expect(l.isBlocked(0)).toBe(true);
    expect(l.consume(100, 'bytes', 0)).toBe(false);
    expect(l.isBlocked(50 * MS)).toBe(true);
    expect(l.isBlocked(RATE_LIMITER_RETRY_US)).toBe(false);
    expect(l.consume(100, 'ops', 100 * MS)).toBe(true);
    expect(l.consume(100, 'bytes', 100 * MS)).toBe(true);
  });

  it('over-consumption proceeds and blocks for ratio·refill time (test_rate_limiter_overconsumption)', () => {
    const l = new RateLimiter({ bandwidth: { size: 1000, refillTimeMs: 1000 }, ops: { size: 1000, refillTimeMs: 1000 } });
    expect(l.consume(2500, 'bytes', 0)).toBe(true);
    expect(l.isBlocked(1000 * MS)).toBe(true);
    expect(l.isBlocked(1500 * MS)).toBe(false);

    const m = new RateLimiter({ bandwidth: { size: 1000, refillTimeMs: 1000 } });
    expect(m.consume(1500, 'bytes', 0)).toBe(true);
    expect(m.consume(100, 'bytes', 200 * MS)).toBe(false); // still blocked; the timer is not re-armed
    expect(m.blockedUntil).toBe(500 * MS);
    expect(m.consume(100, 'bytes', 500 * MS)).toBe(true);
  });

  it('a missing, zero-size or zero-refill bucket does not limit', () => {
    const l = new RateLimiter({ bandwidth: { size: 0, refillTimeMs: 100 }, ops: { size: 5, refillTimeMs: 0 } });
    expect(l.bandwidth).toBeNull();
    expect(l.ops).toBeNull();
    expect(l.consume(Number.MAX_SAFE_INTEGER, 'bytes', 0)).toBe(true);
    expect(l.consume(Number.MAX_SAFE_INTEGER, 'ops', 0)).toBe(true);
  });

  it('manual replenish undoes a consume (test_rate_limiter_manual_replenish)', () => {
    const l = new RateLimiter({ bandwidth: { size: 1000, refillTimeMs: 1000 } });
    l.consume(123, 'bytes', 0);
    l.manualReplenish(23, 'bytes');
    expect(l.bandwidth?.budget).toBe(900);
  });

  it('names the bad field of a bucket', () => {
    try {
      new RateLimiter({ ops: { size: 5, refillTimeMs: 10, oneTimeBurst: -3 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).details.path).toBe('ops.oneTimeBurst');
    }
  });

  it('whenAvailable is exact against consume, including the block', () => {
    fc.assert(
      fc.property(configArb, opsArb, fc.double({ min: 0, max: 1.2, noNaN: true }), (cfg, ops, frac) => {
        const make = () => new RateLimiter({ bandwidth: cfg });
        const replay = (l: RateLimiter) => {
          let now = 0;
          for (const op of ops) {
            now += op.dt;
            l.consume(Math.floor(op.frac * cfg.size), 'bytes', now);
          }
          return now;
        };
        const l = make();
        const now = replay(l);
        const n = Math.floor(frac * cfg.size);
        const t = l.whenAvailable(n, 'bytes', now);
        expect(t).toBeGreaterThanOrEqual(now);
        const a = make();
        replay(a);
        expect(a.consume(n, 'bytes', t)).toBe(true);
        if (t > now) {
          const b = make();
          replay(b);
          expect(b.consume(n, 'bytes', t - 1)).toBe(false);
        }
      }),
    );
  });
});
