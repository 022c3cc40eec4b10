// The pid namespace tree as processes see it: a process's number at each level, PID allocation
// across the levels (alloc_pid), who adopts orphans (find_new_reaper) and whom an init's death
// kills (zap_pid_ns_processes).
import { InternalError } from '@strata/shared-types';
import type { PidNamespaceRecord, ProcessRecord } from './records.js';

/** A process's PID in one namespace. */
export interface PidSlot {
  readonly ns: PidNamespaceRecord;
  readonly nr: number;
}

/** The pid namespace a process lives in (`task_active_pid_ns`): the innermost of its PIDs. */
export function activeNamespace(proc: ProcessRecord): PidNamespaceRecord {
  return proc.pids[proc.pids.length - 1]!.ns;
}

/** pid_nr_ns: the process's PID in `ns`, 0 when it has none there. */
export function numberIn(proc: ProcessRecord, ns: PidNamespaceRecord): number {
  const entry = proc.pids[ns.level];
  return entry !== undefined && entry.ns === ns ? entry.nr : 0;
}

/**
 * PIDs in `ns` and every ancestor, taken innermost first as alloc_pid takes them and returned
 * outermost first; undefined when a level is full, with the numbers already taken given back (their
 * cursors keep their advance, as in the kernel).
 */
export function allocatePidSlots(ns: PidNamespaceRecord): PidSlot[] | undefined {
  const taken: PidSlot[] = [];
  for (let level: PidNamespaceRecord | undefined = ns; level !== undefined; level = level.parent) {
    const nr = level.numbers.allocate();
    if (nr === undefined) {
      freePidSlots(taken);
      // "On failure to allocate the first pid, reset the state".
      if (ns.members.size === 0 && ns.adding) ns.numbers.resetCursor();
      return undefined;
    }
    taken.push({ ns: level, nr });
  }
  return taken.reverse();
}

/** Gives back PIDs taken by `allocatePidSlots`. */
export function freePidSlots(taken: readonly PidSlot[]): void {
  for (const { ns, nr } of taken) ns.numbers.free(nr);
}

/** find_new_reaper: the nearest live subreaper among the ancestors in the same pid namespace, else its init. */
export function findNewReaper(proc: ProcessRecord, active: PidNamespaceRecord): ProcessRecord {
  for (let a = proc.parent; a !== undefined && a.pids.length === proc.pids.length; a = a.parent) {
    if (a.subreaper && !a.exited) return a;
  }
  const init = active.childReaper;
  if (init === undefined) throw new InternalError(`pid namespace ${active.inode} has processes but no init`);
  return init;
}

/** The processes an exiting init's namespace must SIGKILL: every other live one with a PID there, ascending by it. */
export function namespaceKillList(active: PidNamespaceRecord, init: ProcessRecord): ProcessRecord[] {
  return [...active.members.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, p]) => p)
    .filter((p) => p !== init && !p.exited);
}
