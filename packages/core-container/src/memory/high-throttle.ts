// memory.high: reclaim and an allocator sleep instead of an OOM kill. The penalty is
// mm/memcontrol.c calculate_high_delay() in its own unsigned 64-bit arithmetic, and the retry loop is
// __mem_cgroup_handle_over_high(): reclaim while it makes progress or retries remain, then sleep
// min(penalty, 2 s) unless the penalty is at most HZ/100 jiffies.
import {
  MAX_RECLAIM_RETRIES,
  MEMCG_CHARGE_BATCH,
  MEMCG_DELAY_PRECISION_SHIFT,
  MEMCG_DELAY_SCALING_SHIFT,
  MEMCG_MAX_HIGH_DELAY_SECONDS,
  SWAP_CLUSTER_MAX,
} from './kernel-constants.js';
import { countMemoryEvent, limitedChain, type MemcgNode, type MemoryState } from './memcg-state.js';
import { reclaimPages, type ReclaimCounter } from './reclaim.js';

const U64 = (1n << 64n) - 1n;

/** calculate_overage(): (usage − high) << 20 / max(high, 1), 0 when not over. Pages in, u64 fixed point out. */
export function calculateOverage(usage: number, high: number): bigint {
  if (usage <= high) return 0n;
  const threshold = BigInt(Math.max(high, 1));
  return ((BigInt(usage) - threshold) << MEMCG_DELAY_PRECISION_SHIFT) / threshold;
}

/** mem_find_max_overage(): the largest overage of the cgroup and its ancestors below the root. */
export function maxOverage(node: MemcgNode): bigint {
  let max = 0n;
  for (const n of limitedChain(node)) {
    const overage = calculateOverage(n.usage, n.limits.high);
    if (overage > max) max = overage;
  }
  return max;
}

/** calculate_high_delay(): overage² × HZ >> 20 >> 14, scaled by the batch's share of MEMCG_CHARGE_BATCH; jiffies. */
export function calculateHighDelay(nrPages: number, overage: bigint, hz: number): bigint {
  if (overage === 0n) return 0n;
  let penalty = (overage * overage * BigInt(hz)) & U64;
  penalty >>= MEMCG_DELAY_PRECISION_SHIFT;
  penalty >>= MEMCG_DELAY_SCALING_SHIFT;
  return ((penalty * BigInt(nrPages)) & U64) / BigInt(MEMCG_CHARGE_BATCH);
}

/** The check after a charge (try_charge_memcg's done_restock loop): is the cgroup or an ancestor over memory.high? */
export function overHigh(node: MemcgNode): boolean {
  for (const n of limitedChain(node)) if (n.usage > n.limits.high) return true;
  return false;
}

/** reclaim_high(): a `high` event and reclaim in each cgroup of the chain that is over its memory.high. */
function reclaimHigh(state: MemoryState, node: MemcgNode, nrPages: number, counter: ReclaimCounter): number {
  let reclaimed = 0;
  for (const n of limitedChain(node)) {
    if (n.usage <= n.limits.high) continue;
    countMemoryEvent(n, 'high');
    reclaimed += reclaimPages(state, n, Math.max(nrPages, SWAP_CLUSTER_MAX), counter);
  }
  return reclaimed;
}

/**
 * __mem_cgroup_handle_over_high() for `nrPages` charged over high by a task of `node`: returns the
 * sleep in µs (0 when the penalty is not worth sleeping for). Swap over memory.swap.high is not
 * modelled (no swap.high), so the swap half of the penalty is 0.
 */
export function handleOverHigh(state: MemoryState, node: MemcgNode, nrPages: number, counter: ReclaimCounter): number {
  const cap = BigInt(MEMCG_MAX_HIGH_DELAY_SECONDS * state.hz);
  let retries = MAX_RECLAIM_RETRIES;
  let inRetry = false;
  for (;;) {
    const reclaimed = reclaimHigh(state, node, inRetry ? SWAP_CLUSTER_MAX : nrPages, counter);
    let penalty = calculateHighDelay(nrPages, maxOverage(node), state.hz);
    if (penalty > cap) penalty = cap;
    if (penalty <= BigInt(Math.floor(state.hz / 100))) return 0;
    // Reclaim that makes progress is preferred to a sleep; fruitless rounds are limited.
    if (reclaimed > 0 || retries-- > 0) {
      inRetry = true;
      continue;
    }
    return Math.floor((Number(penalty) * 1_000_000) / state.hz);
  }
}
