import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@strata/shared-types';
import { PlacementCluster } from '../src/placement/cluster.js';
import {
  DEFAULT_PROFILE,
  decide,
  filterScore,
  formatDecision,
  mostAllocatedScore,
  resourceFitFilter,
  type ScorePlugin,
  type SchedulerProfile,
} from '../src/placement/filter-score.js';
import { ReferenceModel } from './placement-reference-model.js';
import { G, hostArb, requestArb, toHost, toRequest } from './placement-arbitraries.js';

function handCluster(): PlacementCluster {
  const c = new PlacementCluster();
  c.addHost({ name: 'h0', cpu: 4000, memory: 8 * G, labels: { zone: 'a' } });
  c.addHost({ name: 'h1', cpu: 4000, memory: 8 * G, labels: { zone: 'b' }, taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] });
  c.addHost({ name: 'h2', cpu: 2000, memory: 4 * G, labels: { zone: 'a' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] });
  c.addHost({ name: 'h3', cpu: 1000, memory: 8 * G });
  c.allocate({ name: 'db1', cpu: 2000, memory: 2 * G, labels: { app: 'db' } }, 0);
  return c;
}

describe('filter-and-score — a hand-computed decision', () => {
  const request = {
    name: 'web1',
    cpu: 1000,
    memory: 2 * G,
    labels: { app: 'web' },
    affinity: { preferred: [{ selector: { app: 'db' }, topologyKey: 'zone', weight: 10 }] },
    hostPreferences: [{ selector: { zone: 'b' }, weight: 5 }],
  };

  it('filters with reasons, scores each plugin 0..100, weights them, picks the best', () => {
    const d = decide(handCluster(), request);
    expect(d.filtered).toEqual([{ host: 'h2', index: 2, plugin: 'TaintToleration', reason: 'untolerated taint gpu=true:NoSchedule' }]);
    expect(d.chosen).toEqual({ host: 'h0', index: 0 });
    expect(d.scores.map((s) => [s.host, s.total])).toEqual([
      ['h0', 625],
      ['h3', 400],
      ['h1', 375],
    ]);
    const h0 = d.scores[0]!;
    expect(h0.breakdown).toEqual({ TaintToleration: 100, HostPreference: 0, InterPodAffinity: 100, LeastAllocated: 37.5, BalancedAllocation: 87.5 });
    expect(h0.raw).toEqual({ TaintToleration: 0, HostPreference: 0, InterPodAffinity: 10, LeastAllocated: 37.5, BalancedAllocation: 87.5 });
    const h1 = d.scores.find((s) => s.host === 'h1')!;
    expect(h1.breakdown).toEqual({ TaintToleration: 0, HostPreference: 100, InterPodAffinity: 0, LeastAllocated: 75, BalancedAllocation: 100 });
  });

  it('tolerating the taint makes h2 a candidate; asking too much filters by resources', () => {
    const d = decide(handCluster(), { ...request, tolerations: [{ key: 'gpu', operator: 'Exists' }] });
    expect(d.filtered).toEqual([]);
    const big = decide(handCluster(), { name: 'big', cpu: 3000, memory: 0 });
    expect(big.filtered.map((f) => [f.host, f.plugin])).toEqual([
      ['h0', 'ResourceFit'],
      ['h2', 'ResourceFit'], // resources are checked first, as the profile lists them
      ['h3', 'ResourceFit'],
    ]);
    expect(big.filtered[0]!.reason).toBe('insufficient cpu: requested 3000m, free 2000m of 4000m');
    expect(big.chosen?.host).toBe('h1');
  });

  it('reports no feasible host, and formats decisions for people', () => {
    const d = decide(handCluster(), { name: 'huge', cpu: 1, memory: 100 * G });
    expect(d.chosen).toBeNull();
    expect(d.scores).toEqual([]);
    expect(d.filtered).toHaveLength(4);
    expect(formatDecision(d)).toMatch(/^no feasible host\n {2}h0: filtered by ResourceFit: insufficient memory/);
    expect(formatDecision(decide(handCluster(), request))).toMatch(/^chosen: h0\n {2}h0: 625 \(TaintToleration=100, HostPreference=0, InterPodAffinity=100, LeastAllocated=37.5, BalancedAllocation=87.5\)/);
  });

  it('breaks ties deterministically by lowest host index', () => {
    const c = new PlacementCluster();
    for (const name of ['z', 'y', 'x']) c.addHost({ name, cpu: 1000, memory: G });
    const d = decide(c, { name: 'v', cpu: 100, memory: 0 });
    expect(d.scores.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(d.chosen?.host).toBe('z');
  });

  it('a bin-packing profile prefers the fuller host', () => {
    const profile: SchedulerProfile = { filters: [resourceFitFilter], scores: [{ plugin: mostAllocatedScore, weight: 1 }] };
    const c = handCluster();
    // MostAllocated after placement: h0 (2500/4000 + 3/8)/2 = 50, h2 25 (taints ignored by this profile), h3 31.25, h1 12.5.
    const d = decide(c, { name: 'v', cpu: 500, memory: G }, profile);
    expect(d.scores.map((s) => [s.host, s.total])).toEqual([
      ['h0', 50],
      ['h3', 31.25],
      ['h2', 25],
      ['h1', 12.5],
    ]);
    expect(c.place({ name: 'v', cpu: 500, memory: G }, filterScore(profile))).toBe(0);
  });
});

describe('filter-and-score — normalization and validation', () => {
  const c = new PlacementCluster();
  [0, 1, 2].forEach((i) => c.addHost({ name: `h${i}`, cpu: 1000, memory: G }));
  const rawBy = (name: string, normalize: ScorePlugin['normalize'], f: (i: number) => number): ScorePlugin => ({ name, ...(normalize && { normalize }), score: (h) => f(h.index) });
  const scoresOf = (plugin: ScorePlugin) => decide(c, { name: 'v', cpu: 0, memory: 0 }, { filters: [], scores: [{ plugin, weight: 1 }] }).scores.slice().sort((a, b) => a.index - b.index).map((s) => s.breakdown[plugin.name]);

  it('max, reverseMax, minMax, none', () => {
    expect(scoresOf(rawBy('p', 'max', (i) => [0, 2, 4][i]!))).toEqual([0, 50, 100]);
    expect(scoresOf(rawBy('p', 'reverseMax', (i) => [0, 2, 4][i]!))).toEqual([100, 50, 0]);
    expect(scoresOf(rawBy('p', 'minMax', (i) => [-2, 0, 2][i]!))).toEqual([0, 50, 100]);
    expect(scoresOf(rawBy('p', 'none', (i) => [7, 8, 9][i]!))).toEqual([7, 8, 9]);
    expect(scoresOf(rawBy('p', 'max', () => 0))).toEqual([0, 0, 0]);
    expect(scoresOf(rawBy('p', 'reverseMax', () => 0))).toEqual([100, 100, 100]);
    expect(scoresOf(rawBy('p', 'minMax', () => 3))).toEqual([0, 0, 0]);
  });

  it('rejects out-of-range or non-finite scores, bad weights, duplicate plugins', () => {
    expect(() => scoresOf(rawBy('p', undefined, () => 101))).toThrow(/0\.\.100/);
    expect(() => scoresOf(rawBy('p', 'max', () => NaN))).toThrow(ValidationError);
    const p = rawBy('p', 'max', () => 1);
    expect(() => decide(c, { name: 'v', cpu: 0, memory: 0 }, { filters: [], scores: [{ plugin: p, weight: -1 }] })).toThrow(/weight/);
    expect(() => filterScore({ filters: [], scores: [{ plugin: p, weight: 1 }, { plugin: p, weight: 2 }] })).toThrow(/twice/);
    expect(() => decide(c, { name: 'v', cpu: 0, memory: 0 }, { filters: [{} as never], scores: [] })).toThrow(/profile.filters\[0\]/);
  });
});

describe('filter-and-score — properties on random clusters', () => {
  it('partitions hosts into filtered and scored, filters exactly the infeasible ones, picks the top total, deterministic', () => {
    fc.assert(
      fc.property(fc.array(hostArb, { minLength: 1, maxLength: 20 }), fc.array(requestArb, { minLength: 1, maxLength: 25 }), (hosts, reqs) => {
        const cluster = new PlacementCluster();
        const model = new ReferenceModel();
        hosts.forEach((h, i) => {
          cluster.addHost(toHost(h, i));
          model.addHost(toHost(h, i));
        });
        const policy = filterScore();
        reqs.forEach((r, k) => {
          const req = toRequest(r, `item-${k}`);
          const d = policy.decide(req, cluster);
          expect(decide(cluster, req)).toEqual(d);
          const seen = [...d.filtered.map((f) => f.index), ...d.scores.map((s) => s.index)].sort((a, b) => a - b);
          expect(seen).toEqual(hosts.map((_, i) => i));
          for (const f of d.filtered) expect(model.feasible(req, f.index)).toBe(false);
          for (const s of d.scores) {
            expect(model.feasible(req, s.index)).toBe(true);
            let total = 0;
            for (const { plugin, weight } of DEFAULT_PROFILE.scores) {
              const v = s.breakdown[plugin.name]!;
              expect(v).toBeGreaterThanOrEqual(0);
              expect(v).toBeLessThanOrEqual(100);
              total += weight * v;
            }
            expect(s.total).toBeCloseTo(total, 9);
            expect(s.total).toBeLessThanOrEqual(d.scores[0]!.total);
          }
          if (d.chosen === null) expect(d.scores).toEqual([]);
          else expect(d.chosen.index).toBe(d.scores[0]!.index);
          const got = cluster.place(req, policy);
          expect(got).toBe(d.chosen?.index ?? null);
          if (got !== null) model.place(req, got, 'filter-score');
        });
        for (let i = 0; i < cluster.hostCount; i++) {
          const h = cluster.host(i);
          expect(h.cpuUsed).toBeLessThanOrEqual(h.cpuCapacity);
          expect(h.memoryUsed).toBeLessThanOrEqual(h.memoryCapacity);
        }
      }),
      { numRuns: 60 },
    );
  });
});
