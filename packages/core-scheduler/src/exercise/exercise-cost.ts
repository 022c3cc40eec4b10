// A lower bound on the steps an exercise takes, computed from its input before it runs, so that a
// hopeless run is refused at once instead of when its budget runs out. Every term is a bound the
// exact simulator cannot beat (see `estimateExerciseSteps`); tests hold the bound to real runs.
import type { BudgetRemedy } from '../work-budget.js';
import { formatCount } from '../work-budget.js';

/** One job as the estimate sees it (ticks). */
export interface CostJob {
  readonly arrival: number;
  readonly length: number;
  /** CPU ticks between I/Os (0: none). */
  readonly ioFreq: number;
}

/** What the estimate needs to know about the policy of an exercise. */
export interface CostPolicy {
  /** The longest slice the policy ever gives (Infinity: it runs jobs to completion or preemption). */
  readonly maxSlice: number;
  /**
   * Whether the policy may fast-forward a lone job (`SchedPolicy.runAlone`). It may decline at run
   * time (fractional times, inexact float sums); the bound stays a lower bound either way.
   */
  readonly skipsAlone: boolean;
  /** Period of the policy's timer (Infinity: none), and the setting that sets it. */
  readonly timerPeriod: number;
  readonly timerName: string;
  readonly timerRemedy: BudgetRemedy | undefined;
  /** The setting that sets `maxSlice`, when the user can change it. */
  readonly sliceRemedy: BudgetRemedy | undefined;
}

/** The estimate: a lower bound on steps, what dominates it, and what would make the run cheaper. */
export interface CostEstimate {
  readonly steps: number;
  readonly reason: string;
  readonly remedies: readonly BudgetRemedy[];
}

/**
 * A lower bound on the steps (slices simulated plus events) of an exercise:
 * - every arrival and every wake-up from I/O is one event, and every CPU burst ends in a slice of its own;
 * - a slice runs at most `maxSlice` ticks, so a burst needs ⌈burst / maxSlice⌉ slices, except for
 *   a lone job under a policy that fast-forwards it; then only the work done while at least two
 *   jobs are runnable counts: after the last arrival T0, a job without I/O still needs at least
 *   length − (T0 − arrival) ticks, and all of that but the largest share is done while another job
 *   is still runnable (the last job standing is the only one that can run alone);
 * - a policy timer of period P fires at every multiple of P before the last completion, which
 *   comes no earlier than any job's arrival + length + its I/O time, nor before the first
 *   arrival + total length / CPUs.
 */
export function estimateExerciseSteps(jobs: readonly CostJob[], cpus: number, ioTime: number, cost: CostPolicy): CostEstimate {
  let events = 0;
  let burstSlices = 0;
  let bursts = 0;
  let totalLength = 0;
  let firstArrival = Infinity;
  let lastArrival = 0;
  let makespan = 0;
  for (const j of jobs) {
    const n = j.ioFreq > 0 ? Math.ceil(j.length / j.ioFreq) : 1;
    bursts += n;
    events += n; // the arrival and n − 1 wake-ups
    const last = j.length - (n - 1) * j.ioFreq;
    burstSlices += j.ioFreq > 0 ? (n - 1) * Math.ceil(j.ioFreq / cost.maxSlice) + Math.ceil(last / cost.maxSlice) : Math.ceil(j.length / cost.maxSlice);
    totalLength += j.length;
    firstArrival = Math.min(firstArrival, j.arrival);
    lastArrival = Math.max(lastArrival, j.arrival);
    makespan = Math.max(makespan, j.arrival + j.length + (n - 1) * ioTime);
  }
  if (jobs.length > 0) makespan = Math.max(makespan, firstArrival + Math.ceil(totalLength / cpus));

  let slices: number;
  let sliceReason: string;
  if (!cost.skipsAlone || cost.maxSlice === Infinity) {
    slices = cost.maxSlice === Infinity ? bursts : Math.max(bursts, burstSlices);
    sliceReason =
      cost.maxSlice === Infinity
        ? `${formatCount(bursts)} CPU bursts`
        : `${formatCount(totalLength)} ticks of work in slices of at most ${formatCount(cost.maxSlice)} tick${cost.maxSlice === 1 ? '' : 's'}`;
  } else {
    const remaining = jobs
      .filter((j) => j.ioFreq === 0 || j.ioFreq >= j.length)
      .map((j) => Math.max(0, j.length - (lastArrival - j.arrival)))
      .sort((a, b) => b - a);
    const shared = remaining.slice(1).reduce((a, b) => a + b, 0);
    const contended = Math.ceil(shared / cost.maxSlice);
    slices = Math.max(bursts, contended);
    sliceReason =
      contended >= bursts
        ? `${formatCount(remaining.length)} jobs share ${cpus === 1 ? 'the CPU' : `${cpus} CPUs`} for at least ${formatCount(shared)} ticks in slices of at most ${formatCount(cost.maxSlice)} tick${cost.maxSlice === 1 ? '' : 's'}`
        : `${formatCount(bursts)} CPU bursts`;
  }

  const timers = cost.timerPeriod === Infinity || makespan <= 0 ? 0 : Math.max(0, Math.ceil(makespan / cost.timerPeriod) - 1);
  const steps = events + slices + timers;
  const remedies: BudgetRemedy[] = ['maxSteps'];
  let reason: string;
  if (timers > slices) {
    reason = `${cost.timerName} every ${formatCount(cost.timerPeriod)} tick${cost.timerPeriod === 1 ? '' : 's'} over at least ${formatCount(makespan)} ticks`;
    if (cost.timerRemedy !== undefined) remedies.push(cost.timerRemedy);
  } else {
    reason = sliceReason;
    if (cost.sliceRemedy !== undefined && slices > bursts) remedies.push(cost.sliceRemedy);
  }
  remedies.push('jobs');
  return { steps, reason, remedies };
}
