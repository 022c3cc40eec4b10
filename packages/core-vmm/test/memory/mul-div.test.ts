import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulDivCeil, mulDivFloor } from '../../src/memory/mul-div.ts';

describe('exact a·b/c', () => {
  it('agrees with BigInt for safe integers of every size', () => {
    const n = fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2 ** 32 }), fc.maxSafeNat());
    fc.assert(
      fc.property(n, n, fc.oneof(fc.constant(1_000_000), fc.integer({ min: 1, max: 2 ** 40 })), (a, b, c) => {
        const p = BigInt(a) * BigInt(b);
        const C = BigInt(c);
        const floor = p / C;
        const ceil = (p + C - 1n) / C;
        if (floor <= BigInt(Number.MAX_SAFE_INTEGER)) expect(mulDivFloor(a, b, c)).toBe(Number(floor));
        if (ceil <= BigInt(Number.MAX_SAFE_INTEGER)) expect(mulDivCeil(a, b, c)).toBe(Number(ceil));
      }),
      { seed: 31, numRuns: 5000 },
    );
  });
});
