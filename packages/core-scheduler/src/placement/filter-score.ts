// A filter-and-score scheduler in the style of kube-scheduler: filters remove infeasible hosts
// (saying why), score plugins rate the rest 0..100, a weighted sum picks the host, ties go to the lowest index.
import { ValidationError } from '@strata/shared-types';
import type { PlacementCluster } from './cluster.js';
import type { RequestConstraints } from './constraints.js';
import type { PlacementPolicy } from './cluster.js';
import { validateRequest } from './validation.js';
import type { FilteredHost, HostView, PlacementDecision, PlacementRequest, ScoredHost } from './types.js';

/** What plugins see during one decision (Kubernetes' CycleState, reduced): the cluster, the request, its prepared constraints. */
export interface SchedulingCycle {
  readonly cluster: PlacementCluster;
  readonly request: PlacementRequest;
  readonly constraints: RequestConstraints;
}

/** A filter: returns null when `host` can take the request, else a one-line reason. Must be pure. */
export interface FilterPlugin {
  readonly name: string;
  filter(host: HostView, cycle: SchedulingCycle): string | null;
}

/**
 * How a score plugin's raw scores become 0..100 across the feasible hosts:
 * 'none' — raw is already 0..100 (checked); 'max' — 100·raw/max (all 0 when max is 0);
 * 'reverseMax' — 100 − 100·raw/max (all 100 when max is 0); 'minMax' — 100·(raw − min)/(max − min) (all 0 when equal).
 * These are kube-scheduler's DefaultNormalizeScore (forward, reverse) and InterPodAffinity's normalization, without integer rounding.
 */
export type ScoreNormalization = 'none' | 'max' | 'reverseMax' | 'minMax';

/** A score plugin: a raw score for a feasible `host`, normalized per `normalize` (default 'none'). Must be pure. */
export interface ScorePlugin {
  readonly name: string;
  readonly normalize?: ScoreNormalization;
  score(host: HostView, cycle: SchedulingCycle): number;
}

/** A scheduler configuration: filters in order (the first failing one is reported) and weighted score plugins (weight finite, ≥ 0). */
export interface SchedulerProfile {
  readonly filters: readonly FilterPlugin[];
  readonly scores: readonly { readonly plugin: ScorePlugin; readonly weight: number }[];
}

/** Resources with overcommit (Kubernetes NodeResourcesFit filter). */
export const resourceFitFilter: FilterPlugin = {
  name: 'ResourceFit',
  filter: (host, { cluster, request }) => cluster.resourceVerdict(request, host.index)?.reason ?? null,
};

/** Required host labels (Kubernetes NodeAffinity / nodeSelector). */
export const hostSelectorFilter: FilterPlugin = {
  name: 'HostSelector',
  filter: (host, { constraints }) => constraints.hostSelector(host.index)?.reason ?? null,
};

/** NoSchedule / NoExecute taints the request does not tolerate (Kubernetes TaintToleration). */
export const taintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  filter: (host, { constraints }) => constraints.taints(host.index)?.reason ?? null,
};

/** Required affinity and anti-affinity, including placed items' anti-affinity to this request (Kubernetes InterPodAffinity). */
export const interPodAffinityFilter: FilterPlugin = {
  name: 'InterPodAffinity',
  filter: (host, { constraints }) => constraints.affinity(host.index)?.reason ?? null,
};

/** Fraction of `cap` requested after adding `r` to `used` (capped at 1; a zero capacity counts as full). */
function requestedFraction(used: number, r: number, cap: number): number {
  return cap > 0 ? Math.min(1, (used + r) / cap) : 1;
}

/** Fractions of effective capacity requested after placement: [cpu, memory]. */
function requestedFractions(host: HostView, req: PlacementRequest): [number, number] {
  return [requestedFraction(host.cpuUsed, req.cpu, host.cpuCapacity), requestedFraction(host.memoryUsed, req.memory, host.memoryCapacity)];
}

/** Kubernetes LeastAllocated: mean over CPU and memory of 100·(capacity − requested)/capacity — favours emptier hosts. */
export const leastAllocatedScore: ScorePlugin = {
  name: 'LeastAllocated',
  score: (host, { request }) => {
    const [c, m] = requestedFractions(host, request);
    return (100 * (1 - c) + 100 * (1 - m)) / 2;
  },
};

/** Kubernetes MostAllocated: mean over CPU and memory of 100·requested/capacity — favours fuller hosts (bin packing). */
export const mostAllocatedScore: ScorePlugin = {
  name: 'MostAllocated',
  score: (host, { request }) => {
    const [c, m] = requestedFractions(host, request);
    return (100 * c + 100 * m) / 2;
  },
};

/** Kubernetes BalancedAllocation: 100·(1 − std of the CPU and memory requested fractions) — favours even use. */
export const balancedAllocationScore: ScorePlugin = {
  name: 'BalancedAllocation',
  score: (host, { request }) => {
    const [c, m] = requestedFractions(host, request);
    return 100 * (1 - Math.abs(c - m) / 2);
  },
};

/** Kubernetes TaintToleration score: fewer untolerated PreferNoSchedule taints is better. */
export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  normalize: 'reverseMax',
  score: (host, { constraints }) => constraints.intolerablePreferNoSchedule(host.index),
};

/** Kubernetes preferred NodeAffinity: Σ weight of the request's host preferences the host meets. */
export const hostPreferenceScore: ScorePlugin = {
  name: 'HostPreference',
  normalize: 'max',
  score: (host, { constraints }) => constraints.hostPreference(host.index),
};

/** Kubernetes InterPodAffinity score: Σ weight × matching items in the host's domain, preferred affinity minus preferred anti-affinity. */
export const interPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  normalize: 'minMax',
  score: (host, { constraints }) => constraints.preferredAffinity(host.index),
};

/** kube-scheduler's default plugins and weights (TaintToleration 3, NodeAffinity 2, InterPodAffinity 2, NodeResourcesFit 1, BalancedAllocation 1). */
export const DEFAULT_PROFILE: SchedulerProfile = Object.freeze({
  filters: Object.freeze([resourceFitFilter, hostSelectorFilter, taintTolerationFilter, interPodAffinityFilter]),
  scores: Object.freeze([
    { plugin: taintTolerationScore, weight: 3 },
    { plugin: hostPreferenceScore, weight: 2 },
    { plugin: interPodAffinityScore, weight: 2 },
    { plugin: leastAllocatedScore, weight: 1 },
    { plugin: balancedAllocationScore, weight: 1 },
  ]),
});

/**
 * Decide where `request` goes, explaining every host: which filter removed it and why, or its weighted
 * total with each plugin's normalized and raw score. Does not change the cluster. O(n · plugins).
 * Throws ValidationError for a bad request or profile, or a 'none'-normalized plugin scoring outside 0..100.
 */
export function decide(cluster: PlacementCluster, request: PlacementRequest, profile: SchedulerProfile = DEFAULT_PROFILE): PlacementDecision {
  validateRequest(request);
  validateProfile(profile);
  const cycle: SchedulingCycle = { cluster, request, constraints: cluster.constraints(request) };
  const filtered: FilteredHost[] = [];
  const feasible: HostView[] = [];
  for (let i = 0; i < cluster.hostCount; i++) {
    const host = cluster.host(i);
    let rejected = false;
    for (const f of profile.filters) {
      const reason = f.filter(host, cycle);
      if (reason !== null) {
        filtered.push({ host: host.name, index: i, plugin: f.name, reason });
        rejected = true;
        break;
      }
    }
    if (!rejected) feasible.push(host);
  }
  // Score plugin by plugin (normalization needs all hosts), then assemble each host's record once.
  const n = feasible.length;
  const rawBy: number[][] = [];
  const normBy: number[][] = [];
  const totals = new Float64Array(n);
  for (const { plugin, weight } of profile.scores) {
    const raw = new Array<number>(n);
    for (let k = 0; k < n; k++) raw[k] = plugin.score(feasible[k]!, cycle);
    const norm = normalize(plugin, raw);
    for (let k = 0; k < n; k++) totals[k] = totals[k]! + weight * norm[k]!;
    rawBy.push(raw);
    normBy.push(norm);
  }
  const names = profile.scores.map((s) => s.plugin.name);
  const scores: ScoredHost[] = new Array<ScoredHost>(n);
  for (let k = 0; k < n; k++) {
    const breakdown: Record<string, number> = {};
    const raw: Record<string, number> = {};
    for (let p = 0; p < names.length; p++) {
      breakdown[names[p]!] = normBy[p]![k]!;
      raw[names[p]!] = rawBy[p]![k]!;
    }
    const h = feasible[k]!;
    scores[k] = { host: h.name, index: h.index, total: totals[k]!, breakdown, raw };
  }
  scores.sort((a, b) => b.total - a.total || a.index - b.index);
  const best = scores[0];
  return { chosen: best === undefined ? null : { host: best.host, index: best.index }, filtered, scores };
}

/** A `PlacementPolicy` running the filter-and-score scheduler with `profile`; `decide` gives the explained decision. */
export function filterScore(profile: SchedulerProfile = DEFAULT_PROFILE): PlacementPolicy & { decide(request: PlacementRequest, cluster: PlacementCluster): PlacementDecision } {
  validateProfile(profile);
  return {
    name: 'filter-score',
    select: (request, cluster) => decide(cluster, request, profile).chosen?.index ?? null,
    decide: (request, cluster) => decide(cluster, request, profile),
  };
}

/** A decision as readable text: the choice, each feasible host's score breakdown, each filtered host's reason. */
export function formatDecision(d: PlacementDecision): string {
  const lines = [d.chosen === null ? 'no feasible host' : `chosen: ${d.chosen.host}`];
  for (const s of d.scores) {
    const parts = Object.entries(s.breakdown).map(([p, v]) => `${p}=${round(v)}`);
    lines.push(`  ${s.host}: ${round(s.total)} (${parts.join(', ')})`);
  }
  for (const f of d.filtered) lines.push(`  ${f.host}: filtered by ${f.plugin}: ${f.reason}`);
  return lines.join('\n');
}

function round(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function normalize(plugin: ScorePlugin, raw: readonly number[]): number[] {
  for (const x of raw) {
    if (!Number.isFinite(x)) throw new ValidationError(`score plugin '${plugin.name}' returned ${String(x)}; scores must be finite`, { path: `scores.${plugin.name}`, value: x });
  }
  const mode = plugin.normalize ?? 'none';
  const max = raw.reduce((m, x) => Math.max(m, x), -Infinity);
  const min = raw.reduce((m, x) => Math.min(m, x), Infinity);
  switch (mode) {
    case 'none':
      for (const x of raw) {
        if (x < 0 || x > 100) throw new ValidationError(`score plugin '${plugin.name}' returned ${x} without normalization; return 0..100 or set normalize`, { path: `scores.${plugin.name}`, value: x, accepted: '0..100' });
      }
      return raw.slice();
    case 'max':
      return raw.map((x) => (max > 0 ? (100 * x) / max : 0));
    case 'reverseMax':
      return raw.map((x) => (max > 0 ? 100 - (100 * x) / max : 100));
    case 'minMax':
      return raw.map((x) => (max > min ? (100 * (x - min)) / (max - min) : 0));
    default: {
      const never: never = mode;
      throw new ValidationError(`score plugin '${plugin.name}' has unknown normalize '${String(never)}'`, { path: `scores.${plugin.name}.normalize`, accepted: ['none', 'max', 'reverseMax', 'minMax'] });
    }
  }
}

function validateProfile(profile: SchedulerProfile): void {
  const p = profile as unknown as { filters?: unknown; scores?: unknown } | null;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.filters) || !Array.isArray(p.scores)) {
    throw new ValidationError('profile must be { filters: FilterPlugin[], scores: { plugin, weight }[] }', { path: 'profile' });
  }
  const filters: readonly unknown[] = p.filters;
  const scores: readonly unknown[] = p.scores;
  filters.forEach((f, k) => {
    const fp = f as Partial<FilterPlugin> | null;
    if (typeof fp?.name !== 'string' || typeof fp.filter !== 'function') throw new ValidationError(`profile.filters[${k}] must have a name and a filter function`, { path: `profile.filters[${k}]` });
  });
  const seen = new Set<string>();
  scores.forEach((s, k) => {
    const entry = s as { plugin?: Partial<ScorePlugin> | null; weight?: unknown } | null;
    const name = entry?.plugin?.name;
    if (typeof name !== 'string' || typeof entry?.plugin?.score !== 'function') throw new ValidationError(`profile.scores[${k}].plugin must have a name and a score function`, { path: `profile.scores[${k}].plugin` });
    const weight = entry.weight;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) throw new ValidationError(`profile.scores[${k}].weight must be a finite number >= 0, got ${String(weight)}`, { path: `profile.scores[${k}].weight`, value: weight });
    if (seen.has(name)) throw new ValidationError(`profile.scores[${k}]: score plugin '${name}' appears twice; names key the breakdown`, { path: `profile.scores[${k}].plugin` });
    seen.add(name);
  });
}
