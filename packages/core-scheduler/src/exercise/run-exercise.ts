// `runExercise`: a textbook scheduling exercise in abstract integer ticks (what `strata sched`
// runs). It validates the input, maps each policy's parameters to ticks (1 tick = 1 ms for the
// CFS and credit defaults), runs the exact simulator and reports per-job results, averages in
// OSTEP's summation order, the timeline (MLFQ levels with 0 = highest), utilization and fairness.
import { createSimulation } from '@strata/core-sim';
import { ValidationError } from '@strata/shared-types';
import type {
  ExerciseInput,
  ExerciseJob,
  ExerciseJobResult,
  ExercisePercentiles,
  ExercisePolicy,
  ExerciseResult,
  ExerciseSegment,
} from '../exercise-types.js';
import { EXERCISE_LIMITS, EXERCISE_POLICIES } from '../exercise-types.js';
import { jainIndex, summarize } from '../metrics/run-metrics.js';
import type { SchedPolicy } from '../policy.js';
import { cfsTunables, createCfsPolicy } from '../policies/cfs.js';
import { createCreditPolicy } from '../policies/credit.js';
import { createEdfPolicy } from '../policies/edf.js';
import { createFifoPolicy } from '../policies/fifo.js';
import { createLotteryPolicy } from '../policies/lottery.js';
import { createMlfqPolicy } from '../policies/mlfq.js';
import { createPriorityPolicy } from '../policies/priority.js';
import { createRoundRobinPolicy } from '../policies/round-robin.js';
import { createSjfPolicy, createStcfPolicy } from '../policies/shortest-first.js';
import { createStridePolicy } from '../policies/stride.js';
import type { PolicyContext } from '../simulator/cpu-simulator.js';
import { simulateCpu } from '../simulator/cpu-simulator.js';
import type { TaskSpec } from '../simulator/task-spec.js';
import { invalidValue, isList } from '../value-checks.js';
import type { RunControl } from '../work-budget.js';
import { formatCount, isWorkBudgetError, resolveMaxSteps, workBudgetError } from '../work-budget.js';
import type { CostEstimate, CostPolicy } from './exercise-cost.js';
import { estimateExerciseSteps } from './exercise-cost.js';

/** mlfq.py's defaults: 3 queues, quantum 10, allotment 1, no boost, I/O time 5. */
export const MLFQ_DEFAULTS = { queues: 3, quantum: 10, allotment: 1, boost: 0, ioTime: 5 } as const;

/** Xen credit defaults in exercise ticks (1 tick = 1 ms): 30 ms slice, 10 ms tick, 30 ms accounting. */
export const CREDIT_EXERCISE_TICKS = { timeslice: 30, tick: 10, period: 30 } as const;

/** Policies whose job lengths may be non-integer, as in scheduler.py. */
const FLOAT_LENGTH_POLICIES: readonly ExercisePolicy[] = ['fifo', 'sjf', 'rr'];

/**
 * Run one scheduling exercise. For fifo, sjf, rr and mlfq the per-job numbers and the MLFQ
 * tick-by-tick timeline equal those of OSTEP's scheduler.py and mlfq.py. Throws ValidationError
 * (naming the field and the accepted forms) for bad input, and LimitExceededError (see
 * `isWorkBudgetError`) when the run needs more than `control.maxSteps` steps: before it starts
 * when `estimateExercise` already shows it, else the moment the budget runs out.
 */
export function runExercise(input: ExerciseInput, control?: RunControl): ExerciseResult {
  return runExerciseWith(input, control, true);
}

/**
 * A lower bound on the steps `runExercise(input)` takes (slices simulated plus events), with what
 * dominates it and the settings that would lower it. Throws ValidationError for bad input.
 */
export function estimateExercise(input: ExerciseInput): CostEstimate {
  const plan = validate(input);
  return estimateExerciseSteps(plan.costJobs, plan.cpus, plan.ioTime, costPolicy(input, plan));
}

/** `runExercise` with the simulator's shortcuts on or off (off: the reference the tests compare with). */
export function runExerciseWith(input: ExerciseInput, control: RunControl | undefined, shortcuts: boolean): ExerciseResult {
  const plan = validate(input);
  const maxSteps = resolveMaxSteps(control);
  const estimate = estimateExerciseSteps(plan.costJobs, plan.cpus, plan.ioTime, costPolicy(input, plan));
  if (estimate.steps > maxSteps) throw workBudgetError({ when: 'estimate', steps: estimate.steps, maxSteps, reason: estimate.reason, remedies: estimate.remedies });
  const sim = createSimulation({ seed: plan.seed });
  let result: ReturnType<typeof simulateCpu>;
  try {
    result = simulateCpu({
      tasks: plan.tasks,
      policy: (ctx) => buildPolicy(input, plan, ctx),
      cpus: plan.cpus,
      contextSwitch: plan.contextSwitch,
      sim,
      shortcuts,
      control: { ...control, maxSteps },
    });
  } catch (error) {
    if (!isWorkBudgetError(error)) throw error;
    const d = error.details;
    throw workBudgetError({
      ...d,
      reason: `${formatCount(d.at ?? 0)} ticks simulated, ${d.unfinished ?? 0} of ${d.total ?? 0} jobs unfinished`,
      remedies: estimate.remedies,
    });
  }
  const policy = input.policy;
  const jobs: ExerciseJobResult[] = result.tasks.map((t) => {
    const base = {
      id: t.id,
      arrival: t.arrival,
      length: t.length,
      firstRun: t.firstRun!,
      completion: t.completion!,
      response: t.response!,
      turnaround: t.turnaround!,
      wait: t.wait,
      ioCount: t.ioCount,
      contextSwitches: t.contextSwitches,
      preemptions: t.preemptions,
      cpuTime: t.cpuTime,
    };
    return policy === 'edf' ? { ...base, deadlineMissed: t.deadlineMisses > 0 } : base;
  });
  // scheduler.py sums FIFO and SJF statistics in execution order, everything else in id order;
  // with float lengths the order of the additions shows in the last bit.
  const order = policy === 'fifo' || policy === 'sjf' ? [...jobs].sort((a, b) => a.firstRun - b.firstRun || a.id - b.id) : jobs;
  const n = jobs.length;
  let response = 0;
  let turnaround = 0;
  let wait = 0;
  for (const j of order) {
    response += j.response;
    turnaround += j.turnaround;
    wait += j.wait;
  }
  // The simulator's segments already have the exercise's shape: `level` only where the policy
  // labels segments (MLFQ). Reused as they are: a timeline may hold millions of them.
  const timeline: readonly ExerciseSegment[] = result.timeline;
  const makespan = result.makespan;
  return {
    policy,
    jobs,
    avg: { response: response / n, turnaround: turnaround / n, wait: wait / n },
    timeline,
    makespan,
    utilization: result.busy.map((b) => (makespan > 0 ? b / makespan : 0)),
    fairness: jainIndex(jobs.map((j) => (j.turnaround > 0 ? j.length / j.turnaround : 0))),
    throughput: makespan > 0 ? n / makespan : 0,
    steps: result.steps,
    percentiles: {
      response: percentiles(jobs.map((j) => j.response)),
      turnaround: percentiles(jobs.map((j) => j.turnaround)),
      wait: percentiles(jobs.map((j) => j.wait)),
    },
  };
}

function percentiles(values: readonly number[]): ExercisePercentiles {
  const d = summarize(values);
  return { p50: d.p50, p95: d.p95, p99: d.p99 };
}

interface ExercisePlan {
  readonly tasks: TaskSpec[];
  readonly costJobs: { arrival: number; length: number; ioFreq: number }[];
  readonly ioTime: number;
  readonly cpus: number;
  readonly seed: number;
  readonly quantum: number;
  readonly contextSwitch: number;
  readonly mlfq: { quanta: number[]; allotments: number[]; boost: number; stay: boolean; ioBump: boolean } | undefined;
}

function buildPolicy(input: ExerciseInput, plan: ExercisePlan, ctx: PolicyContext): SchedPolicy {
  const { quantum, cpus } = plan;
  const policy = input.policy;
  switch (policy) {
    case 'fifo':
      return createFifoPolicy();
    case 'sjf':
      return createSjfPolicy();
    case 'stcf':
      return createStcfPolicy();
    case 'rr':
      return createRoundRobinPolicy({ quantum });
    case 'priority': {
      const o = input.priorityOptions ?? {};
      return createPriorityPolicy({
        preemptive: o.preemptive ?? false,
        quantum: o.roundRobin === true ? quantum : undefined,
        aging: o.agingInterval === undefined ? undefined : { interval: o.agingInterval, step: 1, limit: 0 },
      });
    }
    case 'mlfq':
      return createMlfqPolicy(plan.mlfq!);
    case 'cfs':
      return createCfsPolicy({ cpus, ...cfsTunables(cpus, 1), balanceInterval: CFS_EXERCISE_BALANCE });
    case 'credit':
      return createCreditPolicy({ cpus, ...CREDIT_EXERCISE_TICKS });
    case 'lottery':
      return createLotteryPolicy({ random: ctx.sim.rng('lottery'), quantum });
    case 'stride':
      return createStridePolicy({ quantum, cpus });
    case 'edf':
      return createEdfPolicy();
    default: {
      const never: never = policy;
      throw invalidValue('policy', never, EXERCISE_POLICIES.join('|'));
    }
  }
}

/** What the cost estimate needs to know of the exercise's policy (see `estimateExerciseSteps`). */
function costPolicy(input: ExerciseInput, plan: ExercisePlan): CostPolicy {
  const none = { timerPeriod: Infinity, timerName: '', timerRemedy: undefined } as const;
  const policy = input.policy;
  switch (policy) {
    case 'fifo':
    case 'sjf':
    case 'stcf':
    case 'edf':
      return { maxSlice: Infinity, skipsAlone: false, sliceRemedy: undefined, ...none };
    case 'rr':
    case 'lottery':
    case 'stride':
      return { maxSlice: plan.quantum, skipsAlone: true, sliceRemedy: 'quantum', ...none };
    case 'priority': {
      const o = input.priorityOptions ?? {};
      const aging = o.agingInterval;
      return {
        maxSlice: o.roundRobin === true ? plan.quantum : Infinity,
        skipsAlone: true,
        sliceRemedy: 'quantum',
        ...(aging === undefined ? none : { timerPeriod: aging, timerName: 'an aging timer', timerRemedy: 'aging' }),
      };
    }
    case 'mlfq': {
      const m = plan.mlfq!;
      return {
        maxSlice: Math.max(...m.quanta),
        skipsAlone: true,
        sliceRemedy: 'quantum',
        ...(m.boost > 0 ? { timerPeriod: m.boost, timerName: 'a priority boost', timerRemedy: 'boost' } : none),
      };
    }
    case 'cfs': {
      const t = cfsTunables(plan.cpus, 1);
      return {
        maxSlice: Math.ceil(Math.max(t.latency, plan.tasks.length * t.minGranularity)),
        skipsAlone: true,
        sliceRemedy: undefined,
        ...(plan.cpus > 1 ? { timerPeriod: CFS_EXERCISE_BALANCE, timerName: 'the load balancer', timerRemedy: 'cpus' } : none),
      };
    }
    case 'credit':
      return {
        maxSlice: CREDIT_EXERCISE_TICKS.timeslice,
        skipsAlone: false,
        sliceRemedy: undefined,
        timerPeriod: CREDIT_EXERCISE_TICKS.tick,
        timerName: 'the credit tick',
        timerRemedy: undefined,
      };
    default: {
      const never: never = policy;
      throw invalidValue('policy', never, EXERCISE_POLICIES.join('|'));
    }
  }
}

/** CFS load-balancing period in exercise ticks (more than one CPU). */
const CFS_EXERCISE_BALANCE = 16;

function validate(input: ExerciseInput): ExercisePlan {
  if (typeof input !== 'object' || input === null) throw invalidValue('input', input, 'an object { policy, jobs, ... }');
  const policy = input.policy;
  if (!EXERCISE_POLICIES.includes(policy)) throw invalidValue('policy', policy, EXERCISE_POLICIES.join('|'));
  const cpus = int('cpus', input.cpus, 1, 1, EXERCISE_LIMITS.maxCpus);
  const seed = input.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw invalidValue('seed', seed, 'a safe integer');
  const contextSwitch = int('contextSwitch', input.contextSwitch, 0, 0);
  let mlfq: ExercisePlan['mlfq'];
  let ioTime: number;
  if (policy === 'mlfq') {
    const m = input.mlfq ?? {};
    let quanta: number[];
    if (m.quanta !== undefined) {
      if (!isList(m.quanta) || m.quanta.length === 0 || m.quanta.length > EXERCISE_LIMITS.maxLevels) {
        throw invalidValue('mlfq.quanta', m.quanta, `a list of 1 to ${EXERCISE_LIMITS.maxLevels} positive integers, highest priority first`);
      }
      quanta = m.quanta.map((q, i) => int(`mlfq.quanta[${i}]`, q, 1, 1));
    } else {
      const queues = int('mlfq.queues', m.queues, MLFQ_DEFAULTS.queues, 1, EXERCISE_LIMITS.maxLevels);
      const q = int('quantum', input.quantum, MLFQ_DEFAULTS.quantum, 1);
      quanta = new Array<number>(queues).fill(q);
    }
    let allotments: number[];
    if (m.allotments !== undefined) {
      if (!isList(m.allotments) || m.allotments.length !== quanta.length) {
        throw invalidValue('mlfq.allotments', m.allotments, `a list of ${quanta.length} positive integers (one per level, highest first)`);
      }
      allotments = m.allotments.map((a, i) => int(`mlfq.allotments[${i}]`, a, 1, 1));
    } else {
      allotments = quanta.map(() => MLFQ_DEFAULTS.allotment);
    }
    const boost = int('mlfq.boost', m.boost, MLFQ_DEFAULTS.boost, 0);
    ioTime = int('mlfq.ioTime', m.ioTime ?? input.ioTime, MLFQ_DEFAULTS.ioTime, 0);
    mlfq = { quanta, allotments, boost, stay: m.stay ?? false, ioBump: m.ioBump ?? false };
  } else {
    ioTime = int('ioTime', input.ioTime, MLFQ_DEFAULTS.ioTime, 0);
  }
  const quantum = policy === 'mlfq' ? mlfq!.quanta[0]! : int('quantum', input.quantum, 1, 1);
  if (policy === 'priority' && input.priorityOptions?.agingInterval !== undefined) int('priorityOptions.agingInterval', input.priorityOptions.agingInterval, 1, 1);
  if (!isList(input.jobs) || input.jobs.length === 0 || input.jobs.length > EXERCISE_LIMITS.maxJobs) {
    throw invalidValue('jobs', isList(input.jobs) ? `${input.jobs.length} jobs` : input.jobs, `a list of 1 to ${EXERCISE_LIMITS.maxJobs} jobs { length, arrival?, ioFreq?, ... }`);
  }
  const tasks = input.jobs.map((j, i) => toTask(j, i, policy, ioTime, cpus));
  const costJobs = tasks.map((t) => ({ arrival: t.arrival ?? 0, length: t.length!, ioFreq: t.ioFreq ?? 0 }));
  checkHorizon(costJobs, ioTime);
  return { tasks, costJobs, ioTime, cpus, seed, quantum, contextSwitch, mlfq };
}

/**
 * Reject an exercise whose horizon (last arrival + total length + total I/O time) passes 2^53 − 1:
 * past it, tick counts stop being exact integers and results would silently be another number.
 */
function checkHorizon(jobs: readonly { arrival: number; length: number; ioFreq: number }[], ioTime: number): void {
  let horizon = 0;
  let lastArrival = 0;
  for (const j of jobs) {
    const ios = j.ioFreq > 0 ? Math.ceil(j.length / j.ioFreq) - 1 : 0;
    horizon += j.length + ios * ioTime;
    lastArrival = Math.max(lastArrival, j.arrival);
  }
  horizon += lastArrival;
  if (!(horizon <= EXERCISE_LIMITS.maxTime)) {
    throw new ValidationError(
      `invalid jobs: the last arrival plus the total length and I/O time is ${formatCount(horizon)} ticks, past ${formatCount(EXERCISE_LIMITS.maxTime)} (2^53 - 1), the largest time counted exactly; use shorter or fewer jobs`,
      { path: 'jobs', value: horizon, accepted: `a horizon of at most ${EXERCISE_LIMITS.maxTime} ticks` },
    );
  }
}

function toTask(j: ExerciseJob, i: number, policy: ExercisePolicy, ioTime: number, cpus: number): TaskSpec {
  const at = (f: string): string => `jobs[${i}].${f}`;
  if (typeof j !== 'object' || j === null) throw invalidValue(`jobs[${i}]`, j, 'a job { length, arrival?, ioFreq?, ... }');
  const arrival = int(at('arrival'), j.arrival, 0, 0);
  const ioFreq = int(at('ioFreq'), j.ioFreq, 0, 0);
  const length = j.length;
  const floatOk = FLOAT_LENGTH_POLICIES.includes(policy) && ioFreq === 0;
  if (typeof length !== 'number' || !Number.isFinite(length) || length <= 0 || length > EXERCISE_LIMITS.maxTime || (!floatOk && !Number.isSafeInteger(length))) {
    throw invalidValue(at('length'), length, floatOk ? `a finite number > 0, at most ${EXERCISE_LIMITS.maxTime}` : `a positive integer, at most ${EXERCISE_LIMITS.maxTime}`);
  }
  const nice = j.nice ?? 0;
  if (!Number.isInteger(nice) || nice < -20 || nice > 19) throw invalidValue(at('nice'), nice, 'an integer from -20 to 19');
  const priority = j.priority ?? 0;
  if (!Number.isSafeInteger(priority)) throw invalidValue(at('priority'), priority, 'a safe integer (lower runs first)');
  const weight = int(at('weight'), j.weight, 256, 1);
  if (weight > 65535) throw invalidValue(at('weight'), weight, 'an integer in 1..65535');
  const tickets = int(at('tickets'), j.tickets, 100, 1, EXERCISE_LIMITS.maxTickets);
  const cap = int(at('cap'), j.cap, 0, 0);
  const deadline = j.deadline ?? arrival + length;
  if (j.deadline !== undefined && !(Math.abs(deadline) <= EXERCISE_LIMITS.maxTime)) throw invalidValue(at('deadline'), deadline, `a tick from -${EXERCISE_LIMITS.maxTime} to ${EXERCISE_LIMITS.maxTime}`);
  if (j.affinity !== undefined && (!isList(j.affinity) || j.affinity.length === 0 || j.affinity.some((c) => !Number.isSafeInteger(c) || c < 0 || c >= cpus))) {
    throw invalidValue(at('affinity'), j.affinity, `a non-empty list of CPU indices in 0..${cpus - 1}`);
  }
  return {
    arrival,
    length,
    ioFreq,
    ioTime,
    priority,
    nice,
    creditWeight: weight,
    capPercent: cap,
    tickets,
    deadline,
    affinity: j.affinity,
  };
}

function int(path: string, value: number | undefined, fallback: number, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw invalidValue(path, v, `an integer from ${min} to ${max}`);
  return v;
}
