// The work budget every simulation run carries: a cap on its steps, so that no input can keep a
// caller waiting for hours, and a progress hook for callers that want to show how far a run got.
// A run whose cost can be bounded from below refuses before it starts; any run stops with the
// same typed error the moment its budget is spent, and never returns a partial result.
import { LimitExceededError, ValidationError } from '@strata/shared-types';

/**
 * The default budget of a CPU simulation or exercise, in steps. A step is one slice run on one CPU
 * or one event (an arrival, a wake-up, a policy timer). Sized so that the slowest kind of run,
 * timeline and output included, finishes in well under a minute on a 2-core machine within Node's
 * default heap (see the package README for the measured figures).
 */
export const DEFAULT_MAX_STEPS = 10_000_000;

/**
 * The default budget of a group experiment, in steps: there a step is one CPU, task or group a
 * model visits, far cheaper than a slice of the CPU simulator (6 to 90 ns measured), and nothing
 * grows with it in memory. 500 million of them take at most about 45 s on a 2-core machine.
 */
export const DEFAULT_GROUP_MAX_STEPS = 500_000_000;

/** The largest budget accepted: beyond it a run outlives any reasonable wait and any heap. */
export const MAX_MAX_STEPS = 1_000_000_000_000;

/** Where a run stands, as reported to `RunControl.onProgress`. */
export interface RunProgress {
  /** Steps taken so far. */
  readonly steps: number;
  /** The budget in steps. */
  readonly maxSteps: number;
  /** Fraction of the run's total work done, 0..1 (CPU demand served, or simulated time passed). */
  readonly fraction: number;
}

/** How a caller bounds and watches one run. */
export interface RunControl {
  /** The most steps the run may take (default `DEFAULT_MAX_STEPS`), a positive integer up to `MAX_MAX_STEPS`. */
  readonly maxSteps?: number;
  /** Called every `progressEvery` steps (synchronously, from inside the run). */
  readonly onProgress?: (progress: RunProgress) => void;
  /** Steps between two progress reports (default 1,000,000). */
  readonly progressEvery?: number;
}

/** A way to make a run cheaper, named by the input field that does it. */
export type BudgetRemedy = 'maxSteps' | 'quantum' | 'boost' | 'aging' | 'jobs' | 'cpus' | 'duration' | 'tick' | 'fidelity' | 'bursts';

/** `details` of the LimitExceededError a budget raises; apps turn `remedies` into their own flag names. */
export interface WorkBudgetDetails {
  readonly kind: 'work-budget';
  /** The budget in steps. */
  readonly maxSteps: number;
  /** 'estimate': refused before it started; 'exhausted': stopped when the budget ran out. */
  readonly when: 'estimate' | 'exhausted';
  /** estimate: a lower bound on the steps the run needs; exhausted: the steps taken. */
  readonly steps: number;
  /** What makes the run expensive, as a phrase ("2 jobs of 99999999999 ticks share 1 CPU in slices of at most 1 tick"). */
  readonly reason: string;
  /** Input changes that make the run cheaper, most useful first; `maxSteps` is always among them. */
  readonly remedies: readonly BudgetRemedy[];
  /** exhausted: the simulated time at which the run stopped. */
  readonly at?: number;
  /** exhausted: tasks (jobs) not finished when it stopped, of `total`. */
  readonly unfinished?: number;
  readonly total?: number;
}

/** Whether `error` was raised by a work budget; then its `details` are `WorkBudgetDetails`. */
export function isWorkBudgetError(error: unknown): error is LimitExceededError & { details: WorkBudgetDetails } {
  return error instanceof LimitExceededError && (error.details as { kind?: unknown }).kind === 'work-budget';
}

/** The budget error; its message names what was too big and the input fields that would help. */
export function workBudgetError(details: Omit<WorkBudgetDetails, 'kind'>): LimitExceededError {
  const { when, steps, maxSteps, reason, remedies } = details;
  const head =
    when === 'estimate'
      ? `this run needs at least ${formatCount(steps)} steps (${reason}), more than its budget of ${formatCount(maxSteps)}`
      : `this run used up its budget of ${formatCount(maxSteps)} steps (${reason}) and was stopped; no result was produced`;
  const fields = remedies.map((r) => (r === 'maxSteps' ? 'raise maxSteps' : `change ${r}`));
  return new LimitExceededError(`${head}; ${fields.join(', or ')}`, { kind: 'work-budget', ...details });
}

/** Resolve and check `control.maxSteps` (absent: `fallback`); throws a ValidationError naming `path` when it is out of range. */
export function resolveMaxSteps(control: RunControl | undefined, path = 'maxSteps', fallback = DEFAULT_MAX_STEPS): number {
  const value = control?.maxSteps ?? fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_MAX_STEPS) {
    throw new ValidationError(`invalid ${path} ${JSON.stringify(value) ?? 'undefined'}: expected an integer from 1 to ${formatCount(MAX_MAX_STEPS)}`, {
      path,
      value,
      accepted: `1..${MAX_MAX_STEPS}`,
    });
  }
  return value;
}

/** Resolve `control.progressEvery` (default 1,000,000 steps). */
export function resolveProgressEvery(control: RunControl | undefined): number {
  const value = control?.progressEvery ?? 1_000_000;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(`invalid progressEvery ${JSON.stringify(value) ?? 'undefined'}: expected a positive integer`, { path: 'progressEvery', value });
  }
  return value;
}

/**
 * A run's step watch: `maxSteps` (default `fallback`), `progressEvery` and `onProgress` resolved
 * and checked once (ValidationError naming the bad one), then `check(steps)` at any point of the run
 * throws `exhausted(steps)` past the budget, calls `onProgress` when a report is due (with
 * `fraction()`, the run's share done), and returns the step count at which to check again (the
 * group scheduler's `watchSteps` contract).
 */
export interface StepWatch {
  readonly maxSteps: number;
  check(steps: number): number;
}

/** Make a `StepWatch` from `control` (see `StepWatch`). */
export function watchSteps(control: RunControl | undefined, fallback: number, fraction: () => number, exhausted: (steps: number) => Error): StepWatch {
  const maxSteps = resolveMaxSteps(control, 'maxSteps', fallback);
  const every = resolveProgressEvery(control);
  const onProgress = control?.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new ValidationError(`invalid onProgress ${typeof onProgress}: expected a function ({ steps, maxSteps, fraction }) => void`, {
      path: 'onProgress',
      accepted: 'a function',
    });
  }
  let nextReport = every;
  return {
    maxSteps,
    check(steps) {
      if (steps > maxSteps) throw exhausted(steps);
      if (onProgress === undefined) return maxSteps + 1;
      if (steps >= nextReport) {
        onProgress({ steps, maxSteps, fraction: Math.min(1, fraction()) });
        nextReport = (Math.floor(steps / every) + 1) * every;
      }
      return Math.min(maxSteps + 1, nextReport);
    },
  };
}

/** `1234567` → `"1,234,567"`; numbers beyond 1e21 in exponent form. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e21) return String(n);
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
