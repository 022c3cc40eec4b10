// `strata sched --spec`: build the group tree of a spec, drive its tasks (start, bursts, stop) on
// the discrete-event kernel within a work budget, and report CPU time per task and cpu.stat per group.
import { formatDuration, micros, type GroupNodeSpec, type GroupSpec } from '@strata/shared-types';
import type { CostEstimate } from '../exercise/exercise-cost.js';
import type { RunControl } from '../work-budget.js';
import { DEFAULT_GROUP_MAX_STEPS, watchSteps, workBudgetError } from '../work-budget.js';
import { describeTree, estimateGroupSteps, plural } from './group-experiment-cost.js';
import { createGroupScheduler } from './create-group-scheduler.js';
import type { GroupFidelity } from './group-scheduler.js';
import { parseGroupSpec } from './group-spec.js';
import { addGroupTree, driveTaskWorkloads, workloadRemedies } from './task-workloads.js';

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
  // The scheduler's clock, once it exists (the watch is handed to its constructor).
  let simulatedTime = (): number => 0;
  const watch = watchSteps(
    control,
    DEFAULT_GROUP_MAX_STEPS,
    () => simulatedTime() / spec.duration,
    (steps) => workBudgetError({ when: 'exhausted', steps, maxSteps: watch.maxSteps, reason: exhaustedReason(spec, simulatedTime()), remedies: workloadRemedies(spec.fidelity, spec), at: simulatedTime() }),
  );
  const estimate = estimateGroupSteps(spec);
  if (estimate.steps > watch.maxSteps) {
    throw workBudgetError({ when: 'estimate', steps: estimate.steps, maxSteps: watch.maxSteps, reason: estimate.reason, remedies: estimate.remedies });
  }

  const sched = createGroupScheduler({ cpus: spec.cpus, fidelity: spec.fidelity, tick: spec.tick, watchSteps: (steps) => watch.check(steps) });
  simulatedTime = () => sched.now();
  const { tasks: drivers, groups: groupPaths } = addGroupTree(
    spec,
    (path, limits) => sched.addGroup(path, limits),
    (id, group, t) => sched.addTask(id, group, { nice: t.nice, runnable: false }),
  );

  driveTaskWorkloads(
    {
      advanceTo: (t) => sched.advanceTo(t),
      nextEventTime: () => sched.nextEventTime(),
      wake: (id, work) => sched.wake(id, work),
      block: (id) => sched.block(id),
      isRunnable: (id) => sched.taskStats(id).state === 'runnable',
    },
    drivers,
    spec.duration,
  );

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
