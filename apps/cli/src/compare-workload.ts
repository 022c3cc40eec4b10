// The workload file of `strata compare`: one job list run under several policies. Validated
// field by field; errors name the JSON path (`policies[2].quantum: ...`).

import type { ExerciseInput, ExerciseJob } from '@strata/core-scheduler';
import { ValidationError } from '@strata/shared-types';
import { buildExerciseInput, parsePolicy, usesQuantum } from './exercise-input.js';
import type { ExerciseSettings } from './exercise-input.js';
import { MAX_JOBS, parseJobList } from './job-list.js';
import { ANY_INT, CPU_COUNT, MAX_LEVELS, CREDIT_WEIGHT, LEVEL_COUNT, NICE_INT, NON_NEGATIVE_INT, POSITIVE_INT, TICKETS, checkInteger, invalid, showValue } from './parse-numbers.js';
import type { IntegerRule } from './parse-numbers.js';

/** One job of the workload as written in the file (`name` is a label for people). */
export interface WorkloadJob extends ExerciseJob {
  readonly name?: string;
}

/** A validated workload: the jobs and one exercise input per listed policy. */
export interface CompareWorkload {
  readonly name?: string;
  readonly description?: string;
  readonly cpus: number;
  readonly ioTime: number;
  readonly seed?: number;
  readonly contextSwitch?: number;
  readonly jobs: readonly WorkloadJob[];
  readonly runs: readonly { readonly label: string; readonly input: ExerciseInput }[];
}

const TOP_KEYS = ['name', 'description', 'cpus', 'ioTime', 'seed', 'contextSwitch', 'jobs', 'policies'] as const;
const JOB_KEYS = ['name', 'arrival', 'length', 'ioFreq', 'priority', 'nice', 'weight', 'tickets', 'deadline'] as const;
const POLICY_KEYS = [
  'policy',
  'label',
  'quantum',
  'queues',
  'quanta',
  'allotments',
  'allotment',
  'boost',
  'stay',
  'ioBump',
  'preemptive',
  'roundRobin',
  'aging',
  'seed',
  'ioTime',
  'contextSwitch',
] as const;

const JOB_RULES: Readonly<Record<Exclude<(typeof JOB_KEYS)[number], 'name'>, IntegerRule>> = {
  arrival: NON_NEGATIVE_INT,
  length: POSITIVE_INT,
  ioFreq: NON_NEGATIVE_INT,
  priority: ANY_INT,
  nice: NICE_INT,
  weight: CREDIT_WEIGHT,
  tickets: TICKETS,
  deadline: NON_NEGATIVE_INT,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(path: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(`${path === '' ? '' : `${path}.`}${key}: unknown field; accepted fields: ${allowed.join(', ')}`, { path: `${path}.${key}` });
    }
  }
}

function optionalString(path: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(path, 'a string', value);
  return value;
}

function optionalInt(path: string, value: unknown, rule: IntegerRule): number | undefined {
  return value === undefined ? undefined : checkInteger(path, value, rule);
}

function optionalBool(path: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid(path, 'true or false', value);
  return value;
}

function optionalIntList(path: string, value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LEVELS) throw invalid(path, `a list of 1 to ${MAX_LEVELS} positive integers`, value);
  return value.map((v, i) => checkInteger(`${path}[${i}]`, v, POSITIVE_INT));
}

function parseJobs(value: unknown): WorkloadJob[] {
  if (typeof value === 'string') return [...parseJobList('jobs', value, { decimals: false }).jobs];
  if (Array.isArray(value) && value.length > MAX_JOBS) throw invalid('jobs', `at most ${MAX_JOBS} jobs`, `${value.length} jobs`);
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid('jobs', 'a non-empty list of jobs like {"arrival": 0, "length": 180, "ioFreq": 0}, or a string like "0,180,0:100,20,0"', value);
  }
  return value.map((raw, i): WorkloadJob => {
    const path = `jobs[${i}]`;
    if (!isRecord(raw)) throw invalid(path, 'an object like {"arrival": 0, "length": 180, "ioFreq": 0}', raw);
    checkKeys(path, raw, JOB_KEYS);
    if (raw['length'] === undefined) throw invalid(`${path}.length`, 'a positive integer (CPU ticks the job needs)', undefined);
    const job: Record<string, unknown> = {};
    const name = optionalString(`${path}.name`, raw['name']);
    if (name !== undefined) job['name'] = name;
    for (const [key, rule] of Object.entries(JOB_RULES)) {
      const v = optionalInt(`${path}.${key}`, raw[key], rule);
      if (v !== undefined) job[key] = v;
    }
    return job as unknown as WorkloadJob;
  });
}

/** A short label for a run, e.g. `rr q=10`, `mlfq 3x10 B=100`, `lottery seed=2`. */
export function defaultRunLabel(input: ExerciseInput): string {
  const parts: string[] = [input.policy];
  if (input.policy === 'mlfq' && input.mlfq !== undefined) {
    const quanta = input.mlfq.quanta ?? [];
    const same = quanta.every((q) => q === quanta[0]);
    parts.push(same ? `${quanta.length}x${quanta[0] ?? ''}` : `q=${quanta.join(',')}`);
    if (input.mlfq.boost) parts.push(`B=${input.mlfq.boost}`);
    if (input.mlfq.stay) parts.push('S');
    if (input.mlfq.ioBump) parts.push('I');
  } else if (input.quantum !== undefined && usesQuantum(input)) {
    parts.push(`q=${input.quantum}`);
  }
  if (input.priorityOptions?.preemptive) parts.push('preemptive');
  if (input.priorityOptions?.agingInterval !== undefined) parts.push(`aging=${input.priorityOptions.agingInterval}`);
  if (input.contextSwitch) parts.push(`cs=${input.contextSwitch}`);
  return parts.join(' ');
}

/** Validate a parsed workload document. Errors are ValidationErrors naming the JSON path. */
export function parseCompareWorkload(doc: unknown): CompareWorkload {
  if (!isRecord(doc)) throw invalid('(top level)', 'an object with "jobs" and "policies"', doc);
  checkKeys('', doc, TOP_KEYS);
  const name = optionalString('name', doc['name']);
  const description = optionalString('description', doc['description']);
  const cpus = optionalInt('cpus', doc['cpus'], CPU_COUNT) ?? 1;
  const ioTime = optionalInt('ioTime', doc['ioTime'], NON_NEGATIVE_INT) ?? 5;
  const seed = optionalInt('seed', doc['seed'], NON_NEGATIVE_INT);
  const contextSwitch = optionalInt('contextSwitch', doc['contextSwitch'], NON_NEGATIVE_INT);
  if (doc['jobs'] === undefined) throw invalid('jobs', 'a non-empty list of jobs', undefined);
  const jobs = parseJobs(doc['jobs']);
  const exerciseJobs = jobs.map(({ name: _name, ...job }) => job);

  const policies = doc['policies'];
  if (!Array.isArray(policies) || policies.length === 0) {
    throw invalid('policies', 'a non-empty list of policy names or objects like {"policy": "rr", "quantum": 10}', policies);
  }
  const labels = new Map<string, number>();
  const runs = policies.map((raw, i) => {
    const path = `policies[${i}]`;
    const entry: Record<string, unknown> = typeof raw === 'string' ? { policy: raw } : isRecord(raw) ? raw : {};
    if (!isRecord(raw) && typeof raw !== 'string') throw invalid(path, 'a policy name or an object like {"policy": "rr", "quantum": 10}', raw);
    checkKeys(path, entry, POLICY_KEYS);
    if (entry['policy'] === undefined) throw invalid(`${path}.policy`, 'a policy name', undefined);
    const policy = parsePolicy(`${path}.policy`, entry['policy']);
    const entrySeed = optionalInt(`${path}.seed`, entry['seed'], NON_NEGATIVE_INT) ?? seed;
    const entrySwitch = optionalInt(`${path}.contextSwitch`, entry['contextSwitch'], NON_NEGATIVE_INT) ?? contextSwitch;
    const settings: ExerciseSettings = {
      policy,
      jobs: exerciseJobs,
      cpus,
      ioTime: optionalInt(`${path}.ioTime`, entry['ioTime'], NON_NEGATIVE_INT) ?? ioTime,
      quantum: optionalInt(`${path}.quantum`, entry['quantum'], POSITIVE_INT),
      queues: optionalInt(`${path}.queues`, entry['queues'], LEVEL_COUNT),
      quanta: optionalIntList(`${path}.quanta`, entry['quanta']),
      allotments: optionalIntList(`${path}.allotments`, entry['allotments']),
      allotment: optionalInt(`${path}.allotment`, entry['allotment'], POSITIVE_INT),
      boost: optionalInt(`${path}.boost`, entry['boost'], NON_NEGATIVE_INT),
      stay: optionalBool(`${path}.stay`, entry['stay']),
      ioBump: optionalBool(`${path}.ioBump`, entry['ioBump']),
      preemptive: optionalBool(`${path}.preemptive`, entry['preemptive']),
      roundRobin: optionalBool(`${path}.roundRobin`, entry['roundRobin']),
      aging: optionalInt(`${path}.aging`, entry['aging'], POSITIVE_INT),
      ...(entrySeed === undefined ? {} : { seed: entrySeed }),
      ...(entrySwitch === undefined ? {} : { contextSwitch: entrySwitch }),
    };
    const names = Object.fromEntries(POLICY_KEYS.map((key) => [key, `${path}.${key}`])) as Record<(typeof POLICY_KEYS)[number], string>;
    const input = buildExerciseInput(settings, names);
    const label = optionalString(`${path}.label`, entry['label']) ?? defaultRunLabel(input);
    const previous = labels.get(label);
    if (previous !== undefined) {
      throw new ValidationError(`${path}.label: ${showValue(label)} is already used by policies[${previous}]; give each entry a distinct "label"`, { path: `${path}.label` });
    }
    labels.set(label, i);
    return { label, input };
  });

  return {
    ...(name === undefined ? {} : { name }),
    ...(description === undefined ? {} : { description }),
    cpus,
    ioTime,
    ...(seed === undefined ? {} : { seed }),
    ...(contextSwitch === undefined ? {} : { contextSwitch }),
    jobs,
    runs,
  };
}
