// Turns already-parsed exercise settings into an `ExerciseInput`: policy names, the MLFQ
// parameter resolution of OSTEP's mlfq.py, and per-policy option checks. Shared by the
// `sched` flags and the `compare` workload file; `names` says how to name each field.

import { EXERCISE_POLICIES, MLFQ_DEFAULTS } from '@strata/core-scheduler';
import type { ExerciseInput, ExerciseMlfqOptions, ExercisePolicy } from '@strata/core-scheduler';
import { ValidationError } from '@strata/shared-types';
import { invalid } from './parse-numbers.js';

/** scheduler.py's default RR quantum. */
export const RR_DEFAULT_QUANTUM = 1;

/**
 * Settings of one exercise run, numbers already range-checked; absent means "default". The
 * fields shared with `ExerciseInput` pass through; the others are resolved by `buildExerciseInput`.
 */
export interface ExerciseSettings extends Pick<ExerciseInput, 'policy' | 'jobs' | 'quantum' | 'cpus' | 'seed' | 'ioTime' | 'contextSwitch'> {
  readonly queues?: number;
  readonly quanta?: readonly number[];
  readonly allotments?: readonly number[];
  /** One allotment for every level (mlfq.py's -a); excludes `allotments`. */
  readonly allotment?: number;
  readonly boost?: number;
  readonly stay?: boolean;
  readonly ioBump?: boolean;
  readonly preemptive?: boolean;
  readonly roundRobin?: boolean;
  readonly aging?: number;
}

/** The MLFQ-only settings, which other policies reject. */
export const MLFQ_ONLY_SETTINGS = ['queues', 'quanta', 'allotments', 'allotment', 'boost', 'stay', 'ioBump'] as const;
/** The priority-only settings, which other policies reject. */
export const PRIORITY_ONLY_SETTINGS = ['preemptive', 'roundRobin', 'aging'] as const;

/** How each setting is named in messages: a flag (`--quantum`) or a file path (`policies[1].quantum`). */
export type SettingNames = Readonly<
  Record<'policy' | 'quantum' | (typeof MLFQ_ONLY_SETTINGS)[number] | (typeof PRIORITY_ONLY_SETTINGS)[number], string>
>;

/** Parse a policy name, case-insensitively (OSTEP writes `FIFO`); throws naming `name` and the accepted names. */
export function parsePolicy(name: string, value: unknown): ExercisePolicy {
  const lower = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  const found = EXERCISE_POLICIES.find((p) => p === lower);
  if (found === undefined) throw invalid(name, `one of ${EXERCISE_POLICIES.join(', ')}`, value);
  return found;
}

/**
 * Resolve MLFQ parameters as mlfq.py does: `queues` levels of `quantum` ticks, unless `quanta`
 * (highest level first) overrides both; `allotments` must then have exactly one entry per level.
 */
export function resolveMlfq(settings: ExerciseSettings, names: SettingNames): ExerciseMlfqOptions {
  const quanta = settings.quanta ?? Array.from({ length: settings.queues ?? MLFQ_DEFAULTS.queues }, () => settings.quantum ?? MLFQ_DEFAULTS.quantum);
  if (settings.allotment !== undefined && settings.allotments !== undefined) {
    throw new ValidationError(`${names.allotment}: cannot be combined with ${names.allotments}; give one allotment for every level or one per level`, {
      path: names.allotment,
    });
  }
  const allotments = settings.allotments ?? quanta.map(() => settings.allotment ?? MLFQ_DEFAULTS.allotment);
  if (allotments.length !== quanta.length) {
    const source = settings.quanta !== undefined ? `${names.quanta} gives ${quanta.length}` : `${names.queues} is ${quanta.length}`;
    throw new ValidationError(
      `${names.allotments}: expected ${quanta.length} comma-separated positive integers (one per queue, highest first; ${source}), got ${allotments.length}`,
      { path: names.allotments, expected: quanta.length, value: allotments },
    );
  }
  return {
    quanta,
    allotments,
    boost: settings.boost ?? MLFQ_DEFAULTS.boost,
    ioTime: settings.ioTime ?? MLFQ_DEFAULTS.ioTime,
    stay: settings.stay ?? false,
    ioBump: settings.ioBump ?? false,
  };
}

/** Whether `input`'s policy uses `input.quantum` (rr, lottery, stride, priority with round-robin). */
export function usesQuantum(input: ExerciseInput): boolean {
  const { policy } = input;
  return policy === 'rr' || policy === 'lottery' || policy === 'stride' || (policy === 'priority' && input.priorityOptions?.roundRobin === true);
}

/**
 * Build the `runExercise` input, rejecting MLFQ-only and priority-only settings for other
 * policies. A quantum is accepted for every policy (scheduler.py takes -q for FIFO too) and
 * used where it means something (see `usesQuantum`).
 */
export function buildExerciseInput(settings: ExerciseSettings, names: SettingNames): ExerciseInput {
  const { policy } = settings;
  const reject = (keys: readonly (keyof SettingNames & keyof ExerciseSettings)[], owner: string): void => {
    for (const key of keys) {
      const value = settings[key];
      if (value !== undefined && value !== false) {
        throw new ValidationError(`${names[key]}: applies only to policy ${owner}, not ${policy}`, { path: names[key], policy });
      }
    }
  };
  if (policy !== 'mlfq') reject(MLFQ_ONLY_SETTINGS, 'mlfq');
  if (policy !== 'priority') reject(PRIORITY_ONLY_SETTINGS, 'priority');
  const quantum = settings.quantum ?? (policy === 'rr' ? RR_DEFAULT_QUANTUM : undefined);
  const priorityOptions = {
    ...(settings.preemptive ? { preemptive: true } : {}),
    ...(settings.roundRobin ? { roundRobin: true } : {}),
    ...(settings.aging !== undefined ? { agingInterval: settings.aging } : {}),
  };
  return {
    policy,
    jobs: settings.jobs,
    ...(quantum !== undefined && policy !== 'mlfq' ? { quantum } : {}),
    ...(settings.cpus !== undefined ? { cpus: settings.cpus } : {}),
    ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
    ...(settings.contextSwitch !== undefined ? { contextSwitch: settings.contextSwitch } : {}),
    ...(Object.keys(priorityOptions).length > 0 ? { priorityOptions } : {}),
    ...(policy === 'mlfq'
      ? { mlfq: resolveMlfq(settings, names), ioTime: settings.ioTime ?? MLFQ_DEFAULTS.ioTime }
      : settings.ioTime !== undefined
        ? { ioTime: settings.ioTime }
        : {}),
  };
}
