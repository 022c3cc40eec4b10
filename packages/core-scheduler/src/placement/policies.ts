// Simple placement policies (CloudSim / textbook style): each picks one host for one request from
// the cluster's indexes, honouring resources, overcommit and every hard constraint.
import { ValidationError } from '@strata/shared-types';
import type { PlacementPolicy } from './cluster.js';

/**
 * A seeded source of uniform floats in [0, 1): a function, or an object with `float()` (core-sim's
 * `RandomStream`, e.g. `sim.rng('placement')`) or `next()`. Never Math.random: runs must replay.
 */
export type RandomSource = (() => number) | { float(): number } | { next(): number };

/** First-fit: the lowest-index feasible host. O(log n) per placement via the segment tree (see `HostSegmentTree`). */
export function firstFit(): PlacementPolicy {
  return { name: 'first-fit', select: (req, cluster, c) => cluster.findFirstFit(req, 0, c) };
}

/** Best-fit: the feasible host with the least free CPU (`by: 'memory'`: memory) before placement; ties to the lowest index. */
export function bestFit(options: { readonly by?: 'cpu' | 'memory' } = {}): PlacementPolicy {
  const order = dimension(options.by) === 'cpu' ? 'leastFreeCpu' : 'leastFreeMemory';
  return { name: 'best-fit', select: (req, cluster, c) => cluster.findFirstInOrder(order, req, c) };
}

/** Worst-fit: the feasible host with the most free CPU (`by: 'memory'`: memory); ties to the lowest index. */
export function worstFit(options: { readonly by?: 'cpu' | 'memory' } = {}): PlacementPolicy {
  const order = dimension(options.by) === 'cpu' ? 'mostFreeCpu' : 'mostFreeMemory';
  return { name: 'worst-fit', select: (req, cluster, c) => cluster.findFirstInOrder(order, req, c) };
}

/** Spread: the feasible host least allocated (mean of CPU and memory allocated fractions); ties to the lowest index. */
export function spread(): PlacementPolicy {
  return { name: 'spread', select: (req, cluster, c) => cluster.findFirstInOrder('leastAllocated', req, c) };
}

/** Pack: the feasible host most allocated (mean of CPU and memory allocated fractions); ties to the lowest index. */
export function pack(): PlacementPolicy {
  return { name: 'pack', select: (req, cluster, c) => cluster.findFirstInOrder('mostAllocated', req, c) };
}

/**
 * Round-robin: the first feasible host after the one this policy chose last, wrapping around
 * (starts at host 0). The cursor lives in the policy object; use one per cluster.
 */
export function roundRobin(): PlacementPolicy {
  let next = 0;
  return {
    name: 'round-robin',
    select(req, cluster, c) {
      const i = cluster.findFirstFit(req, next, c) ?? (next > 0 ? cluster.findFirstFit(req, 0, c) : null);
      if (i !== null) next = i + 1;
      return i;
    },
  };
}

/**
 * Random: a feasible host drawn uniformly from `random`. Draws up to `probes` (default 16) uniform
 * host indices and takes the first feasible one; if all miss, draws uniformly from the full feasible
 * list (O(n)). Either way the choice is exactly uniform over feasible hosts; expected O(1) when most
 * hosts are feasible. Deterministic for a given random stream.
 */
export function randomFit(random: RandomSource, options: { readonly probes?: number } = {}): PlacementPolicy {
  const draw = toFloat(random);
  const probes = options.probes ?? 16;
  if (!Number.isInteger(probes) || probes < 0) throw new ValidationError(`probes must be an integer >= 0, got ${String(probes)}`, { path: 'probes', value: probes });
  return {
    name: 'random',
    select(req, cluster, c) {
      const n = cluster.hostCount;
      if (n === 0) return null;
      for (let k = 0; k < probes; k++) {
        const i = Math.min(n - 1, Math.floor(draw() * n));
        if (cluster.fits(req, i) && c.check(i) === null) return i;
      }
      const feasible = cluster.feasibleHosts(req, c);
      return feasible.length === 0 ? null : feasible[Math.min(feasible.length - 1, Math.floor(draw() * feasible.length))]!;
    },
  };
}

function dimension(by: unknown): 'cpu' | 'memory' {
  if (by === undefined || by === 'cpu' || by === 'memory') return by ?? 'cpu';
  throw new ValidationError(`by must be 'cpu' or 'memory', got ${JSON.stringify(by)}`, { path: 'by', value: by, accepted: ['cpu', 'memory'] });
}

function toFloat(random: RandomSource): () => number {
  let f: () => number;
  if (typeof random === 'function') f = random;
  else if (typeof (random as { float?: unknown }).float === 'function') f = () => (random as { float(): number }).float();
  else if (typeof (random as { next?: unknown }).next === 'function') f = () => (random as { next(): number }).next();
  else throw new ValidationError('random must be a function returning [0, 1) or an object with float() or next()', { path: 'random', accepted: ['() => number', '{ float(): number }', '{ next(): number }'] });
  return () => {
    const x = f();
    if (!(x >= 0 && x < 1)) throw new ValidationError(`random source returned ${String(x)}; it must return floats in [0, 1)`, { path: 'random', value: x });
    return x;
  };
}
