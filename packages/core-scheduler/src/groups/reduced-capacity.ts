// Linux's test of a CPU of reduced capacity, shared by the exact model's balance and core-vmm's fluid
// guest, which mirrors it by rates.

/**
 * `imbalance_pct` of Linux's multi-core scheduling domain: a CPU's capacity counts as reduced against
 * another's when it × this is below the other's × 100 (`check_cpu_capacity`, `need_active_balance`).
 */
export const NOHZ_IMBALANCE_PCT = 117;

/**
 * Capacity `capacity` (a CPU's capacity left by steal, or a vCPU's host rate) is reduced against
 * `than`: a task running alone on it moves to the idle CPU of capacity `than` (Linux's nohz balance,
 * `need_active_balance`).
 */
export function isReducedCapacity(capacity: number, than: number): boolean {
  return capacity * NOHZ_IMBALANCE_PCT < than * 100;
}
