// `strata sched --spec`: build the group tree of a spec, drive its tasks (start, bursts, stop) on
// the discrete-event kernel within a work budget, and report CPU time per task and cpu.stat per group.
import { createSimulation, MAX_PRIORITY, type EventKey, type SimHandle } from '@strata/core-sim';
import { formatDuration, micros, ValidationError, type GroupNodeSpec, type GroupSpec, type GroupTaskSpec } from '@strata/shared-types';
import type { CostEstimate } from '../exercise/exercise-cost.js';
import type { BudgetRemedy, RunControl } from '../work-budget.js';
import { DEFAULT_GROUP_MAX_STEPS, resolveMaxSteps, resolveProgressEvery, workBudgetError } from '../work-budget.js';
import { describeTree, estimateGroupSteps, plural } from './group-experiment-cost.js';
import { createGroupScheduler } from './create-group-scheduler.js';
import type { GroupCpuLimits, GroupFidelity, GroupScheduler, GroupSchedulerEvent } from './group-scheduler.js';
import { parseGroupSpec } from './group-spec.js';

/** CPU time of one task over the experiment. */
export interface GroupExperimentTask {
  readonly name: string;
  /** Path of its group ("/" for the root). */
  readonly group: string;
  readonly cpuUsec: number;
  /** cpuUsec / duration: the fraction of one CPU. */
  readonly fraction: number;
}

/** CPU time and bandwidth counters (cpu.stat) of one group over the experiment. */
export interface GroupExperimentGroup {
  readonly path: string;
  readonly cpuUsec: number;
  readonly fraction: number;
  readonly nrPeriods: number;
  readonly nrThrottled: number;
  readonly throttledUsec: number;
}

/** What `runGroupExperiment` reports; `duration` in µs, tasks and groups in spec order (groups depth-first). */
export interface GroupExperimentResult {
  readonly duration: number;
  readonly cpus: number;
  readonly fidelity: GroupFidelity;
  readonly tasks: GroupExperimentTask[];
  readonly groups: GroupExperimentGroup[];
  /** Silent kernel clamps applied to the spec. */
  readonly warnings: string[];
  /** Work the run took, in steps (`GroupScheduler.steps`: CPUs, tasks and groups visited); at most the budget. */
  readonly steps: number;
}

interface TaskDriver {
  readonly id: string;
  readonly name: string;
  readonly group: string;
  readonly spec: GroupTaskSpec;
  burst: number;
  stopped: boolean;
  wakeKey: EventKey | undefined;
}

function limitsOf(g: GroupNodeSpec): GroupCpuLimits {
  const cpu = g.cpu;
  return {
    ...(cpu.shares === undefined ? {} : { shares: cpu.shares }),
    ...(cpu.weight === undefined ? {} : { weight: cpu.weight }),
    quota: cpu.quota,
    period: cpu.period,
    ...(cpu.cpus === undefined ? {} : { cpus: cpu.cpus }),
  };
}

/**
 * A lower bound on the steps `runGroupExperiment(input)` takes, with what dominates it and the spec
 * fields that would lower it (see `estimateGroupSteps` for the argument). Throws ValidationError
 * for a bad spec.
 */
export function estimateGroupExperiment(input: unknown): CostEstimate {
  return estimateGroupSteps(parseGroupSpec(input).spec);
}

/**
 * Run a group experiment: validate `input` (see `parseGroupSpec`; throws `ValidationError`), build
 * the groups and tasks, run for `duration` in the spec's fidelity and report. Deterministic: the
 * same spec gives the same result, whatever the budget. Tasks without bursts are runnable from
 * `start` to `stop`; a task with bursts needs `run` of CPU, then sleeps `sleep`, burst after burst.
 *
 * Work budget (`control`, see `RunControl`): a run whose lower bound (`estimateGroupExperiment`)
 * exceeds `maxSteps` is refused before it starts, and a run stops the moment its steps exceed
 * `maxSteps`; both throw the `LimitExceededError` of `isWorkBudgetError` (`details.when`
 * 'estimate' or 'exhausted') and return nothing. `onProgress` is called every `progressEvery`
 * steps with `fraction` = simulated time / duration. A ValidationError names a bad `maxSteps`,
 * `progressEvery` or `onProgress`.
 */
export function runGroupExperiment(input: unknown, control?: RunControl): GroupExperimentResult {
  const { spec, warnings } = parseGroupSpec(input);
  const maxSteps = resolveMaxSteps(control, 'maxSteps', DEFAULT_GROUP_MAX_STEPS);
  const every = resolveProgressEvery(control);
  const onProgress = control?.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new ValidationError(`invalid onProgress ${typeof onProgress}: expected a function ({ steps, maxSteps, fraction }) => void`, {
      path: 'onProgress',
      accepted: 'a function',
    });
  }
  const estimate = estimateGroupSteps(spec);
  if (estimate.steps > maxSteps) {
    throw workBudgetError({ when: 'estimate', steps: estimate.steps, maxSteps, reason: estimate.reason, remedies: estimate.remedies });
  }

  // The scheduler's clock, once it exists (the watcher is handed to its constructor).
  let simulatedTime = (): number => 0;
  let nextReport = every;
  const watchSteps = (steps: number): number => {
    const now = simulatedTime();
    if (steps > maxSteps) {
      throw workBudgetError({ when: 'exhausted', steps, maxSteps, reason: exhaustedReason(spec, now), remedies: remediesOf(spec), at: now });
    }
    if (onProgress === undefined) return maxSteps + 1;
    if (steps >= nextReport) {
      onProgress({ steps, maxSteps, fraction: Math.min(1, now / spec.duration) });
      nextReport = (Math.floor(steps / every) + 1) * every;
    }
    return Math.min(maxSteps + 1, nextReport);
  };
  const sched = createGroupScheduler({ cpus: spec.cpus, fidelity: spec.fidelity, tick: spec.tick, watchSteps });
  simulatedTime = () => sched.now();
  const drivers: TaskDriver[] = [];
  const groupPaths: string[] = [];
  const addTasks = (tasks: readonly GroupTaskSpec[], group: string): void => {
    for (const t of tasks) {
      // `:` cannot occur in a name, so ids never clash across groups.
      const id = `${group}:${t.name}`;
      sched.addTask(id, group, { nice: t.nice, runnable: false });
      drivers.push({ id, name: t.name, group, spec: t, burst: 0, stopped: false, wakeKey: undefined });
    }
  };
  const addGroups = (groups: readonly GroupNodeSpec[], parent: string): void => {
    for (const g of groups) {
      const path = `${parent === '/' ? '' : parent}/${g.name}`;
      sched.addGroup(path, limitsOf(g));
      groupPaths.push(path);
      addTasks(g.tasks, path);
      addGroups(g.groups, path);
    }
  };
  addTasks(spec.tasks, '/');
  addGroups(spec.groups, '/');

  drive(sched, drivers, spec.duration);

  const tasks = drivers.map((d) => {
    const cpuUsec = sched.taskStats(d.id).cpuUsec;
    return { name: d.name, group: d.group, cpuUsec, fraction: cpuUsec / spec.duration };
  });
  const groups = groupPaths.map((path) => {
    const s = sched.groupStats(path);
    return {
      path,
      cpuUsec: s.cpuUsec,
      fraction: s.cpuUsec / spec.duration,
      nrPeriods: s.nrPeriods,
      nrThrottled: s.nrThrottled,
      throttledUsec: s.throttledUsec,
    };
  });
  return { duration: spec.duration, cpus: spec.cpus, fidelity: spec.fidelity, tasks, groups, warnings, steps: sched.steps() };
}

/** What a run that used up its budget had done, for the budget error. */
function exhaustedReason(spec: GroupSpec, now: number): string {
  let tasks = spec.tasks.length;
  let groups = 0;
  const walk = (list: readonly GroupNodeSpec[]): void => {
    for (const g of list) {
      groups++;
      tasks += g.tasks.length;
      walk(g.groups);
    }
  };
  walk(spec.groups);
  const tick = spec.fidelity === 'exact' ? ` at a ${formatDuration(spec.tick)} tick` : '';
  return `${spec.fidelity} fidelity simulated ${formatDuration(micros(now))} of ${formatDuration(spec.duration)} on ${plural(spec.cpus, 'CPU')}${tick}, with ${describeTree(tasks, groups)}`;
}

/** Spec changes that make a run cheaper, most useful first. */
function remediesOf(spec: GroupSpec): BudgetRemedy[] {
  let bursty = spec.tasks.some((t) => t.bursts !== undefined);
  const walk = (list: readonly GroupNodeSpec[]): void => {
    for (const g of list) {
      bursty ||= g.tasks.some((t) => t.bursts !== undefined);
      walk(g.groups);
    }
  };
  walk(spec.groups);
  const out: BudgetRemedy[] = spec.fidelity === 'exact' ? ['fidelity', 'duration', 'tick'] : ['duration'];
  if (bursty) out.push('bursts');
  out.push('maxSteps');
  return out;
}

/** Drive the tasks' workloads as simulation events, keeping one event for the scheduler's next internal event. */
function drive(sched: GroupScheduler, drivers: readonly TaskDriver[], duration: number): void {
  const sim = createSimulation({ seed: 0 });
  const byId = new Map(drivers.map((d) => [d.id, d]));
  let pumpKey: EventKey | undefined;

  const workOf = (d: TaskDriver): number | undefined => d.spec.bursts?.[d.burst]?.run;

  const wake = (d: TaskDriver): void => {
    d.wakeKey = undefined;
    if (d.stopped) return;
    sched.wake(d.id, workOf(d));
  };

  const handle = (events: readonly GroupSchedulerEvent[], h: SimHandle): void => {
    for (const e of events) {
      if (e.type !== 'task.work_done') continue;
      const d = byId.get(e.task)!;
      const bursts = d.spec.bursts!;
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
    const next = sched.nextEventTime();
    if (next <= duration) pumpKey = h.at(next, pump);
  };

  // After the last command of an instant, look up the scheduler's next event once: a fluid model
  // recomputes its rates once per instant, not once per command.
  let syncKey: EventKey | undefined;
  const sync = (h: SimHandle): void => {
    syncKey = undefined;
    handle(sched.advanceTo(h.now()), h);
    reschedule(h);
  };

  // Every command first brings the scheduler to now, so internal events at now come first.
  const command = (h: SimHandle, fn: () => void): void => {
    handle(sched.advanceTo(h.now()), h);
    fn();
    syncKey ??= h.at(h.now(), sync, { priority: MAX_PRIORITY });
  };

  const pump = (h: SimHandle): void => {
    pumpKey = undefined;
    handle(sched.advanceTo(h.now()), h);
    reschedule(h);
  };

  for (const d of drivers) {
    if (d.spec.start < duration) sim.at(d.spec.start, (h) => command(h, () => wake(d)));
    const stop = d.spec.stop;
    if (stop !== undefined && stop < duration) {
      sim.at(stop, (h) =>
        command(h, () => {
          d.stopped = true;
          if (d.wakeKey !== undefined) h.cancel(d.wakeKey);
          d.wakeKey = undefined;
          if (sched.taskStats(d.id).state === 'runnable') sched.block(d.id);
        }),
      );
    }
  }
  sim.run({ until: duration });
  sched.advanceTo(duration);
}
