import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HostSegmentTree } from '../src/placement/host-segment-tree.js';
import { OrderedHostIndex } from '../src/placement/ordered-host-index.js';
import { SKYLINE_CAP, mergeSkylines, skylineFits } from '../src/placement/skyline.js';

// Free amounts from a tiny domain, so the two maxima often come from different hosts (false positives
// for max-only pruning) and skylines stay exact; or from a wide one, so skylines overflow and nodes
// fall back to the maxima.
// Near the anti-diagonal c + m ≈ 60, most points are mutually non-dominated: skylines overflow.
const FREE_DOMAINS = [
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
  fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 })),
  fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 3 })).map(([c, d]) => [c, 60 - c + d] as [number, number]),
];
const freeArb = fc.oneof(...FREE_DOMAINS);

/** The skyline of `points` by brute force: the non-dominated ones, distinct, CPU descending. */
function bruteSkyline(points: [number, number][]): [number, number][] {
  const keep = points.filter(([c, m], i) => !points.some(([c2, m2], j) => j !== i && c2 >= c && m2 >= m && (c2 > c || m2 > m || j < i)));
  return keep.sort((a, b) => b[0] - a[0]);
}

function pack(points: [number, number][]): Float64Array {
  return Float64Array.from(points.flat());
}

describe('skyline', () => {
  it('merging two skylines gives the skyline of the union, or -1 when it exceeds the cap', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), { maxLength: 30 }), fc.nat(), (points, cut) => {
        const k = points.length === 0 ? 0 : cut % (points.length + 1);
        const a = bruteSkyline(points.slice(0, k));
        const b = bruteSkyline(points.slice(k));
        const want = bruteSkyline(points);
        if (a.length > SKYLINE_CAP || b.length > SKYLINE_CAP) return;
        const out = new Float64Array(2 * SKYLINE_CAP);
        const n = mergeSkylines(out, 0, pack(a), 0, a.length, pack(b), 0, b.length);
        if (want.length > SKYLINE_CAP) {
          expect(n).toBe(-1);
          return;
        }
        expect(n).toBe(want.length);
        expect(Array.from(out.subarray(0, 2 * n))).toEqual(want.flat());
        for (let c = 0; c <= 21; c += 3) for (let m = 0; m <= 21; m += 3) expect(skylineFits(out, 0, n, c, m)).toBe(points.some(([pc, pm]) => pc >= c && pm >= m));
      }),
    );
  });
  it('an inexact input makes the merge inexact', () => {
    expect(mergeSkylines(new Float64Array(2 * SKYLINE_CAP), 0, new Float64Array(2), 0, -1, new Float64Array(2), 0, 1)).toBe(-1);
  });
});

describe('HostSegmentTree', () => {
  it('findFirst equals a linear scan under random updates, growth, start positions and accept filters', () => {
    fc.assert(
      fc.property(
        fc.array(freeArb, { minLength: 1, maxLength: 70 }),
        fc.array(fc.tuple(fc.nat(), freeArb, freeArb, fc.nat({ max: 80 }), fc.integer({ min: 1, max: 5 })), { maxLength: 40 }),
        (initial, ops) => {
          const t = new HostSegmentTree();
          const free = initial.map(([c, m]) => [c, m] as [number, number]);
          free.forEach(([c, m]) => t.push(c, m));
          for (const [k, [c, m], [qc, qm], from, mod] of ops) {
            const i = k % free.length;
            free[i] = [c, m];
            t.set(i, c, m);
            const accept = (j: number) => j % mod !== 0 || mod === 1;
            const want = free.findIndex(([fc2, fm], j) => j >= from && fc2 >= qc && fm >= qm && accept(j));
            expect(t.findFirst(qc, qm, from, accept)).toBe(want);
          }
          expect(t.length).toBe(free.length);
        },
      ),
    );
  });

  it('stays exact where skylines overflow (anti-diagonal hosts: every point non-dominated)', () => {
    const t = new HostSegmentTree();
    const n = 64;
    for (let i = 0; i < n; i++) t.push(i, n - i);
    for (let c = 0; c <= n; c += 5) for (let m = 0; m <= n; m += 5) {
      const want = Array.from({ length: n }, (_, i) => i).find((i) => i >= c && n - i >= m) ?? -1;
      expect(t.findFirst(c, m)).toBe(want);
    }
  });

  it('backtracks from a false positive: max CPU and max memory on different hosts', () => {
    const t = new HostSegmentTree();
    t.push(8, 0);
    t.push(0, 8);
    t.push(8, 8);
    expect(t.findFirst(4, 4)).toBe(2);
    expect(t.findFirst(9, 0)).toBe(-1);
  });
});

describe('OrderedHostIndex', () => {
  it('findFirst equals the first fitting host in (key, index) order under random re-keying', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 2).chain((d) =>
          fc.tuple(
            fc.array(fc.tuple(fc.integer({ min: -3, max: 3 }), FREE_DOMAINS[d]!), { minLength: 1, maxLength: 60 }),
            fc.array(fc.tuple(fc.nat(), fc.integer({ min: -3, max: 3 }), FREE_DOMAINS[d]!, FREE_DOMAINS[d]!, fc.integer({ min: 1, max: 4 })), { maxLength: 40 }),
          ),
        ),
        ([initial, ops]) => {
          const idx = new OrderedHostIndex();
          const state = initial.map(([key, [c, m]]) => ({ key, c, m }));
          state.forEach((s, i) => idx.insert(i, s.key, s.c, s.m));
          for (const [k, key, [c, m], [qc, qm], mod] of ops) {
            const i = k % state.length;
            state[i] = { key, c, m };
            idx.update(i, key, c, m);
            const accept = (j: number) => mod === 1 || j % mod !== 0;
            const order = state.map((_, j) => j).sort((a, b) => state[a]!.key - state[b]!.key || a - b);
            const want = order.find((j) => state[j]!.c >= qc && state[j]!.m >= qm && accept(j)) ?? -1;
            expect(idx.findFirst(qc, qm, accept)).toBe(want);
          }
        },
      ),
    );
  });
});
