// Driving tasks' workloads as a spec writes them (busy from `start` to `stop`, or bursts of `run`
// CPU and `sleep`) on the discrete-event kernel, against a passive model that keeps one pending
// event: the group experiment's scheduler, or a nested host with its guests (core-vmm).
import { createSimulation, MAX_PRIORITY, type EventKey, type SimHandle } from '@strata/core-sim';
import type { GroupCpuSpec, GroupNodeSpec, GroupTaskSpec, Micros } from '@strata/shared-types';
import type { BudgetRemedy } from '../work-budget.js';
import type { GroupCpuLimits, GroupFidelity } from './group-scheduler.js';

/** What the driver needs of a model. Task ids are the driver's (`TaskWorkload.id`). */
export interface WorkloadModel {
  /** Run to `time`; the tasks whose work is done since the last call (other facts are ignored). */
  advanceTo(time: number): readonly { readonly type: string; readonly time: Micros; readonly task?: string }[];
  /** The model's next internal event, or Infinity. */
  nextEventTime(): number;
  /** Make task `id` runnable with `work` CPU µs to do (undefined: until it is blocked). */
  wake(id: string, work?: number): void;
  block(id: string): void;
  isRunnable(id: string): boolean;
}

/** One task to drive: its id in the model and its spec. */
export interface TaskWorkload {
  readonly id: string;
  readonly spec: GroupTaskSpec;
}

/** How the tasks were added to the model. */
export interface DriveOptions {
  /**
   * The tasks that start at 0 were added runnable, with `firstWork(spec)` to do: the driver does
   * not wake them (default false: every task is added blocked and woken at its start).
   */
  readonly runnableAtZero?: boolean;
}

/** The work a task is woken with first: its first burst's run, or none (busy until stopped). */
export function firstWork(spec: GroupTaskSpec): number | undefined {
  return spec.bursts?.[0]?.run;
}

/** Whether a task of the tree (root `tasks`, then `groups` depth-first) plays bursts. */
export function hasBursts(tree: { readonly tasks: readonly GroupTaskSpec[]; readonly groups: readonly GroupNodeSpec[] }): boolean {
  return tree.tasks.some((t) => t.bursts !== undefined) || tree.groups.some(hasBursts);
}

/**
 * What makes a run of workloads cheaper, most useful first (the `remedies` of its budget error):
 * exact fidelity: fluid, a shorter duration, a larger tick; fluid: a shorter duration; then longer
 * bursts when some task of `trees` has bursts, and a larger budget.
 */
export function workloadRemedies(
  fidelity: GroupFidelity,
  ...trees: readonly { readonly tasks: readonly GroupTaskSpec[]; readonly groups: readonly GroupNodeSpec[] }[]
): BudgetRemedy[] {
  const out: BudgetRemedy[] = fidelity === 'exact' ? ['fidelity', 'duration', 'tick'] : ['duration'];
  if (trees.some(hasBursts)) out.push('bursts');
  out.push('maxSteps');
  return out;
}

/** A task of a spec tree as `addGroupTree` added it: its id (`group:name`), name, group path and spec. */
export interface TreeTask extends TaskWorkload {
  readonly name: string;
  readonly group: string;
}

/**
 * Add a spec tree (root `tasks`, `groups` with their CPU settings, depth-first in spec order) to a
 * model: `addGroup(path, limits)` for each group, then `addTask(id, group path, spec)` for its
 * tasks. Ids are `group:name` (`:` cannot occur in a name, so they never clash across groups).
 * Returns the tasks and the group paths, in spec order.
 */
export function addGroupTree(
  tree: { readonly tasks: readonly GroupTaskSpec[]; readonly groups: readonly GroupNodeSpec[] },
  addGroup: (path: string, limits: GroupCpuLimits) => void,
  addTask: (id: string, group: string, spec: GroupTaskSpec) => void,
): { readonly tasks: TreeTask[]; readonly groups: string[] } {
  const tasks: TreeTask[] = [];
  const groups: string[] = [];
  const addTasks = (list: readonly GroupTaskSpec[], group: string): void => {
    for (const spec of list) {
      const id = `${group}:${spec.name}`;
      addTask(id, group, spec);
      tasks.push({ id, name: spec.name, group, spec });
    }
  };
  const addGroups = (list: readonly GroupNodeSpec[], parent: string): void => {
    for (const g of list) {
      const path = `${parent === '/' ? '' : parent}/${g.name}`;
      addGroup(path, groupCpuLimits(g.cpu));
      groups.push(path);
      addTasks(g.tasks, path);
      addGroups(g.groups, path);
    }
  };
  addTasks(tree.tasks, '/');
  addGroups(tree.groups, '/');
  return { tasks, groups };
}

/** A spec group's CPU settings as the group scheduler takes them. */
function groupCpuLimits(cpu: GroupCpuSpec): GroupCpuLimits {
  return {
    ...(cpu.shares === undefined ? {} : { shares: cpu.shares }),
    ...(cpu.weight === undefined ? {} : { weight: cpu.weight }),
    quota: cpu.quota,
    period: cpu.period,
    ...(cpu.cpus === undefined ? {} : { cpus: cpu.cpus }),
  };
}

interface Driver {
  readonly id: string;
  readonly spec: GroupTaskSpec;
  burst: number;
  stopped: boolean;
  wakeKey: EventKey | undefined;
}

/**
 * Drive `tasks` on `model` until `duration`: each task is woken at its `start` (with its burst's
 * work), after each burst's work is done it sleeps the burst's `sleep` and wakes with the next
 * (cycling while `repeat`, else it stays blocked after the last), and at `stop` it is blocked for
 * good. The model is run to every instant at which something happens, and to `duration` last;
 * after the last command of an instant its next event is looked up once (a fluid model recomputes
 * its rates once per instant, not once per command).
 */
export function driveTaskWorkloads(model: WorkloadModel, tasks: readonly TaskWorkload[], duration: number, options: DriveOptions = {}): void {
  const sim = createSimulation({ seed: 0 });
  const drivers: Driver[] = tasks.map((t) => ({ id: t.id, spec: t.spec, burst: 0, stopped: false, wakeKey: undefined }));
  const byId = new Map(drivers.map((d) => [d.id, d]));
  let pumpKey: EventKey | undefined;
  let syncKey: EventKey | undefined;

  const wake = (d: Driver): void => {
    d.wakeKey = undefined;
    if (!d.stopped) model.wake(d.id, d.spec.bursts?.[d.burst]?.run);
  };

  const advance = (h: SimHandle): void => {
    for (const e of model.advanceTo(h.now())) {
      if (e.type !== 'task.work_done' || e.task === undefined) continue;
      const d = byId.get(e.task);
      if (d === undefined || d.spec.bursts === undefined) continue;
      const bursts = d.spec.bursts;
      const sleep = bursts[d.burst]!.sleep;
      d.burst++;
      if (d.burst === bursts.length) {
        if (d.spec.repeat === false) continue;
        d.burst = 0;
      }
      if (!d.stopped) d.wakeKey = h.at(Math.max(h.now(), e.time + sleep), (hh) => command(hh, () => wake(d)));
    }
  };
  const reschedule = (h: SimHandle): void => {
    if (pumpKey !== undefined) h.cancel(pumpKey);
    pumpKey = undefined;
    const next = model.nextEventTime();
    if (next <= duration) pumpKey = h.at(next, pump);
  };
  const sync = (h: SimHandle): void => {
    syncKey = undefined;
    advance(h);
    reschedule(h);
  };
  // Every command first brings the model to now, so that its internal events at now come first.
  const command = (h: SimHandle, fn: () => void): void => {
    advance(h);
    fn();
    syncKey ??= h.at(h.now(), sync, { priority: MAX_PRIORITY });
  };
  const pump = (h: SimHandle): void => {
    pumpKey = undefined;
    advance(h);
    reschedule(h);
  };

  // Tasks added runnable need no wake-up; one look at the model at 0 arms its first event.
  let addedRunnable = false;
  for (const d of drivers) {
    const start = d.spec.start;
    if (options.runnableAtZero === true && start === 0) addedRunnable = true;
    else if (start < duration) sim.at(start, (h) => command(h, () => wake(d)));
    const stop = d.spec.stop;
    if (stop !== undefined && stop < duration) {
      sim.at(stop, (h) =>
        command(h, () => {
          d.stopped = true;
          if (d.wakeKey !== undefined) h.cancel(d.wakeKey);
          d.wakeKey = undefined;
          if (model.isRunnable(d.id)) model.block(d.id);
        }),
      );
    }
  }
  if (addedRunnable) sim.at(0, (h) => command(h, () => undefined));
  sim.run({ until: duration });
  model.advanceTo(duration);
}
