// Random streams: reference vectors, reproducibility, independence of named streams, and
// the distributions' moments (within 4σ over 10^5 samples) and frequencies (chi-square).
import { describe, expect, it } from 'vitest';
import { createRandomStream, createSimulation, seedKey } from '@strata/core-sim';
import type { RandomStream } from '@strata/core-sim';
import { streamFromWords } from '../src/random.js';

const N = 100_000;

function moments(draw: () => number, n = N): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = draw();
    xs[i] = x;
    sum += x;
  }
  const mean = sum / n;
  for (let i = 0; i < n; i++) sumSq += (xs[i]! - mean) ** 2;
  return { mean, variance: sumSq / (n - 1) };
}

/** Mean within 4σ/√n of `mean`, sample variance within 4·sqrt((μ4 − σ⁴)/n) of `variance`. */
function expectMoments(draw: () => number, mean: number, variance: number, mu4: number): void {
  const m = moments(draw);
  expect(Math.abs(m.mean - mean)).toBeLessThan(4 * Math.sqrt(variance / N));
  expect(Math.abs(m.variance - variance)).toBeLessThan(4 * Math.sqrt((mu4 - variance * variance) / N));
}

/** Fourth central moment from raw moments E[X], E[X²], E[X³], E[X⁴]. */
function centralFourth(m1: number, m2: number, m3: number, m4: number): number {
  return m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 ** 4;
}

/** Pearson chi-square statistic of observed counts against expected probabilities. */
function chiSquare(counts: number[], probabilities: number[], n: number): number {
  let chi = 0;
  for (let i = 0; i < counts.length; i++) {
    const e = probabilities[i]! * n;
    chi += (counts[i]! - e) ** 2 / e;
  }
  return chi;
}

// Upper 0.1% points of the chi-square distribution, by degrees of freedom.
const CHI2_999: Record<number, number> = { 3: 16.27, 5: 20.52, 9: 27.88, 23: 49.73 };

const stream = (name: string): RandomStream => createRandomStream(20240601, name);

describe('xoshiro128** core', () => {
  it('matches the reference sequence from state {1, 2, 3, 4}', () => {
    // The first three outputs are verified by hand from the algorithm's definition.
    const r = streamFromWords(1, 2, 3, 4);
    const out = Array.from({ length: 6 }, () => r.uint32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('is reproducible: the same (seed, name) gives the same numbers (snapshot)', () => {
    const r = createRandomStream(42, 'a');
    expect([r.uint32(), r.uint32(), r.uint32(), r.uint32()]).toEqual([2451267379, 506934205, 243884640, 1837653475]);
    const a = createRandomStream('scenario-x', 'host-3/cpu');
    const b = createRandomStream('scenario-x', 'host-3/cpu');
    for (let i = 0; i < 1000; i++) expect(a.float()).toBe(b.float());
  });

  it('gives different streams for different seeds or names', () => {
    const first = (seed: number | string, name: string): number => createRandomStream(seed, name).uint32();
    const values = new Set([first(1, 'a'), first(2, 'a'), first(1, 'b'), first('1', 'a'), first(-1, 'a'), first(1, 'a/b')]);
    expect(values.size).toBe(6);
  });

  it('normalises seeds: safe integers as two’s complement, strings hashed; others rejected', () => {
    expect(seedKey(0)).toEqual({ hi: 0, lo: 0 });
    expect(seedKey(2 ** 32 + 5)).toEqual({ hi: 1, lo: 5 });
    expect(seedKey(-1)).toEqual({ hi: 0xffffffff, lo: 0xffffffff });
    expect(seedKey('')).toEqual({ hi: 0xcbf29ce4, lo: 0x84222325 });
    for (const bad of [1.5, NaN, Infinity, 2 ** 53]) expect(() => seedKey(bad)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
  });

  it('produces floats in [0, 1) and uint32 in [0, 2^32)', () => {
    const r = stream('range');
    for (let i = 0; i < 10_000; i++) {
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
      const u = r.uint32();
      expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true);
    }
  });
});

describe('named streams', () => {
  it('are independent: sample correlation of two streams is within 4/√n of 0', () => {
    for (const [x, y] of [['host-1', 'host-2'], ['a', 'b'], ['cpu', 'cpu/0']] as const) {
      const a = stream(x);
      const b = stream(y);
      let sxy = 0;
      for (let i = 0; i < N; i++) sxy += (a.float() - 0.5) * (b.float() - 0.5);
      const corr = sxy / N / (1 / 12);
      expect(Math.abs(corr)).toBeLessThan(4 / Math.sqrt(N));
    }
  });

  it('do not shift each other: drawing from a new stream leaves the others unchanged', () => {
    const lone = createSimulation({ seed: 9 });
    const busy = createSimulation({ seed: 9 });
    const a1 = Array.from({ length: 100 }, () => lone.rng('disk').float());
    const a2: number[] = [];
    for (let i = 0; i < 100; i++) {
      busy.rng('net').exponential(5);
      a2.push(busy.rng('disk').float());
      busy.rng(`vm-${i}`).normal();
    }
    expect(a2).toEqual(a1);
  });

  it('are cached per simulation: rng(name) returns the same stream object', () => {
    const sim = createSimulation({ seed: 1 });
    expect(sim.rng('x')).toBe(sim.rng('x'));
    expect(sim.rng('x')).not.toBe(sim.rng('y'));
  });

  it('fork(name) is the stream of the path name/child, independent of draws so far', () => {
    const parent = stream('host-3');
    parent.float();
    parent.float();
    const child = parent.fork('cpu');
    const direct = stream('host-3/cpu');
    expect(child.name).toBe('host-3/cpu');
    for (let i = 0; i < 50; i++) expect(child.uint32()).toBe(direct.uint32());
    expect(createRandomStream(3).fork('a').name).toBe('a');
  });

  it('clone() continues with the same numbers, including a pending normal spare', () => {
    const r = stream('clone');
    r.normal();
    const c = r.clone();
    for (let i = 0; i < 20; i++) expect(c.normal()).toBe(r.normal());
    expect(c.float()).toBe(r.float());
  });

  it('rejects an empty or non-string name', () => {
    const sim = createSimulation({ seed: 1 });
    expect(() => sim.rng('')).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    expect(() => sim.rng(3 as unknown as string)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    expect(() => stream('a').fork('')).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
  });
});

describe('distributions: moments within 4σ over 10^5 samples', () => {
  it('float and uniform', () => {
    const r = stream('uniform');
    expectMoments(() => r.float(), 0.5, 1 / 12, 1 / 80);
    expectMoments(() => r.uniform(-3, 5), 1, 64 / 12, 8 ** 4 / 80);
  });

  it('exponential (mean parameter)', () => {
    const r = stream('exp');
    const m = 250;
    expectMoments(() => r.exponential(m), m, m * m, 9 * m ** 4);
  });

  it('normal', () => {
    const r = stream('normal');
    expectMoments(() => r.normal(), 0, 1, 3);
    expectMoments(() => r.normal(10, 3), 10, 9, 3 * 81);
  });

  it('lognormal', () => {
    const r = stream('lognormal');
    const mu = 1;
    const s = 0.5;
    const raw = (k: number): number => Math.exp(k * mu + (k * k * s * s) / 2);
    const mean = raw(1);
    expectMoments(() => r.lognormal(mu, s), mean, raw(2) - mean * mean, centralFourth(raw(1), raw(2), raw(3), raw(4)));
  });

  it('pareto (shape 6, so the fourth moment is finite)', () => {
    const r = stream('pareto');
    const xm = 2;
    const a = 6;
    const raw = (k: number): number => (a * xm ** k) / (a - k);
    const mean = raw(1);
    expectMoments(() => r.pareto(xm, a), mean, raw(2) - mean * mean, centralFourth(raw(1), raw(2), raw(3), raw(4)));
    for (let i = 0; i < 1000; i++) expect(r.pareto(xm, 1.5)).toBeGreaterThanOrEqual(xm);
  });

  it('bernoulli', () => {
    const r = stream('bernoulli');
    const p = 0.3;
    expectMoments(() => (r.bernoulli(p) ? 1 : 0), p, p * (1 - p), p * (1 - p) * (1 - 3 * p + 3 * p * p));
    expect(r.bernoulli(0)).toBe(false);
    expect(r.bernoulli(1)).toBe(true);
  });

  it('poisson, small mean (Knuth) and large means (PTRS)', () => {
    const r = stream('poisson');
    for (const lam of [0.5, 3, 9.9, 10, 50, 1000, 1e6]) {
      expectMoments(() => r.poisson(lam), lam, lam, lam * (1 + 3 * lam));
    }
    expect(r.poisson(0)).toBe(0);
  });

  it('int over spans above 2^32 (53-bit path)', () => {
    const r = stream('bigint');
    const max = 2 ** 40;
    expectMoments(() => r.int(0, max), max / 2, ((max + 1) ** 2 - 1) / 12, ((max + 1) ** 2 - 1) ** 2 / 80);
    for (let i = 0; i < 1000; i++) {
      const x = r.int(-(2 ** 52), 2 ** 52 - 1); // the widest span accepted: 2^53 values
      expect(Number.isSafeInteger(x) && x >= -(2 ** 52) && x < 2 ** 52).toBe(true);
    }
  });
});

describe('distributions: frequencies (chi-square at the 0.1% level)', () => {
  it('int(1, 6) is uniform', () => {
    const r = stream('dice');
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[r.int(1, 6) - 1]!++;
    expect(chiSquare(counts, Array(6).fill(1 / 6) as number[], N)).toBeLessThan(CHI2_999[5]!);
  });

  it('int over a span that does not divide 2^32 is unbiased (rejection)', () => {
    // span 3·2^30: plain modulo would make 0..2^30−1 twice as likely as the rest.
    const r = stream('span');
    const span = 3 * 2 ** 30;
    const counts = [0, 0, 0];
    for (let i = 0; i < N; i++) counts[Math.floor(r.int(0, span - 1) / 2 ** 30)]!++;
    expect(chiSquare(counts, [1 / 3, 1 / 3, 1 / 3], N)).toBeLessThan(CHI2_999[3]!);
  });

  it('poisson(4) and poisson(30) follow the Poisson pmf', () => {
    for (const lam of [4, 30]) {
      const r = stream(`pmf-${lam}`);
      // 10 cells around the mean (±2σ), with the tails merged into the end cells.
      const lo = Math.max(0, Math.floor(lam - 2 * Math.sqrt(lam)));
      const edges = Array.from({ length: 9 }, (_, i) => lo + 1 + Math.round((i * 4 * Math.sqrt(lam)) / 8));
      const pmf = (k: number): number => Math.exp(-lam + k * Math.log(lam) - logFactorial(k));
      const probs = new Array<number>(10).fill(0);
      for (let k = 0; k < lam * 10 + 50; k++) probs[binOf(k, edges)]! += pmf(k);
      const counts = new Array<number>(10).fill(0);
      for (let i = 0; i < N; i++) counts[binOf(r.poisson(lam), edges)]!++;
      expect(chiSquare(counts, probs, N)).toBeLessThan(CHI2_999[9]!);
    }
  });

  it('weightedIndex and weighted follow the weights; zero weights are never drawn', () => {
    const r = stream('weights');
    const w = [1, 0, 2, 3, 4];
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[r.weightedIndex(w)]!++;
    expect(counts[1]).toBe(0);
    expect(chiSquare([counts[0]!, counts[2]!, counts[3]!, counts[4]!], [0.1, 0.2, 0.3, 0.4], N)).toBeLessThan(CHI2_999[3]!);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(r.weighted(['a', 'b', 'c'], [1, 0, 1]));
    expect([...seen].sort()).toEqual(['a', 'c']);
  });

  it('shuffle draws all 24 permutations of 4 items uniformly, and choice is uniform', () => {
    const r = stream('shuffle');
    const counts = new Map<string, number>();
    const n = 48_000;
    for (let i = 0; i < n; i++) {
      const key = r.shuffle([1, 2, 3, 4]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    expect(chiSquare([...counts.values()], Array(24).fill(1 / 24) as number[], n)).toBeLessThan(CHI2_999[23]!);
    const c = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) c[r.choice([0, 1, 2, 3])]!++;
    expect(chiSquare(c, [0.25, 0.25, 0.25, 0.25], N)).toBeLessThan(CHI2_999[3]!);
  });

  it('shuffle keeps the elements and returns the same array', () => {
    const r = stream('perm');
    const xs = Array.from({ length: 100 }, (_, i) => i);
    const out = r.shuffle(xs);
    expect(out).toBe(xs);
    expect([...xs].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(r.shuffle([])).toEqual([]);
  });
});

describe('distribution parameters are validated', () => {
  const r = stream('bad');
  const cases: [string, () => unknown][] = [
    ['exponential(0)', () => r.exponential(0)],
    ['exponential(NaN)', () => r.exponential(NaN)],
    ['normal(0, -1)', () => r.normal(0, -1)],
    ['lognormal(0, Infinity)', () => r.lognormal(0, Infinity)],
    ['pareto(0, 1)', () => r.pareto(0, 1)],
    ['pareto(1, -2)', () => r.pareto(1, -2)],
    ['bernoulli(1.5)', () => r.bernoulli(1.5)],
    ['poisson(-1)', () => r.poisson(-1)],
    ['int(1.5, 3)', () => r.int(1.5, 3)],
    ['int(3, 1)', () => r.int(3, 1)],
    ['int(0, 2^53)', () => r.int(-1, 2 ** 53 - 1)],
    ['uniform(2, 1)', () => r.uniform(2, 1)],
    ['choice([])', () => r.choice([])],
    ['weightedIndex([0, 0])', () => r.weightedIndex([0, 0])],
    ['weightedIndex([-1, 2])', () => r.weightedIndex([-1, 2])],
    ['weighted length mismatch', () => r.weighted(['a'], [1, 2])],
  ];
  for (const [name, call] of cases) {
    it(`rejects ${name} with E_VALIDATION`, () => {
      expect(call).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    });
  }
});

function binOf(k: number, edges: number[]): number {
  let b = 0;
  while (b < edges.length && k >= edges[b]!) b++;
  return b;
}

function logFactorial(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}
