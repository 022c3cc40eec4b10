// Weighted max-min fairness with caps over one divisible resource (water-filling): the
// building block the fluid CPU model, cgroup bandwidth and link sharing reuse.
import { requireCap, requireFiniteNonNegative } from './validation.js';

/** One claimant on a single resource: its share `weight` (≥ 0, finite) and its `cap` (≥ 0; Infinity = uncapped). */
export interface WaterFillDemand {
  readonly weight: number;
  readonly cap: number;
}

/**
 * Weighted max-min fair allocation of `capacity` among `demands` (water-filling).
 *
 * Entries with weight > 0 get `min(cap, weight·λ)` for the single water level λ at which the
 * allocations use the whole capacity; if every such entry reaches its cap, each gets its cap.
 * Entries with weight 0 are served last: they share only what is left after every weighted entry
 * is capped, equally (as if weight 1) and up to their own caps — otherwise they get 0.
 * Thus the result never exceeds `capacity` in sum (up to float rounding in the last ulp), and it
 * uses all of `capacity` unless every entry is at its cap.
 * Exact and O(n log n): one sort by cap/weight, one pass; no iteration to convergence.
 * Returns allocations in input order. Throws ValidationError (field path in `details.path`) when
 * `capacity` or a weight is not finite and ≥ 0, or a cap is NaN or negative.
 */
export function waterFill(capacity: number, demands: readonly WaterFillDemand[]): number[] {
  requireFiniteNonNegative(capacity, 'capacity');
  const weighted: number[] = [];
  const unweighted: number[] = [];
  for (let i = 0; i < demands.length; i++) {
    const d = demands[i]!;
    requireFiniteNonNegative(d.weight, `demands[${i}].weight`);
    requireCap(d.cap, `demands[${i}].cap`);
    (d.weight > 0 ? weighted : unweighted).push(i);
  }
  const out = new Array<number>(demands.length).fill(0);
  const left = fillLevel(capacity, weighted, (i) => demands[i]!.weight, (i) => demands[i]!.cap, out);
  if (left > 0 && unweighted.length > 0) {
    fillLevel(left, unweighted, () => 1, (i) => demands[i]!.cap, out);
  }
  return out;
}

/**
 * Water-fills `capacity` over the entries `idx` (all with weight > 0), writing into `out`;
 * returns the capacity left over (> 0 only when every entry is capped).
 */
function fillLevel(
  capacity: number,
  idx: number[],
  weightOf: (i: number) => number,
  capOf: (i: number) => number,
  out: number[],
): number {
  if (idx.length === 0) return capacity;
  // Lowest cap-per-weight saturates first as the water level rises; ties broken by index for
  // determinism (the result does not depend on it, but float rounding could).
  const order = idx
    .map((i) => ({ i, ratio: capOf(i) / weightOf(i) }))
    .sort((a, b) => a.ratio - b.ratio || a.i - b.i);
  // Suffix sums of weights: the weight still rising at each step, computed without the
  // cancellation that "total minus frozen" subtraction would accumulate.
  const n = order.length;
  const suffixWeight = new Array<number>(n + 1).fill(0);
  for (let k = n - 1; k >= 0; k--) suffixWeight[k] = suffixWeight[k + 1]! + weightOf(order[k]!.i);
  let remaining = capacity;
  for (let k = 0; k < n; k++) {
    const level = remaining / suffixWeight[k]!;
    const { i, ratio } = order[k]!;
    if (ratio <= level) {
      // Capped before the water reaches the common level: freeze at cap, give back the rest.
      const cap = capOf(i);
      out[i] = cap;
      remaining = Math.max(0, remaining - cap);
      continue;
    }
    // Every entry from k on is below its cap at this level: all share it in proportion to weight.
    let given = 0;
    for (let m = k; m < n; m++) {
      const j = order[m]!.i;
      // Clamp against the last ulp: never above the cap, and the sum never above capacity.
      const fair = Math.min(capOf(j), weightOf(j) * level);
      const share = m === n - 1 ? Math.max(0, Math.min(fair, remaining - given)) : fair;
      out[j] = share;
      given += share;
    }
    return 0;
  }
  return remaining;
}
