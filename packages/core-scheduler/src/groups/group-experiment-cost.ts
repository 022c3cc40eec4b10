// A lower bound on the steps of a group experiment, computed from its spec before it runs, so that
// a run its budget cannot cover is refused at once instead of when the budget runs out. Every term
// is an amount of work the models cannot avoid (argued below); tests hold the bound to real runs.
import { CGROUP_CPU_LIMITS, formatDuration, micros, type GroupNodeSpec, type GroupSpec, type GroupTaskSpec } from '@strata/shared-types';
import type { CostEstimate } from '../exercise/exercise-cost.js';
import { niceToWeight } from '../nice-weights.js';
import { formatCount } from '../work-budget.js';
import { clampShares, weightToShares } from './cpu-weight.js';

/** A task as the estimate sees it: its spec, where it sits and what bounds its CPU rate. */
interface CostTask {
  readonly spec: GroupTaskSpec;
  /** Group path ("/" for the root), for messages. */
  readonly group: string;
  /** Periods of the groups with a quota among its ancestors (empty: never throttled). */
  readonly quotaPeriods: readonly number[];
  /** A rate (CPUs) the fluid model never gives it less of while it is runnable (see `rateFloors`). */
  readonly rateFloor: number;
}

/** The fewest steps one change (a task starting, blocking, waking) costs the incremental fluid model. */
const FLUID_STEPS_PER_CHANGE = 4;

/** Relative slack on the fluid rate floor: the model's water-filling rounds in floating point. */
const RATE_SLACK = 1e-6;

/**
 * A lower bound on the steps `runGroupExperiment(spec)` takes, what dominates it, and what would
 * make the run cheaper. A step is one CPU, task or group a model visits (`GroupScheduler.steps`).
 *
 * Exact. Every iteration of the model's event loop (a tick, a period timer expiry, a work-done
 * time, at a distinct instant each) accounts every CPU, scans the period timers and accrues every
 * task's lag: at least cpus + quota groups + tasks steps. Iterations, at least the largest of:
 * - Ticks of always-runnable tasks (no bursts) with no quota above them: such a task is runnable on
 *   [start, min(stop, duration)), and while a task that cannot be throttled is runnable some CPU is
 *   busy (it runs, or every CPU it may use runs something), so a tick falls at every multiple of
 *   the tick strictly inside the union of those intervals.
 * - Ticks of one bursty task with no quota above it: it alternates runnable intervals (≥ the burst's
 *   `run`, as it gets at most one CPU) and sleeps (exactly `sleep`: the driver wakes it `sleep` after
 *   its work is done). Lengthening a runnable interval never shrinks the runnable time inside
 *   [start, end) (it gains what the later intervals it pushes out lose, or more) and never adds a
 *   burst start, so the task is runnable at least M and starts at most k bursts there, M and k
 *   those of the task alone on a CPU. An open interval of length ℓ holds ⌈ℓ / tick⌉ − 1 multiples of
 *   the tick, so there are at least ⌈M / tick⌉ − k ticks.
 * - Period timer expiries of one group with a quota above an always-runnable task: from the task's
 *   start its timer runs (a wake-up restarts it, and a period with a runnable task never stops it)
 *   and expires at every multiple of the period strictly inside [start, min(stop, duration)).
 *
 * Fluid. The model is incremental: a change costs the changed task's path to the root, more where
 * caps bind, but never less than 4 steps (a wake-up or a block counts the runnable task in its
 * group's run queue, updates the group's sums, walks its cap up at least one level, and the split it
 * changes is redone; a burst end also pops the model's timer queue). Changes, at least the larger of:
 * - the distinct instants at which a task starts, or an always-runnable task stops (each is a
 *   command that changes the tree);
 * - the changes of one bursty task: its start, every burst end (the model's event loop recomputes
 *   after it) and every wake-up (a command), at distinct instants or, with no sleep, in two
 *   separate recomputations. Below the task the fluid rates are weighted max-min fair with caps,
 *   so the task never runs slower than `rateFloor`; a burst of `run` ends within ⌈run / floor⌉ + 1
 *   µs, and every change of this slow schedule before the end happens in the real run too (sooner).
 * The fluid model does nothing at period boundaries (it counts them in closed form), so periods add
 * no recomputation.
 */
export function estimateGroupSteps(spec: GroupSpec): CostEstimate {
  const tasks = costTasks(spec);
  const nTasks = tasks.length;
  let nGroups = 0;
  let nQuota = 0;
  walkGroups(spec.groups, (g) => {
    nGroups++;
    if (g.cpu.quota !== null) nQuota++;
  });
  const what = describeTree(nTasks, nGroups);
  return spec.fidelity === 'exact' ? exactEstimate(spec, tasks, nQuota, what) : fluidEstimate(spec, tasks, what);
}

function exactEstimate(spec: GroupSpec, tasks: readonly CostTask[], nQuota: number, what: string): CostEstimate {
  const { tick, duration, cpus } = spec;
  const perIteration = cpus + nQuota + tasks.length;
  const cpuText = plural(cpus, 'CPU');

  // Always-runnable, never-throttled tasks: ticks inside the union of their runnable intervals.
  const steady: [number, number][] = [];
  let burstTicks = 0;
  let burstTask: CostTask | undefined;
  let timerExpiries = 0;
  let timerPeriod = 0;
  for (const t of tasks) {
    const [start, end] = window(t.spec, duration);
    if (start >= end) continue;
    if (t.spec.bursts === undefined) {
      if (t.quotaPeriods.length === 0) steady.push([start, end]);
      for (const period of t.quotaPeriods) {
        const n = multiplesInside(start, end, period);
        if (n > timerExpiries) {
          timerExpiries = n;
          timerPeriod = period;
        }
      }
    } else if (t.quotaPeriods.length === 0) {
      const alone = aloneRun(t.spec, start, end);
      const n = Math.max(0, Math.ceil(alone.runnable / tick) - alone.bursts);
      if (n > burstTicks) {
        burstTicks = n;
        burstTask = t;
      }
    }
  }
  steady.sort((a, b) => a[0] - b[0]);
  let steadyTicks = 0;
  for (let i = 0; i < steady.length; ) {
    const a = steady[i]![0];
    let b = steady[i]![1];
    // Merge only overlapping intervals: where one ends as another starts, the CPUs may idle for an instant.
    for (i++; i < steady.length && steady[i]![0] < b; i++) b = Math.max(b, steady[i]![1]);
    steadyTicks += multiplesInside(a, b, tick);
  }

  const iterations = Math.max(steadyTicks, burstTicks, timerExpiries);
  const steps = iterations * perIteration;
  const each = `each visiting ${cpuText} and ${what}`;
  if (iterations === 0) return { steps: 0, reason: `no task is sure to keep a CPU busy (${what})`, remedies: ['maxSteps'] };
  if (iterations === steadyTicks) {
    return {
      steps,
      reason: `exact fidelity simulates at least ${plural(steadyTicks, 'tick')} of ${formatDuration(tick)} on ${cpuText}, ${each}`,
      remedies: ['fidelity', 'duration', 'tick', 'maxSteps'],
    };
  }
  if (iterations === burstTicks) {
    return {
      steps,
      reason: `exact fidelity simulates at least ${plural(burstTicks, 'tick')} of ${formatDuration(tick)} on ${cpuText} while task "${burstTask!.spec.name}" in ${burstTask!.group} runs its bursts, ${each}`,
      remedies: ['fidelity', 'duration', 'tick', 'bursts', 'maxSteps'],
    };
  }
  return {
    steps,
    reason: `exact fidelity simulates at least ${plural(timerExpiries, 'bandwidth period')} of ${formatDuration(micros(timerPeriod))}, ${each}`,
    remedies: ['fidelity', 'duration', 'maxSteps'],
  };
}

function fluidEstimate(spec: GroupSpec, tasks: readonly CostTask[], what: string): CostEstimate {
  const { duration } = spec;
  const perChange = FLUID_STEPS_PER_CHANGE;
  const instants = new Set<number>();
  let burstChanges = 0;
  let burstTask: CostTask | undefined;
  for (const t of tasks) {
    const [start, end] = window(t.spec, duration);
    if (start >= end) continue;
    instants.add(start);
    if (t.spec.bursts === undefined) {
      if (end < duration) instants.add(end);
      continue;
    }
    const n = slowChanges(t.spec, t.rateFloor, start, end);
    if (n > burstChanges) {
      burstChanges = n;
      burstTask = t;
    }
  }
  const recomputes = Math.max(instants.size, burstChanges);
  const steps = recomputes * perChange;
  const each = `with ${what}`;
  if (recomputes === 0) return { steps: 0, reason: `no task runs (${what})`, remedies: ['maxSteps'] };
  if (recomputes === instants.size) {
    return {
      steps,
      reason: `fluid fidelity recomputes rates at least ${plural(recomputes, 'time')} (tasks start or stop at ${plural(instants.size, 'instant')}), ${each}`,
      remedies: ['duration', 'maxSteps'],
    };
  }
  return {
    steps,
    reason: `fluid fidelity recomputes rates at least ${plural(recomputes, 'time')} (task "${burstTask!.spec.name}" in ${burstTask!.group} ends a burst or wakes that often), ${each}`,
    remedies: ['bursts', 'duration', 'maxSteps'],
  };
}

/** `3 tasks`, `1 CPU`, `1,024 CPUs`. */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** `3 tasks in 2 groups`, `1 task in the root group`. */
export function describeTree(tasks: number, groups: number): string {
  return `${plural(tasks, 'task')} in ${groups === 0 ? 'the root group' : plural(groups, 'group')}`;
}

/** The part of the run a task can be runnable in: [start, min(stop, duration)). */
function window(task: GroupTaskSpec, duration: number): [number, number] {
  return [task.start, Math.min(task.stop ?? duration, duration)];
}

/** Multiples of `step` strictly between `a` and `b`. */
function multiplesInside(a: number, b: number, step: number): number {
  return Math.max(0, Math.ceil(b / step) - 1 - Math.floor(a / step));
}

/**
 * The task alone on a CPU from `start`: its runnable time before `end`, and the bursts it starts
 * before `end`. Whole cycles in closed form, then at most one cycle burst by burst. Every sum stays
 * below 2 × MAX_SCHED_DURATION (the spec bounds a cycle and the window by it), so it is exact.
 */
function aloneRun(task: GroupTaskSpec, start: number, end: number): { runnable: number; bursts: number } {
  const bursts = task.bursts!;
  let t = start;
  let runnable = 0;
  let started = 0;
  if (task.repeat !== false) {
    let cycle = 0;
    let run = 0;
    for (const b of bursts) {
      cycle += b.run + b.sleep;
      run += b.run;
    }
    const whole = Math.floor((end - start) / cycle);
    t += whole * cycle;
    runnable += whole * run;
    started += whole * bursts.length;
  }
  for (const b of bursts) {
    if (t >= end) break;
    started++;
    runnable += Math.min(b.run, end - t);
    t += b.run + b.sleep;
  }
  return { runnable, bursts: started };
}

/**
 * The changes a bursty task is sure to cause in the fluid model before `end`: its start, then for
 * every burst its end and its wake-up, in the slow schedule where a burst of `run` lasts
 * ⌈run / floor⌉ + 1 µs (float arithmetic: the counts only need to be lower bounds).
 */
function slowChanges(task: GroupTaskSpec, floor: number, start: number, end: number): number {
  const bursts = task.bursts!;
  const rate = floor * (1 - RATE_SLACK);
  if (!(rate > 0)) return 1;
  const busy = bursts.map((b) => Math.ceil(b.run / rate) + 1);
  let changes = 1;
  let t = start;
  const repeat = task.repeat !== false;
  if (repeat) {
    let cycle = 0;
    bursts.forEach((b, i) => (cycle += busy[i]! + b.sleep));
    // Cycle k's last change is the wake-up at start + (k + 1) × cycle: whole cycles before `end`.
    const whole = Math.max(0, Math.ceil((end - start) / cycle) - 1);
    changes += whole * 2 * bursts.length;
    t += whole * cycle;
  }
  for (let i = 0; i < bursts.length; i++) {
    const done = t + busy[i]!;
    if (done >= end) break;
    changes++;
    if (!repeat && i === bursts.length - 1) break;
    const wake = done + bursts[i]!.sleep;
    if (wake >= end) break;
    changes++;
    t = wake;
  }
  return changes;
}

/** Call `fn` on every group, depth-first in spec order. */
function walkGroups(groups: readonly GroupNodeSpec[], fn: (g: GroupNodeSpec) => void): void {
  for (const g of groups) {
    fn(g);
    walkGroups(g.groups, fn);
  }
}

const loadWeightOf = (g: GroupNodeSpec): number =>
  g.cpu.shares !== undefined ? clampShares(g.cpu.shares) : g.cpu.weight !== undefined ? weightToShares(g.cpu.weight) : CGROUP_CPU_LIMITS.sharesDefault;

/**
 * Every task with its quota periods and its fluid rate floor. While a task is runnable, every group
 * above it has a cap of at least c = min(1, the quota rates on the path from that group down to the
 * task) (its cpuset has a CPU, the task alone asks for one), and the root runs at its cap. A group
 * water-fills its rate among its children by weight with caps, so a child gets at least
 * min(its cap, parent rate × its weight / the weight of all the parent's children): the floor is
 * that product along the path, the task's own cap being 1.
 */
function costTasks(spec: GroupSpec): CostTask[] {
  const out: CostTask[] = [];
  interface Level {
    readonly weight: number;
    readonly siblingsWeight: number;
    readonly quotaRate: number;
  }
  const totalWeight = (g: { tasks: readonly GroupTaskSpec[]; groups: readonly GroupNodeSpec[] }): number =>
    g.tasks.reduce((s, t) => s + niceToWeight(t.nice), 0) + g.groups.reduce((s, c) => s + loadWeightOf(c), 0);
  const addTasks = (list: readonly GroupTaskSpec[], path: string, levels: readonly Level[], periods: readonly number[], parentWeight: number): void => {
    for (const spec of list) out.push({ spec, group: path, quotaPeriods: periods, rateFloor: rateFloor(levels, niceToWeight(spec.nice) / parentWeight) });
  };
  const visit = (groups: readonly GroupNodeSpec[], path: string, levels: readonly Level[], periods: readonly number[], parentWeight: number): void => {
    for (const g of groups) {
      const here = `${path === '/' ? '' : path}/${g.name}`;
      const quota = g.cpu.quota;
      const level: Level = { weight: loadWeightOf(g), siblingsWeight: parentWeight, quotaRate: quota === null ? Infinity : quota / g.cpu.period };
      const below = [...levels, level];
      const ownPeriods = quota === null ? periods : [...periods, g.cpu.period];
      const weight = totalWeight(g);
      addTasks(g.tasks, here, below, ownPeriods, weight);
      visit(g.groups, here, below, ownPeriods, weight);
    }
  };
  const rootWeight = totalWeight(spec);
  addTasks(spec.tasks, '/', [], [], rootWeight);
  visit(spec.groups, '/', [], [], rootWeight);
  return out;
}

/** The floor of a task's fluid rate: the levels from the root's children down to its group, then its own weight share. */
function rateFloor(levels: readonly { weight: number; siblingsWeight: number; quotaRate: number }[], ownShare: number): number {
  // cap[i]: the least cap group i can have while the task is runnable (bottom-up minimum).
  const cap = new Array<number>(levels.length);
  let c = 1;
  for (let i = levels.length - 1; i >= 0; i--) {
    c = Math.min(c, levels[i]!.quotaRate);
    cap[i] = c;
  }
  let rate = levels.length > 0 ? cap[0]! : 1; // the root runs at its cap, at least its child's
  for (let i = 0; i < levels.length; i++) rate = Math.min(cap[i]!, (rate * levels[i]!.weight) / levels[i]!.siblingsWeight);
  return Math.min(1, rate * ownShare);
}
