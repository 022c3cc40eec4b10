import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sortByDepth } from '../src/groups/fluid-rates.ts';
import type { SchedGroup } from '../src/groups/group-tree.ts';

/** Stand-ins: a depth and the position they came in at. */
const groups = (depths: readonly number[]): SchedGroup[] => depths.map((depth, at) => ({ depth, at }) as unknown as SchedGroup);
const at = (g: SchedGroup): number => (g as unknown as { at: number }).at;

describe('sortByDepth (the order a flush resplits dirty groups in)', () => {
  it('orders by depth and keeps equal depths in their order, short lists and long ones alike', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 200 }), (depths) => {
        const list = groups(depths);
        const want = list.slice().sort((a, b) => a.depth - b.depth || at(a) - at(b));
        const scratch: SchedGroup[] = [];
        sortByDepth(list, scratch);
        expect(list.map(at)).toEqual(want.map(at));
        expect(scratch.length).toBe(0);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('a burst of interleaved depths (thousands of VMs added at one instant) sorts in one counting pass', () => {
    const depths = Array.from({ length: 30_000 }, (_, i) => (i % 3 === 0 ? 1 : 2));
    const list = groups(depths);
    sortByDepth(list, []);
    expect(list.slice(0, 10_000).every((g) => g.depth === 1)).toBe(true);
    expect(list.slice(10_000).every((g) => g.depth === 2)).toBe(true);
    expect(at(list[0]!)).toBe(0);
    expect(at(list[10_000]!)).toBe(1);
  });
});
