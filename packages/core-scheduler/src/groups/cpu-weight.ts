// cgroup CPU weights as the kernel and runc see them: v1 `cpu.shares` is the scheduler's load
// weight itself (1024 = one nice-0 task), v2 `cpu.weight` maps onto it, runc maps shares to weight.
import { CGROUP_CPU_LIMITS, ValidationError } from '@strata/shared-types';

const L = CGROUP_CPU_LIMITS;

/** The kernel's silent clamp of v1 `cpu.shares` into 2..262144 (0 and 1 become 2). Throws ValidationError unless a whole number ≥ 0. */
export function clampShares(shares: number): number {
  if (!Number.isSafeInteger(shares) || shares < 0) {
    throw new ValidationError(`invalid cpu.shares ${String(shares)}: expected a whole number >= 0 (the kernel clamps it into 2..262144)`, {
      path: 'shares',
      value: shares,
      accepted: 'integer >= 0',
    });
  }
  return Math.min(L.sharesMax, Math.max(L.sharesMin, shares));
}

/**
 * runc's conversion of v1 shares to a v2 weight on a cgroup v2 host, in integer arithmetic:
 * `weight = 1 + ((shares - 2) * 9999) / 262142`, after the kernel's clamp (2 → 1, 1024 → 39, 262144 → 10000).
 */
export function sharesToWeight(shares: number): number {
  const s = clampShares(shares);
  return 1 + Math.floor(((s - 2) * 9999) / 262142);
}

/** The kernel's load weight for a v2 `cpu.weight` (1..10000): `round(weight * 1024 / 100)`, so 100 → 1024. Throws ValidationError out of range. */
export function weightToShares(weight: number): number {
  if (!Number.isSafeInteger(weight) || weight < L.weightMin || weight > L.weightMax) {
    throw new ValidationError(`invalid cpu.weight ${String(weight)}: expected a whole number from ${L.weightMin} to ${L.weightMax}`, {
      path: 'weight',
      value: weight,
      accepted: `integer ${L.weightMin}..${L.weightMax}`,
    });
  }
  // DIV_ROUND_CLOSEST_ULL(weight * 1024, CGROUP_WEIGHT_DFL) in kernel/sched/core.c.
  return Math.floor((weight * 1024 + 50) / 100);
}
