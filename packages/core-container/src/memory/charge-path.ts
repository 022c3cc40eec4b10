// One allocation through the kernel's paths: the page allocator (free RAM, global reclaim, global
// OOM), then try_charge_memcg() (memory.max of the cgroup and its ancestors, memcg reclaim, memcg
// OOM), then the memory.high check a task makes each time it refills its per-CPU charge stock.
// Nothing is charged unless everything passes; reclaim and events on the way stay, as in Linux.
import { overHigh, handleOverHigh } from './high-throttle.js';
import { COSTLY_ORDER_PAGES, MAX_RECLAIM_RETRIES, MEMCG_CHARGE_BATCH, SWAP_CLUSTER_MAX } from './kernel-constants.js';
import { chargeAnon, chargeFile, countMemoryEvent, freeRamPages, type MemcgNode, type MemoryState, type ProcessRecord } from './memcg-state.js';
import { runOomKiller } from './oom-killer.js';
import { PAGE_SIZE } from '../cgroupfs/memparse.js';
import { newReclaimCounter, reclaimPages, type ReclaimCounter } from './reclaim.js';
import type { ChargeOutcome, LimitOutcome, MemoryChargeKind, OomOutcome, OomScope, ReclaimTally } from './types.js';

/** A reclaim counter as the API reports it, in bytes. */
export function tallyOf(counter: ReclaimCounter): ReclaimTally {
  return { fileBytes: counter.filePages * PAGE_SIZE, swappedBytes: counter.swappedPages * PAGE_SIZE };
}

/** page_counter_try_charge()'s failing level: the lowest cgroup in the chain that `pages` more would put over memory.max. */
function overLimit(node: MemcgNode, pages: number): MemcgNode | null {
  // A plain loop, not limitedChain(): this runs on every charge.
  for (let n: MemcgNode = node; n.parent !== null; n = n.parent) if (n.usage + pages > n.limits.max) return n;
  return null;
}

/** Whether a memory.high is set on the cgroup or an ancestor below the root. */
function highApplies(node: MemcgNode): boolean {
  for (let n: MemcgNode = node; n.parent !== null; n = n.parent) if (n.limits.high !== Infinity) return true;
  return false;
}

/** An OOM at `scope`: the OOM killer's orders, or ENOMEM when it found nobody to kill. */
function oomOrFail(state: MemoryState, scope: OomScope, counter: ReclaimCounter): OomOutcome | { kind: 'failed'; errno: 'ENOMEM'; scope: OomScope; reclaimed: ReclaimTally } {
  const kill = runOomKiller(state, scope);
  if (kill.victims.length === 0 && kill.awaiting.length === 0) return { kind: 'failed', errno: 'ENOMEM', scope, reclaimed: tallyOf(counter) };
  return { kind: 'oom', scope, victims: kill.victims, oomGroup: kill.oomGroup, awaiting: kill.awaiting, reclaimed: tallyOf(counter) };
}

/**
 * The page allocator's slow path, reduced to what the model has: reclaim the whole machine while it
 * makes progress, then the global OOM killer (no memcg event but the victims' oom_kill). Returns
 * null when the pages are free.
 */
function allocatePages(state: MemoryState, pages: number, counter: ReclaimCounter): ChargeOutcome | null {
  while (freeRamPages(state) < pages) {
    const short = pages - freeRamPages(state);
    if (reclaimPages(state, state.root, Math.max(short, SWAP_CLUSTER_MAX), counter) === 0) return oomOrFail(state, { type: 'global' }, counter);
  }
  return null;
}

/**
 * try_charge_memcg()'s retry loop: each failed attempt counts `max` on the cgroup at its limit and
 * reclaims there (at least SWAP_CLUSTER_MAX pages); the loop retries while reclaim made room, once
 * more after draining the charge stocks, while small charges still reclaim something, and
 * MAX_RECLAIM_RETRIES more times; then mem_cgroup_oom() counts `oom` and runs the OOM killer.
 * Returns null when the charge fits.
 */
function chargeMemcg(state: MemoryState, node: MemcgNode, pages: number, counter: ReclaimCounter): ChargeOutcome | null {
  let retries = MAX_RECLAIM_RETRIES;
  let drained = false;
  for (;;) {
    const limited = overLimit(node, pages);
    if (limited === null) return null;
    countMemoryEvent(limited, 'max');
    const reclaimed = reclaimPages(state, limited, Math.max(pages, SWAP_CLUSTER_MAX), counter);
    if (limited.limits.max - limited.usage >= pages) continue;
    if (!drained) {
      drained = true;
      continue;
    }
    if (reclaimed > 0 && pages <= COSTLY_ORDER_PAGES) continue;
    if (retries-- > 0) continue;
    countMemoryEvent(limited, 'oom');
    return oomOrFail(state, { type: 'memcg', cgroup: limited.path }, counter);
  }
}

function commitStep(proc: ProcessRecord, kind: MemoryChargeKind, pages: number): void {
  if (kind === 'anon') chargeAnon(proc, pages);
  else chargeFile(proc.node, pages);
}

/**
 * Commit the pages, checking memory.high each time the task's charges since its last check reach
 * MEMCG_CHARGE_BATCH: Linux charges a stock of that many pages ahead and checks memory.high only when
 * it refills it, adding a whole batch to the task's over-high debt. Returns the throttle in µs.
 */
function commitPages(state: MemoryState, proc: ProcessRecord, kind: MemoryChargeKind, pages: number, counter: ReclaimCounter): number {
  const node = proc.node;
  if (!highApplies(node)) {
    commitStep(proc, kind, pages);
    proc.sinceHighCheck = (proc.sinceHighCheck + pages) % MEMCG_CHARGE_BATCH;
    return 0;
  }
  let throttleUsec = 0;
  let left = pages;
  while (left > 0) {
    const step = Math.min(left, MEMCG_CHARGE_BATCH - proc.sinceHighCheck);
    commitStep(proc, kind, step);
    left -= step;
    proc.sinceHighCheck += step;
    if (proc.sinceHighCheck < MEMCG_CHARGE_BATCH) continue;
    proc.sinceHighCheck = 0;
    if (overHigh(node)) throttleUsec += handleOverHigh(state, node, MEMCG_CHARGE_BATCH, counter);
  }
  return throttleUsec;
}

/**
 * `chargeProcess` when no slow path is needed (free RAM, room under every memory.max of the chain,
 * no memory.high to check): charges as it would (no reclaim, no event, no throttle) and returns true;
 * otherwise changes nothing and returns false. Allocates nothing: a request server charges per request.
 */
export function chargeWithinLimits(state: MemoryState, proc: ProcessRecord, kind: MemoryChargeKind, pages: number): boolean {
  const node = proc.node;
  if (pages === 0 || freeRamPages(state) < pages || overLimit(node, pages) !== null || highApplies(node)) return false;
  commitStep(proc, kind, pages);
  proc.sinceHighCheck = (proc.sinceHighCheck + pages) % MEMCG_CHARGE_BATCH;
  return true;
}

/** One allocation of `pages` for the process, all or nothing. */
export function chargeProcess(state: MemoryState, proc: ProcessRecord, kind: MemoryChargeKind, pages: number): ChargeOutcome {
  const counter = newReclaimCounter();
  if (pages === 0) return { kind: 'charged', bytes: 0, throttleUsec: 0, reclaimed: tallyOf(counter) };
  const refused = allocatePages(state, pages, counter) ?? (proc.node.parent === null ? null : chargeMemcg(state, proc.node, pages, counter));
  if (refused !== null) return refused;
  const throttleUsec = commitPages(state, proc, kind, pages, counter);
  return { kind: 'charged', bytes: pages * PAGE_SIZE, throttleUsec, reclaimed: tallyOf(counter) };
}

/**
 * Pages the process can charge with no slow path: room under every memory.max of its chain, free
 * RAM, and (when a memory.high applies) the pages before the first stock refill that would find the
 * chain over high.
 */
export function headroomPages(state: MemoryState, proc: ProcessRecord): number {
  let room = freeRamPages(state);
  let toHigh = Infinity;
  // A plain loop, not limitedChain(), as in overLimit(): the kernel asks this before every chunk.
  for (let n: MemcgNode = proc.node; n.parent !== null; n = n.parent) {
    room = Math.min(room, n.limits.max - n.usage);
    toHigh = Math.min(toHigh, n.limits.high - n.usage);
  }
  room = Math.max(0, room);
  if (toHigh === Infinity) return room;
  // Checks happen after the charge that completes a batch: at k = first, first + 64, ... pages.
  const first = MEMCG_CHARGE_BATCH - proc.sinceHighCheck;
  const needed = Math.max(1, toHigh + 1);
  const firstOver = needed <= first ? first : first + Math.ceil((needed - first) / MEMCG_CHARGE_BATCH) * MEMCG_CHARGE_BATCH;
  return Math.min(room, firstOver - 1);
}

/**
 * memory_high_write(): reclaim down to the new memory.high; give up after MAX_RECLAIM_RETRIES
 * fruitless rounds. No event is counted.
 */
export function enforceHigh(state: MemoryState, node: MemcgNode, counter: ReclaimCounter): void {
  let retries = MAX_RECLAIM_RETRIES;
  while (node.usage > node.limits.high) {
    const reclaimed = reclaimPages(state, node, node.usage - node.limits.high, counter);
    if (reclaimed === 0 && !(retries-- > 0)) return;
  }
}

/**
 * memory_max_write(): reclaim down to the new memory.max (MAX_RECLAIM_RETRIES fruitless rounds),
 * then count `oom` (not `max`) and run the OOM killer once. Linux loops in the write until usage
 * fits; the model returns the kill orders and the kernel writes the same max again once they exited.
 */
export function enforceMax(state: MemoryState, node: MemcgNode, counter: ReclaimCounter): LimitOutcome {
  let reclaims = MAX_RECLAIM_RETRIES;
  while (node.usage > node.limits.max) {
    if (reclaims > 0) {
      if (reclaimPages(state, node, node.usage - node.limits.max, counter) === 0) reclaims--;
      continue;
    }
    countMemoryEvent(node, 'oom');
    const outcome = oomOrFail(state, { type: 'memcg', cgroup: node.path }, counter);
    return outcome.kind === 'oom' ? outcome : { kind: 'over-limit', reclaimed: tallyOf(counter) };
  }
  return { kind: 'applied', reclaimed: tallyOf(counter) };
}
