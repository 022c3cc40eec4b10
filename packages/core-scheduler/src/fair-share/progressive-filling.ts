// Max-min fairness over several resources at once (progressive filling): a flow crossing
// several links, or a task needing CPU and I/O, is limited by its tightest shared resource.
import { ValidationError } from '@strata/shared-types';
import { requireCap, requireFiniteNonNegative } from './validation.js';

/** A flow: its share `weight` (finite, ≥ 0), optional `cap` on its rate (default Infinity), and the indices of the resources it crosses (distinct). */
export interface FillFlow {
  readonly weight: number;
  readonly cap?: number;
  readonly resources: readonly number[];
}

/** Outcome of progressive filling: per-flow rates, what froze each flow, per-resource use. */
export interface ProgressiveFillResult {
  /** Rate of each flow, in input order. */
  readonly rates: number[];
  /** Per flow: the index of the saturated resource that froze it, or null when its cap froze it. */
  readonly bottleneck: (number | null)[];
  /** Per resource: the sum of the rates of the flows crossing it (≤ its capacity). */
  readonly used: number[];
}

/**
 * Weighted max-min fair rates for `flows` over resources with the given `capacities`
 * (progressive filling). All unfrozen flows raise their normalized rate (rate / weight) together;
 * when a resource saturates, every flow crossing it freezes; when a flow reaches its cap, it freezes.
 * Weight-0 flows are served last, exactly as in `waterFill`: they share only the capacity the
 * weighted flows leave, as if of weight 1. On a single resource the result equals `waterFill`.
 * Exact and event-driven: O(P log P) for P = total number of (flow, resource) crossings.
 * Throws ValidationError (field path in `details.path`) for a negative or non-finite capacity or
 * weight, a NaN or negative cap, a resource index out of range or repeated, or an uncapped flow
 * that crosses no resource (its fair rate would be unbounded).
 */
export function progressiveFill(capacities: readonly number[], flows: readonly FillFlow[]): ProgressiveFillResult {
  capacities.forEach((c, r) => requireFiniteNonNegative(c, `capacities[${r}]`));
  flows.forEach((f, i) => validateFlow(f, i, capacities.length));

  const rates = new Array<number>(flows.length).fill(0);
  const bottleneck = new Array<number | null>(flows.length).fill(null);
  const used = new Array<number>(capacities.length).fill(0);
  const weighted: number[] = [];
  const unweighted: number[] = [];
  flows.forEach((f, i) => (f.weight > 0 ? weighted : unweighted).push(i));
  fill(capacities, flows, weighted, (i) => flows[i]!.weight, rates, bottleneck, used);
  if (unweighted.length > 0) {
    const residual = capacities.map((c, r) => Math.max(0, c - used[r]!));
    const extra = new Array<number>(capacities.length).fill(0);
    fill(residual, flows, unweighted, () => 1, rates, bottleneck, extra);
    extra.forEach((x, r) => (used[r] = used[r]! + x));
  }
  return { rates, bottleneck, used };
}

function validateFlow(f: FillFlow, i: number, resourceCount: number): void {
  requireFiniteNonNegative(f.weight, `flows[${i}].weight`);
  if (f.cap !== undefined) requireCap(f.cap, `flows[${i}].cap`);
  if (!Array.isArray(f.resources)) {
    throw new ValidationError(`flows[${i}].resources must be an array of resource indices`, { path: `flows[${i}].resources`, accepted: 'array of distinct integers in [0, capacities.length)' });
  }
  const seen = new Set<number>();
  const resources: readonly unknown[] = f.resources;
  resources.forEach((r, k) => {
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r >= resourceCount || seen.has(r)) {
      const path = `flows[${i}].resources[${k}]`;
      throw new ValidationError(`${path} must be a distinct integer resource index in [0, ${resourceCount}), got ${String(r)}`, { path, value: r, accepted: `distinct integers in [0, ${resourceCount})` });
    }
    seen.add(r);
  });
  if (f.resources.length === 0 && (f.cap ?? Infinity) === Infinity) {
    throw new ValidationError(`flows[${i}] crosses no resource and has no finite cap: its rate would be unbounded; give it resources or a cap`, { path: `flows[${i}].resources`, accepted: 'at least one resource index, or a finite cap' });
  }
}

// Heap events: a resource reaching saturation, or a flow reaching its cap, at a normalized level.
interface FillEvent {
  level: number;
  kind: 0 | 1; // 0 = resource saturates, 1 = flow cap
  id: number;
  version: number;
}

/** Progressive filling of the flows `ids` (each with weightOf > 0) over `capacities`, writing rates, bottlenecks and use. */
function fill(
  capacities: readonly number[],
  flows: readonly FillFlow[],
  ids: readonly number[],
  weightOf: (i: number) => number,
  rates: number[],
  bottleneck: (number | null)[],
  used: number[],
): void {
  const R = capacities.length;
  const activeWeight = new Array<number>(R).fill(0);
  const activeCount = new Array<number>(R).fill(0);
  const crossing: number[][] = Array.from({ length: R }, () => []);
  const version = new Array<number>(R).fill(0);
  // Per flow: 0 = rising in this phase, 1 = frozen (flows outside `ids` are never consulted).
  const frozen = new Uint8Array(flows.length);
  for (const i of ids) {
    for (const r of flows[i]!.resources) {
      activeWeight[r] = activeWeight[r]! + weightOf(i);
      activeCount[r] = activeCount[r]! + 1;
      crossing[r]!.push(i);
    }
  }
  const heap = new EventHeap();
  const resourceLevel = (r: number): number => Math.max(0, capacities[r]! - used[r]!) / activeWeight[r]!;
  for (let r = 0; r < R; r++) if (activeCount[r]! > 0) heap.push({ level: resourceLevel(r), kind: 0, id: r, version: 0 });
  for (const i of ids) {
    const cap = flows[i]!.cap ?? Infinity;
    if (cap !== Infinity) heap.push({ level: cap / weightOf(i), kind: 1, id: i, version: 0 });
  }
  let unfrozen = ids.length;
  const dirty = new Set<number>();
  while (unfrozen > 0) {
    const e = heap.pop();
    if (e === undefined) break; // unreachable: validation guarantees every flow has a resource or a finite cap
    if (e.kind === 0 ? e.version !== version[e.id] : frozen[e.id] === 1) continue;
    const toFreeze = e.kind === 0 ? crossing[e.id]!.filter((i) => frozen[i] === 0) : [e.id];
    for (const i of toFreeze) {
      const f = flows[i]!;
      const cap = f.cap ?? Infinity;
      const rate = e.kind === 1 ? cap : Math.min(cap, weightOf(i) * e.level);
      rates[i] = rate;
      bottleneck[i] = e.kind === 0 ? e.id : null;
      frozen[i] = 1;
      unfrozen--;
      for (const r of f.resources) {
        used[r] = used[r]! + rate;
        activeWeight[r] = activeWeight[r]! - weightOf(i);
        activeCount[r] = activeCount[r]! - 1;
        dirty.add(r);
      }
    }
    for (const r of dirty) {
      version[r] = version[r]! + 1;
      // A resource's saturation level never falls below the current level (its flows took at most
      // their share); the max() absorbs float rounding so levels stay monotone.
      if (activeCount[r]! > 0) heap.push({ level: Math.max(e.level, resourceLevel(r)), kind: 0, id: r, version: version[r] });
    }
    dirty.clear();
  }
}

/** Binary min-heap of fill events ordered by level, then resources before caps, then id (deterministic). */
class EventHeap {
  private readonly items: FillEvent[] = [];

  push(e: FillEvent): void {
    const a = this.items;
    a.push(e);
    let k = a.length - 1;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!less(a[k]!, a[p]!)) break;
      [a[k], a[p]] = [a[p]!, a[k]!];
      k = p;
    }
  }

  pop(): FillEvent | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === k) break;
        [a[k], a[m]] = [a[m]!, a[k]!];
        k = m;
      }
    }
    return top;
  }
}

function less(x: FillEvent, y: FillEvent): boolean {
  return x.level < y.level || (x.level === y.level && (x.kind < y.kind || (x.kind === y.kind && x.id < y.id)));
}
