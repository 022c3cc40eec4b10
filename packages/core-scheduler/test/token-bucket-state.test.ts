// TokenBucket.state() / TokenBucket.restore: a bucket restored from a saved state (through JSON)
// behaves exactly as the original from then on; a malformed state is refused.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@strata/shared-types';
import { TokenBucket, type TokenBucketState } from '../src/token-bucket.js';

const configArb = fc.record({
  size: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 10_000_000_000 })),
  oneTimeBurst: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 1_000_000 })),
  refillTimeMs: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 100_000 })),
});
const opArb = fc.record({
  dt: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3_000_000 })),
  frac: fc.double({ min: 0, max: 1.6, noNaN: true }),
  replenish: fc.boolean(),
});
const opsArb = fc.array(opArb, { maxLength: 40 });

/** Apply ops from `t`, returning every observable answer and the final time. */
function run(b: TokenBucket, ops: readonly { dt: number; frac: number; replenish: boolean }[], t: number): { log: unknown[]; t: number } {
  const log: unknown[] = [];
  for (const op of ops) {
    t += op.dt;
    const tokens = Math.floor(op.frac * b.size);
    if (op.replenish) b.forceReplenish(tokens);
    log.push(b.whenAvailable(tokens, t), b.reduce(tokens, t), b.budget, b.oneTimeBurst);
  }
  return { log, t };
}

describe('TokenBucket — state and restore', () => {
  it('a bucket restored from its JSON state behaves identically afterwards (property)', () => {
    fc.assert(
      fc.property(configArb, fc.nat(1_000_000), opsArb, opsArb, (cfg, created, before, after) => {
        const a = new TokenBucket(cfg, created);
        const { t } = run(a, before, created);
        const saved = JSON.parse(JSON.stringify(a.state())) as TokenBucketState;
        const b = TokenBucket.restore(saved);
        expect(b.state()).toEqual(a.state());
        const ra = run(a, after, t);
        const rb = run(b, after, t);
        expect(rb.log).toEqual(ra.log);
        expect(b.state()).toEqual(a.state());
      }),
      { seed: 20261127, numRuns: 300 },
    );
  });

  it('a new bucket reports itself full at its creation time', () => {
    expect(new TokenBucket({ size: 10, refillTimeMs: 100, oneTimeBurst: 3 }, 7).state()).toEqual({
      size: 10, refillTimeMs: 100, initialOneTimeBurst: 3, budget: 10, oneTimeBurst: 3, lastUpdateUs: 7, lastUpdateRemNs: 0, lastSeenUs: 7,
    });
  });

  it('a restored bucket keeps refusing time before its last seen time', () => {
    const a = new TokenBucket({ size: 10, refillTimeMs: 100 }, 0);
    a.reduce(4, 500);
    const b = TokenBucket.restore(a.state());
    expect(() => b.reduce(1, 499)).toThrow(ValidationError);
  });

  it.each([
    ['budget above size', { budget: 11 }],
    ['negative budget', { budget: -1 }],
    ['burst above the initial burst', { oneTimeBurst: 4 }],
    ['fractional time', { lastUpdateUs: 1.5 }],
    ['ns remainder out of range', { lastUpdateRemNs: 1000 }],
    ['bad size', { size: 0 }],
  ])('refuses a state with %s', (_name, patch) => {
    const good = new TokenBucket({ size: 10, refillTimeMs: 100, oneTimeBurst: 3 }, 0).state();
    expect(() => TokenBucket.restore({ ...good, ...patch })).toThrow(ValidationError);
  });
});
