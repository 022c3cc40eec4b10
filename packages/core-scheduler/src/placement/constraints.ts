// Hard and soft placement constraints beyond resources: host label selectors, taints and
// tolerations, and inter-item affinity / anti-affinity over topology domains (Kubernetes semantics).
import type { AffinityTerm, Labels, PlacementRequest, Taint, TaintEffect, Toleration } from './types.js';

/** True when `labels` carries every key/value pair of `selector` (an empty selector matches everything). */
export function labelsMatch(selector: Labels, labels: Labels): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

/** True when `toleration` tolerates `taint` (Kubernetes `ToleratesTaint`). */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== undefined && toleration.effect !== taint.effect) return false;
  if (toleration.key !== undefined && toleration.key !== taint.key) return false;
  const op = toleration.operator ?? 'Equal';
  if (op === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/** The first of `taints` with one of `effects` that no toleration tolerates, or undefined. */
export function firstUntolerated(taints: readonly Taint[], tolerations: readonly Toleration[], effects: readonly TaintEffect[]): Taint | undefined {
  for (const t of taints) if (effects.includes(t.effect) && !anyTolerates(tolerations, t)) return t;
  return undefined;
}

function anyTolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const tol of tolerations) if (tolerates(tol, taint)) return true;
  return false;
}

/** `key=value:Effect`, as kubectl prints a taint. */
export function formatTaint(t: Taint): string {
  return `${t.key}${t.value === undefined ? '' : `=${t.value}`}:${t.effect}`;
}

/** What the constraint evaluator needs to know about a cluster's hosts and placed items. */
export interface ConstraintData {
  hostCount(): number;
  hostLabels(i: number): Labels;
  hostTaints(i: number): readonly Taint[];
  /** Hosts holding ≥ 1 item labelled key=value, with how many; undefined when none. */
  hostsWithLabel(key: string, value: string): ReadonlyMap<number, number> | undefined;
  /** Labels of every item on host `i`. */
  itemLabelsOn(i: number): Iterable<Labels>;
  /** Number of items on host `i`. */
  itemCountOn(i: number): number;
  /** Required anti-affinity terms of placed items whose selector matches `labels`, with the holder's host. */
  antiAffinityAgainst(labels: Labels): Iterable<{ readonly host: number; readonly term: AffinityTerm; readonly item: string }>;
  /** Number of hosts with a NoSchedule or NoExecute taint (0 lets untolerating requests skip the taint check). */
  hardTaintedHosts(): number;
}

/** The topology domain of host `i` for `topologyKey`: the host itself when absent; undefined when the host lacks that label. */
function domainOf(data: ConstraintData, i: number, topologyKey: string | undefined): string | undefined {
  if (topologyKey === undefined) return `#${i}`;
  const v = data.hostLabels(i)[topologyKey];
  return v === undefined ? undefined : `=${v}`;
}

function describeTerm(term: AffinityTerm): string {
  const sel = Object.entries(term.selector).map(([k, v]) => `${k}=${v}`).join(',');
  return `{${sel}}${term.topologyKey === undefined ? ' on the same host' : ` in the same ${term.topologyKey}`}`;
}

/** Matching items per topology domain for one term. */
function countByDomain(data: ConstraintData, term: AffinityTerm): Map<string, number> {
  const out = new Map<string, number>();
  const pairs = Object.entries(term.selector);
  const add = (host: number, n: number): void => {
    if (n === 0) return;
    const d = domainOf(data, host, term.topologyKey);
    if (d !== undefined) out.set(d, (out.get(d) ?? 0) + n);
  };
  const countOn = (host: number): number => {
    let n = 0;
    for (const l of data.itemLabelsOn(host)) if (labelsMatch(term.selector, l)) n++;
    return n;
  };
  if (pairs.length === 0) {
    for (let i = 0, n = data.hostCount(); i < n; i++) add(i, data.itemCountOn(i));
    return out;
  }
  // Start from the rarest label pair; with a single pair its per-host count is already exact.
  let best: ReadonlyMap<number, number> | undefined;
  for (const [k, v] of pairs) {
    const m = data.hostsWithLabel(k, v);
    if (m === undefined) return out;
    if (best === undefined || m.size < best.size) best = m;
  }
  for (const [host, n] of best!) add(host, pairs.length === 1 ? n : countOn(host));
  return out;
}

/** A constraint check's verdict: null when satisfied, else the plugin that rejects and why. */
export type ConstraintVerdict = { readonly plugin: string; readonly reason: string } | null;

/**
 * Per-request evaluator of the non-resource constraints, prepared once (matching items per domain for
 * each term) so each host is then checked in O(number of terms + taints).
 */
export class RequestConstraints {
  /** True when no host can be rejected by these constraints (the fast path of the simple policies). */
  readonly trivial: boolean;
  private readonly required: { term: AffinityTerm; counts: Map<string, number> }[];
  private readonly requiredWaived: boolean;
  private readonly anti: { term: AffinityTerm; counts: Map<string, number> }[];
  private readonly forbidden: { topologyKey: string | undefined; domain: string; item: string; term: AffinityTerm }[];
  private readonly tolerations: readonly Toleration[];
  private preferredCache: { term: AffinityTerm; weight: number; counts: Map<string, number> }[] | undefined;

  constructor(private readonly request: PlacementRequest, private readonly data: ConstraintData) {
    this.tolerations = request.tolerations ?? [];
    const labels = request.labels ?? {};
    this.required = (request.affinity?.required ?? []).map((term) => ({ term, counts: countByDomain(data, term) }));
    // Kubernetes' rule for the first of a group: with no matching item anywhere, a request that
    // matches its own required terms may go to any host carrying the topology labels.
    this.requiredWaived =
      this.required.length > 0 && this.required.every((r) => r.counts.size === 0) && this.required.every((r) => labelsMatch(r.term.selector, labels));
    this.anti = (request.antiAffinity?.required ?? []).map((term) => ({ term, counts: countByDomain(data, term) }));
    this.forbidden = [];
    for (const { host, term, item } of data.antiAffinityAgainst(labels)) {
      const domain = domainOf(data, host, term.topologyKey);
      if (domain !== undefined) this.forbidden.push({ topologyKey: term.topologyKey, domain, item, term });
    }
    this.trivial =
      request.hostSelector === undefined &&
      this.required.length === 0 &&
      this.anti.every((a) => a.counts.size === 0) &&
      this.forbidden.length === 0 &&
      data.hardTaintedHosts() === 0;
  }

  /** The first hard constraint host `i` breaks (host selector, taints, affinity), or null. */
  check(i: number): ConstraintVerdict {
    if (this.trivial) return null;
    return this.hostSelector(i) ?? this.taints(i) ?? this.affinity(i);
  }

  /** Host label selector (Kubernetes NodeAffinity / nodeSelector). */
  hostSelector(i: number): ConstraintVerdict {
    const sel = this.request.hostSelector;
    if (sel === undefined) return null;
    const labels = this.data.hostLabels(i);
    for (const k in sel) {
      if (labels[k] !== sel[k]) {
        const has = labels[k] === undefined ? 'has no such label' : `has ${k}=${labels[k]}`;
        return { plugin: 'HostSelector', reason: `host label ${k}=${sel[k]} required; host ${has}` };
      }
    }
    return null;
  }

  /** NoSchedule / NoExecute taints (Kubernetes TaintToleration filter). */
  taints(i: number): ConstraintVerdict {
    const t = firstUntolerated(this.data.hostTaints(i), this.tolerations, ['NoSchedule', 'NoExecute']);
    return t === undefined ? null : { plugin: 'TaintToleration', reason: `untolerated taint ${formatTaint(t)}` };
  }

  /** Required affinity, required anti-affinity, and placed items' anti-affinity against this request (Kubernetes InterPodAffinity filter). */
  affinity(i: number): ConstraintVerdict {
    for (const r of this.required) {
      const d = domainOf(this.data, i, r.term.topologyKey);
      if (d === undefined) return { plugin: 'InterPodAffinity', reason: `affinity ${describeTerm(r.term)}: host has no ${r.term.topologyKey} label` };
      if (!this.requiredWaived && (r.counts.get(d) ?? 0) === 0) return { plugin: 'InterPodAffinity', reason: `affinity ${describeTerm(r.term)}: no matching item there` };
    }
    for (const a of this.anti) {
      const d = domainOf(this.data, i, a.term.topologyKey);
      const n = d === undefined ? 0 : (a.counts.get(d) ?? 0);
      if (n > 0) return { plugin: 'InterPodAffinity', reason: `anti-affinity ${describeTerm(a.term)}: ${n} matching item(s) there` };
    }
    for (const f of this.forbidden) {
      if (domainOf(this.data, i, f.topologyKey) === f.domain) {
        return { plugin: 'InterPodAffinity', reason: `placed item ${f.item} has anti-affinity ${describeTerm(f.term)} matching this request` };
      }
    }
    return null;
  }

  /** Soft inter-item score: Σ weight × matching items in the host's domain, affinity minus anti-affinity. */
  preferredAffinity(i: number): number {
    this.preferredCache ??= [
      ...(this.request.affinity?.preferred ?? []).map((t) => ({ term: t, weight: t.weight, counts: countByDomain(this.data, t) })),
      ...(this.request.antiAffinity?.preferred ?? []).map((t) => ({ term: t, weight: -t.weight, counts: countByDomain(this.data, t) })),
    ];
    let s = 0;
    for (const p of this.preferredCache) {
      const d = domainOf(this.data, i, p.term.topologyKey);
      if (d !== undefined) s += p.weight * (p.counts.get(d) ?? 0);
    }
    return s;
  }

  /** Number of PreferNoSchedule taints on host `i` this request does not tolerate. */
  intolerablePreferNoSchedule(i: number): number {
    let n = 0;
    for (const t of this.data.hostTaints(i)) if (t.effect === 'PreferNoSchedule' && !anyTolerates(this.tolerations, t)) n++;
    return n;
  }

  /** Σ weight of the request's host preferences that host `i` satisfies. */
  hostPreference(i: number): number {
    let s = 0;
    const labels = this.data.hostLabels(i);
    for (const p of this.request.hostPreferences ?? []) if (labelsMatch(p.selector, labels)) s += p.weight;
    return s;
  }
}
