// The OOM killer (mm/oom_kill.c): score every eligible task with oom_badness(), kill the highest,
// and with memory.oom.group its whole group. Kills are orders to the kernel model; the tasks stay
// here (marked as victims) until the kernel removes them as they exit.
import { OOM_SCORE_ADJ_MIN } from './kernel-constants.js';
import { anonPagesOf, countMemoryEvent, preorder, type MemcgNode, type MemoryState, type ProcessRecord } from './memcg-state.js';
import type { OomScope, OomVictim } from './types.js';

/**
 * oom_badness(): RSS + swap entries + page-table pages (page tables are not modelled: 0), plus
 * oom_score_adj × (totalpages / 1000) with the kernel's integer division first. null is LONG_MIN:
 * never chosen (oom_score_adj −1000, or an unkillable task).
 */
export function oomBadness(proc: ProcessRecord, totalPages: number): number | null {
  if (proc.unkillable || proc.oomScoreAdj === OOM_SCORE_ADJ_MIN) return null;
  const { resident, swapped } = anonPagesOf(proc);
  return resident + swapped + proc.oomScoreAdj * Math.floor(totalPages / 1000);
}

/** totalpages of a global OOM, and of /proc/PID/oom_score: RAM + swap. */
export function globalTotalPages(state: MemoryState): number {
  return state.ramPages + state.swapPages;
}

/** mem_cgroup_get_max(): memory.max plus the swap it may use (min(swap.max, total swap)); at least 1. */
export function memcgTotalPages(state: MemoryState, node: MemcgNode): number {
  const total = node.limits.max + Math.min(node.limits.swapMax, state.swapPages);
  return Number.isFinite(total) && total > 0 ? total : Math.max(1, state.ramPages + state.swapPages);
}

/** The tasks an OOM in `scope` may kill, in the kernel's scan order. */
function candidates(state: MemoryState, scopeNode: MemcgNode | null): Iterable<ProcessRecord> {
  if (scopeNode === null) return state.processes.values();
  const list: ProcessRecord[] = [];
  for (const node of preorder(scopeNode)) for (const proc of node.processes) list.push(proc);
  return list;
}

/** What select_bad_process() found. */
export type OomSelection =
  | { readonly kind: 'victim'; readonly proc: ProcessRecord; readonly points: number }
  | { readonly kind: 'awaiting'; readonly pids: readonly number[] }
  | { readonly kind: 'none' };

/**
 * oom_evaluate_task() over the scope: a pending victim aborts the scan (its memory is about to be
 * freed); otherwise the highest points win, and since a task replaces the choice when its points are
 * not lower, a tie goes to the task scanned last (global: the newest process; memcg: the last member
 * of the last cgroup in pre-order).
 */
export function selectVictim(state: MemoryState, scopeNode: MemcgNode | null, totalPages: number): OomSelection {
  const scan = [...candidates(state, scopeNode)];
  const pending = scan.filter((p) => p.oomVictim).map((p) => p.pid);
  if (pending.length > 0) return { kind: 'awaiting', pids: pending };
  let chosen: ProcessRecord | null = null;
  let chosenPoints = -Infinity;
  for (const proc of scan) {
    const points = oomBadness(proc, totalPages);
    if (points === null || points < chosenPoints) continue;
    chosen = proc;
    chosenPoints = points;
  }
  return chosen === null ? { kind: 'none' } : { kind: 'victim', proc: chosen, points: chosenPoints };
}

/**
 * mem_cgroup_get_oom_group(): the highest cgroup with memory.oom.group set on the way from the
 * victim's cgroup up to the OOM's cgroup (the root for a global OOM); none for a task in the root.
 */
export function oomGroupOf(victim: ProcessRecord, scopeNode: MemcgNode): MemcgNode | null {
  if (victim.node.parent === null) return null;
  let group: MemcgNode | null = null;
  for (let n: MemcgNode | null = victim.node; n !== null; n = n.parent) {
    if (n.limits.oomGroup) group = n;
    if (n === scopeNode) return group;
  }
  return null;
}

/** __oom_kill_process(): count oom_kill on the task's cgroup (hierarchically) and mark it a victim. */
function killTask(proc: ProcessRecord): void {
  countMemoryEvent(proc.node, 'oom_kill');
  proc.oomVictim = true;
}

/** What the OOM killer did. */
export interface OomKillResult {
  readonly victims: readonly OomVictim[];
  readonly oomGroup: string | null;
  readonly awaiting: readonly number[];
}

/**
 * out_of_memory() for `scope`: choose, kill, and kill the oom.group. As in oom_kill_process(), the
 * chosen task is killed first and then again with the group scan (it still has its mm), so its
 * oom_kill counts twice in a group kill; the group spares oom_score_adj −1000 and unkillable tasks.
 */
export function runOomKiller(state: MemoryState, scope: OomScope): OomKillResult {
  const scopeNode = scope.type === 'memcg' ? (state.nodes.get(scope.cgroup) ?? null) : null;
  const totalPages = scopeNode === null ? globalTotalPages(state) : memcgTotalPages(state, scopeNode);
  const selection = selectVictim(state, scopeNode, totalPages);
  if (selection.kind === 'awaiting') return { victims: [], oomGroup: null, awaiting: selection.pids };
  if (selection.kind === 'none') return { victims: [], oomGroup: null, awaiting: [] };
  const chosen = selection.proc;
  const group = oomGroupOf(chosen, scopeNode ?? state.root);
  const victims: OomVictim[] = [{ pid: chosen.pid, cgroup: chosen.node.path, points: selection.points, reason: 'badness' }];
  killTask(chosen);
  if (group !== null) {
    countMemoryEvent(group, 'oom_group_kill');
    for (const node of preorder(group)) {
      for (const member of node.processes) {
        if (member.unkillable || member.oomScoreAdj === OOM_SCORE_ADJ_MIN) continue;
        if (member !== chosen) victims.push({ pid: member.pid, cgroup: node.path, points: oomBadness(member, totalPages) ?? 0, reason: 'oom.group' });
        killTask(member);
      }
    }
  }
  return { victims, oomGroup: group === null ? null : group.path, awaiting: [] };
}
