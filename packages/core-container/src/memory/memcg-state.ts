// The memory model's internal state: one node per cgroup with its page counters (hierarchical, like
// Linux's page_counter), the pages on its own LRU lists, its events; one record per process with the
// anonymous memory it charged, remembered per cgroup because charges stay where they were made.
// Everything here counts pages; bytes appear only at the API edge.

/** memory.events keys, in the kernel's order. */
export type MemoryEventKey = 'low' | 'high' | 'max' | 'oom' | 'oom_kill' | 'oom_group_kill';

/** Mutable event counters of one cgroup. */
export type EventCounters = Record<MemoryEventKey, number>;

/** A cgroup's limits in pages; Infinity stands for 'max'. */
export interface PageLimits {
  min: number;
  low: number;
  high: number;
  max: number;
  swapMax: number;
  oomGroup: boolean;
}

/** One cgroup. `usage`, `swapUsage` and `peak` are hierarchical; `own*` are the pages charged to it directly. */
export interface MemcgNode {
  readonly path: string;
  parent: MemcgNode | null;
  readonly children: MemcgNode[];
  readonly limits: PageLimits;
  usage: number;
  swapUsage: number;
  peak: number;
  ownFile: number;
  ownAnon: number;
  ownSwap: number;
  /** Anonymous pages first touched here (memory.stat pgfault: one fault per new page). */
  ownFaults: number;
  readonly events: EventCounters;
  readonly eventsLocal: EventCounters;
  /** Member processes in the order they joined (css_task_iter order). */
  readonly processes: Set<ProcessRecord>;
  /** Processes with anonymous pages charged here, in the order they first charged (the swap-out order). */
  readonly anonOwners: Set<ProcessRecord>;
}

/** Anonymous pages a process charged to one cgroup, resident or in swap. */
export interface AnonSegment {
  node: MemcgNode;
  resident: number;
  swapped: number;
}

/** One process. `segments` are in charge order: the newest is freed first. */
export interface ProcessRecord {
  readonly pid: number;
  node: MemcgNode;
  oomScoreAdj: number;
  readonly unkillable: boolean;
  readonly segments: AnonSegment[];
  oomVictim: boolean;
  /** Pages charged since the last memory.high check: stands in for the per-CPU charge stock (see charge-path.ts). */
  sinceHighCheck: number;
  /** Set when the process leaves the model (a handle on it is refused then). */
  removed: boolean;
}

/** The whole model. `processes` keeps creation order: the global OOM killer's for_each_process order. */
export interface MemoryState {
  readonly root: MemcgNode;
  readonly nodes: Map<string, MemcgNode>;
  readonly processes: Map<number, ProcessRecord>;
  readonly ramPages: number;
  readonly swapPages: number;
  readonly hz: number;
  readonly recursiveProtection: boolean;
}

function zeroEvents(): EventCounters {
  return { low: 0, high: 0, max: 0, oom: 0, oom_kill: 0, oom_group_kill: 0 };
}

/** A new cgroup with no limits (memory.max, memory.high and memory.swap.max are 'max'; min and low 0). */
export function newMemcgNode(path: string, parent: MemcgNode | null): MemcgNode {
  return {
    path,
    parent,
    children: [],
    limits: { min: 0, low: 0, high: Infinity, max: Infinity, swapMax: Infinity, oomGroup: false },
    usage: 0,
    swapUsage: 0,
    peak: 0,
    ownFile: 0,
    ownAnon: 0,
    ownSwap: 0,
    ownFaults: 0,
    events: zeroEvents(),
    eventsLocal: zeroEvents(),
    processes: new Set(),
    anonOwners: new Set(),
  };
}

/** The node and its descendants, parents before children, siblings in creation order (css_next_descendant_pre). */
export function* preorder(node: MemcgNode): Generator<MemcgNode> {
  yield node;
  for (const child of node.children) yield* preorder(child);
}

/** The node and its ancestors up to, but without, the root: the cgroups whose limits apply to a charge. */
export function* limitedChain(node: MemcgNode): Generator<MemcgNode> {
  for (let n: MemcgNode | null = node; n !== null && n.parent !== null; n = n.parent) yield n;
}

/**
 * memcg_memory_event(): the local counter of the cgroup, and the hierarchical counter of the cgroup
 * and each ancestor below the root (the loop stops before the root, which has no memory.events).
 */
export function countMemoryEvent(node: MemcgNode, key: MemoryEventKey): void {
  node.eventsLocal[key]++;
  let n: MemcgNode | null = node;
  do {
    n.events[key]++;
    n = n.parent;
  } while (n !== null && n.parent !== null);
}

/** page_counter_charge() up the tree, raising each level's watermark (memory.peak). */
function chargeCounters(node: MemcgNode, pages: number): void {
  for (let n: MemcgNode | null = node; n !== null; n = n.parent) {
    n.usage += pages;
    if (n.usage > n.peak) n.peak = n.usage;
  }
}

function unchargeCounters(node: MemcgNode, pages: number): void {
  for (let n: MemcgNode | null = node; n !== null; n = n.parent) n.usage -= pages;
}

function changeSwapCounters(node: MemcgNode, pages: number): void {
  for (let n: MemcgNode | null = node; n !== null; n = n.parent) n.swapUsage += pages;
}

/** Charge page cache to a cgroup. */
export function chargeFile(node: MemcgNode, pages: number): void {
  chargeCounters(node, pages);
  node.ownFile += pages;
}

/** Drop page cache of a cgroup (reclaim, or the file went away). */
export function unchargeFile(node: MemcgNode, pages: number): void {
  unchargeCounters(node, pages);
  node.ownFile -= pages;
}

function forgetOwnerIfEmpty(proc: ProcessRecord, node: MemcgNode): void {
  if (!proc.segments.some((s) => s.node === node)) node.anonOwners.delete(proc);
}

/**
 * Charge new anonymous pages of a process to its current cgroup. The newest segment may be empty
 * (a process that freed everything keeps it, so that steady alloc/free cycles do not churn the
 * owner sets); it is reused, for another cgroup too.
 */
export function chargeAnon(proc: ProcessRecord, pages: number): void {
  const node = proc.node;
  chargeCounters(node, pages);
  node.ownAnon += pages;
  node.ownFaults += pages;
  const last = proc.segments[proc.segments.length - 1];
  if (last !== undefined && last.node === node) {
    last.resident += pages;
    return;
  }
  if (last !== undefined && last.resident === 0 && last.swapped === 0) {
    const old = last.node;
    last.node = node;
    last.resident = pages;
    forgetOwnerIfEmpty(proc, old);
  } else {
    proc.segments.push({ node, resident: pages, swapped: 0 });
  }
  node.anonOwners.add(proc);
}

/**
 * Free a process's anonymous pages, newest segment first, resident pages before swapped ones. An
 * emptied segment is dropped unless it is the only one (see chargeAnon).
 */
export function unchargeAnon(proc: ProcessRecord, pages: number): void {
  let left = pages;
  while (left > 0) {
    const seg = proc.segments[proc.segments.length - 1];
    if (seg === undefined) throw new Error(`memory model: pid ${proc.pid} has fewer anonymous pages than freed`);
    const resident = Math.min(seg.resident, left);
    seg.resident -= resident;
    seg.node.ownAnon -= resident;
    unchargeCounters(seg.node, resident);
    left -= resident;
    const swapped = Math.min(seg.swapped, left);
    seg.swapped -= swapped;
    seg.node.ownSwap -= swapped;
    changeSwapCounters(seg.node, -swapped);
    left -= swapped;
    if (seg.resident === 0 && seg.swapped === 0 && (left > 0 || proc.segments.length > 1)) {
      proc.segments.pop();
      forgetOwnerIfEmpty(proc, seg.node);
    }
  }
}

/** A process exits: free all its anonymous memory and forget it as an owner everywhere. */
export function releaseProcess(proc: ProcessRecord): void {
  const { resident, swapped } = anonPagesOf(proc);
  unchargeAnon(proc, resident + swapped);
  for (const seg of proc.segments) seg.node.anonOwners.delete(proc);
  proc.segments.length = 0;
}

/** Move `pages` of a cgroup's resident anonymous memory to swap, oldest owners first. Returns pages moved. */
export function swapOutAnon(node: MemcgNode, pages: number): number {
  let left = pages;
  for (const proc of node.anonOwners) {
    for (const seg of proc.segments) {
      if (seg.node !== node || left === 0) continue;
      const moved = Math.min(seg.resident, left);
      seg.resident -= moved;
      seg.swapped += moved;
      left -= moved;
    }
    if (left === 0) break;
  }
  const moved = pages - left;
  node.ownAnon -= moved;
  node.ownSwap += moved;
  unchargeCounters(node, moved);
  changeSwapCounters(node, moved);
  return moved;
}

/** A process's resident and swapped anonymous pages. */
export function anonPagesOf(proc: ProcessRecord): { resident: number; swapped: number } {
  let resident = 0;
  let swapped = 0;
  for (const seg of proc.segments) {
    resident += seg.resident;
    swapped += seg.swapped;
  }
  return { resident, swapped };
}

/** Free RAM pages of the machine. */
export function freeRamPages(state: MemoryState): number {
  return state.ramPages - state.root.usage;
}

/** Pages one more swap-out from `node` may use: free swap, and memory.swap.max of the node and its ancestors. */
export function swapRoom(state: MemoryState, node: MemcgNode): number {
  let room = state.swapPages - state.root.swapUsage;
  for (const n of limitedChain(node)) room = Math.min(room, n.limits.swapMax - n.swapUsage);
  return Math.max(0, room);
}
