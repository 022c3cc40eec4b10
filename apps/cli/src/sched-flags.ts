// The flags of `strata sched` (as the raw strings commander collects) turned into an
// `ExerciseInput`, with one-line errors that name the flag and the accepted forms.

import type { ExerciseInput, ExerciseJob, ExercisePolicy } from '@strata/core-scheduler';
import { ValidationError } from '@strata/shared-types';
import { buildExerciseInput, parsePolicy } from './exercise-input.js';
import type { SettingNames } from './exercise-input.js';
import { JOB_LIST_FORMS, parseJobList } from './job-list.js';
import { ANY_INT, CPU_COUNT, MAX_LEVELS, CREDIT_WEIGHT, LEVEL_COUNT, NICE_INT, NON_NEGATIVE_INT, POSITIVE_INT, TICKETS, parseIntegerListText, parseIntegerText } from './parse-numbers.js';
import type { IntegerRule } from './parse-numbers.js';

/** The exercise flags of `strata sched` as commander hands them over (values unparsed). */
export interface SchedFlags {
  readonly policy?: string;
  readonly jobs?: string;
  readonly quantum?: string;
  readonly cpus?: string;
  readonly seed?: string;
  readonly queues?: string;
  readonly quanta?: string;
  readonly allotments?: string;
  readonly allotment?: string;
  readonly boost?: string;
  readonly ioTime?: string;
  readonly stay?: boolean;
  readonly ioBump?: boolean;
  readonly priorities?: string;
  readonly tickets?: string;
  readonly nice?: string;
  readonly weights?: string;
  readonly deadlines?: string;
  readonly contextSwitch?: string;
  readonly preemptive?: boolean;
  readonly roundRobin?: boolean;
  readonly aging?: string;
}

/** All options of `strata sched` as commander collects them: the exercise flags and the rest. */
export interface SchedOptions extends SchedFlags {
  readonly json?: boolean;
  readonly svg?: string;
  readonly spec?: string;
  readonly maxSlices?: string;
}

/** How `sched` names its settings in messages. */
export const SCHED_FLAG_NAMES: SettingNames = {
  policy: '--policy',
  quantum: '--quantum',
  queues: '--queues',
  quanta: '--quanta',
  allotments: '--allotments',
  allotment: '--allotment',
  boost: '--boost',
  stay: '--stay',
  ioBump: '--io-bump',
  preemptive: '--preemptive',
  roundRobin: '--round-robin',
  aging: '--aging',
};

/** Policies whose scheduler.py counterpart accepts fractional lengths. */
const DECIMAL_POLICIES: readonly ExercisePolicy[] = ['fifo', 'sjf', 'rr'];

/** Per-job attribute flags: the job field each sets, the policies it applies to, its value rule. */
const PER_JOB_FLAGS = [
  { flag: '--priorities', key: 'priorities', field: 'priority', policies: ['priority'], rule: ANY_INT },
  { flag: '--tickets', key: 'tickets', field: 'tickets', policies: ['lottery', 'stride'], rule: TICKETS },
  { flag: '--nice', key: 'nice', field: 'nice', policies: ['cfs'], rule: NICE_INT },
  { flag: '--weights', key: 'weights', field: 'weight', policies: ['credit'], rule: CREDIT_WEIGHT },
  { flag: '--deadlines', key: 'deadlines', field: 'deadline', policies: ['edf'], rule: NON_NEGATIVE_INT },
] as const satisfies readonly { flag: string; key: keyof SchedFlags; field: keyof ExerciseJob; policies: readonly ExercisePolicy[]; rule: IntegerRule }[];

/** Every exercise flag, by option key, for the `--spec` exclusivity check. */
export const EXERCISE_FLAG_NAMES: Readonly<Record<keyof SchedFlags, string>> = {
  policy: '--policy',
  jobs: '--jobs',
  quantum: '--quantum',
  cpus: '--cpus',
  seed: '--seed',
  queues: '--queues',
  quanta: '--quanta',
  allotments: '--allotments',
  allotment: '--allotment',
  boost: '--boost',
  ioTime: '--io-time',
  stay: '--stay',
  ioBump: '--io-bump',
  priorities: '--priorities',
  tickets: '--tickets',
  nice: '--nice',
  weights: '--weights',
  deadlines: '--deadlines',
  contextSwitch: '--context-switch',
  preemptive: '--preemptive',
  roundRobin: '--round-robin',
  aging: '--aging',
};

/** Parse the exercise flags into a `runExercise` input. Default policy: fifo, as scheduler.py. */
export function parseSchedFlags(flags: SchedFlags): ExerciseInput {
  const policy = flags.policy === undefined ? 'fifo' : parsePolicy('--policy', flags.policy);
  if (flags.jobs === undefined) {
    throw new ValidationError(`--jobs: missing; give ${JOB_LIST_FORMS} (or use --spec FILE for a group experiment)`, { path: '--jobs' });
  }
  const parsed = parseJobList('--jobs', flags.jobs, { decimals: DECIMAL_POLICIES.includes(policy), jobsFirst: policy === 'mlfq' });
  let jobs: ExerciseJob[] = [...parsed.jobs];

  for (const { flag, key, field, policies, rule } of PER_JOB_FLAGS) {
    const text = flags[key];
    if (text === undefined) continue;
    if (!(policies as readonly ExercisePolicy[]).includes(policy)) {
      throw new ValidationError(`${flag}: applies only to policy ${policies.join(' or ')}, not ${policy}`, { path: flag, policy });
    }
    const values = parseIntegerListText(flag, text, rule, { n: jobs.length, why: 'one per job' });
    jobs = jobs.map((job, i) => ({ ...job, [field]: values[i] }));
  }

  const int = (name: string, text: string | undefined, rule: IntegerRule): number | undefined =>
    text === undefined ? undefined : parseIntegerText(name, text, rule);
  const list = (name: string, text: string | undefined): number[] | undefined =>
    text === undefined ? undefined : parseIntegerListText(name, text, POSITIVE_INT, undefined, MAX_LEVELS);

  return buildExerciseInput(
    {
      policy,
      jobs,
      quantum: int('--quantum', flags.quantum, POSITIVE_INT),
      cpus: int('--cpus', flags.cpus, CPU_COUNT),
      seed: int('--seed', flags.seed, NON_NEGATIVE_INT),
      ioTime: int('--io-time', flags.ioTime, NON_NEGATIVE_INT),
      queues: int('--queues', flags.queues, LEVEL_COUNT),
      quanta: list('--quanta', flags.quanta),
      allotments: list('--allotments', flags.allotments),
      allotment: int('--allotment', flags.allotment, POSITIVE_INT),
      boost: int('--boost', flags.boost, NON_NEGATIVE_INT),
      stay: flags.stay,
      ioBump: flags.ioBump,
      contextSwitch: int('--context-switch', flags.contextSwitch, NON_NEGATIVE_INT),
      preemptive: flags.preemptive,
      roundRobin: flags.roundRobin,
      aging: int('--aging', flags.aging, POSITIVE_INT),
    },
    SCHED_FLAG_NAMES,
  );
}
