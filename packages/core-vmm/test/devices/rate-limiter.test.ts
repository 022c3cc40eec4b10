import { RateLimiter } from '@strata/core-scheduler';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FirecrackerRateLimiter } from '../../src/devices/index.ts';

const MS = 1000;

describe('FirecrackerRateLimiter', () => {
  it('spends the one-time burst first, then the bucket, then refuses and blocks for 100 ms', () => {
    // 10 MB/s: size 1 MB refilled in 100 ms, plus 2 MB once.
    const l = new FirecrackerRateLimiter({ bandwidth: { size: 1_000_000, one_time_burst: 2_000_000, refill_time: 100 } });
    const KiB512 = 524_288;
    for (let i = 0; i < 5; i++) expect(l.consume(KiB512, 'bytes', 0)).toBe(true); // 2,621,440 ≤ 3,000,000
    expect(l.bandwidth!.oneTimeBurst).toBe(0);
    expect(l.bandwidth!.budget).toBe(3_000_000 - 5 * KiB512);
    expect(l.consume(KiB512, 'bytes', 0)).toBe(false);
    expect(l.blockedUntil).toBe(100 * MS);
    expect(l.consume(1, 'ops', 50 * MS)).toBe(false); // the timer blocks every token type
  });

  it('lets an oversize request through, empties the bucket and blocks for (excess/size)·refill_time', () => {
    const l = new FirecrackerRateLimiter({ bandwidth: { size: 1_000_000, refill_time: 100 } });
    expect(l.consume(2_500_000, 'bytes', 0)).toBe(true);
    expect(l.bandwidth!.budget).toBe(0);
    expect(l.blockedUntil).toBe(150 * MS); // 1.5 × 100 ms
    expect(l.consume(1000, 'bytes', 149_999)).toBe(false);
    expect(l.consume(1000, 'bytes', 150 * MS)).toBe(true); // a full refill time has passed: full again
  });

  it('disables a bucket of size 0 or refill_time 0', () => {
    const l = new FirecrackerRateLimiter({ bandwidth: { size: 0, refill_time: 100 }, ops: { size: 5, refill_time: 0 } });
    expect(l.bandwidth).toBeNull();
    expect(l.ops).toBeNull();
    expect(l.config).toEqual({});
    expect(l.consume(10 ** 12, 'bytes', 0)).toBe(true);
  });

  it('update replaces a given bucket with a full new one, keeps the other bucket and the timer', () => {
    const l = new FirecrackerRateLimiter({ bandwidth: { size: 1000, refill_time: 1000 }, ops: { size: 2, refill_time: 1000 } });
    expect(l.consume(1, 'ops', 0)).toBe(true);
    expect(l.consume(1000, 'bytes', 0)).toBe(true);
    expect(l.consume(1, 'bytes', 0)).toBe(false); // timer to 100 ms
    l.update({ bandwidth: { size: 5000, refill_time: 1000 } }, 10 * MS);
    expect(l.bandwidth!.budget).toBe(5000);
    expect(l.ops!.budget).toBe(1); // kept
    expect(l.isBlocked(99 * MS)).toBe(true); // the armed timer is kept, as Firecracker's update_buckets does
    l.update({ ops: { size: 0, refill_time: 0 } }, 20 * MS);
    expect(l.ops).toBeNull();
    expect(l.config).toEqual({ bandwidth: { size: 5000, one_time_burst: 0, refill_time: 1000 } });
  });

  it('rejects malformed buckets with the field named', () => {
    expect(() => new FirecrackerRateLimiter({ bandwidth: { size: -1, refill_time: 100 } })).toThrow('bandwidth.size must be an integer >= 0, got -1');
    expect(() => new FirecrackerRateLimiter({ ops: { size: 1, refill_time: 100, burst: 3 } as never })).toThrow('ops: unknown field `burst`, expected one of `size`, `one_time_burst`, `refill_time`');
  });

  it('decides exactly as core-scheduler’s RateLimiter on random request sequences (no update)', () => {
    const bucket = fc.record({ size: fc.integer({ min: 1, max: 5000 }), one_time_burst: fc.integer({ min: 0, max: 5000 }), refill_time: fc.integer({ min: 1, max: 500 }) });
    fc.assert(
      fc.property(
        fc.option(bucket, { nil: undefined }),
        fc.option(bucket, { nil: undefined }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 200_000 }), tokens: fc.integer({ min: 0, max: 12_000 }), type: fc.constantFrom('bytes' as const, 'ops' as const) }), { maxLength: 60 }),
        (bw, ops, reqs) => {
          const mine = new FirecrackerRateLimiter({ ...(bw ? { bandwidth: bw } : {}), ...(ops ? { ops } : {}) });
          const conv = (b: typeof bw) => (b ? { size: b.size, oneTimeBurst: b.one_time_burst, refillTimeMs: b.refill_time } : undefined);
          const theirs = new RateLimiter({ bandwidth: conv(bw), ops: conv(ops) });
          let t = 0;
          for (const r of reqs) {
            t += r.gap;
            expect(mine.consume(r.tokens, r.type, t)).toBe(theirs.consume(r.tokens, r.type, t));
            expect(mine.blockedUntil).toBe(theirs.blockedUntil);
          }
        },
      ),
      { seed: 20261127, numRuns: 300 },
    );
  });
});
