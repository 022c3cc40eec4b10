// What the exact simulator runs: tasks with an arrival and a CPU demand given as one length
// with periodic I/O (OSTEP's form), as explicit bursts and waits, or as a periodic task. This
// module validates a task list and turns it into the flat form the simulator loops over.
import { ValidationError } from '@strata/shared-types';
import type { SchedEntity, SchedEntityParams } from '../entity.js';
import { createSchedEntity } from '../entity.js';
import { invalidValue, isList } from '../value-checks.js';

/**
 * A task of the exact simulator: its arrival and CPU demand, and the entity attributes the
 * policies read (`remaining` comes from the demand). Times are in the simulator's integer time unit.
 */
export interface TaskSpec extends Omit<SchedEntityParams, 'remaining'> {
  /** Arrival time, an integer ≥ 0 (default 0). */
  readonly arrival?: number;
  /**
   * Total CPU demand (> 0; Infinity: always runnable, needs `until`). A non-integer length is
   * accepted for a task without I/O (OSTEP scheduler.py accepts float lengths).
   */
  readonly length?: number;
  /** With `length`: block for `ioTime` after every `ioFreq` units of CPU, except at completion (0: never). */
  readonly ioFreq?: number;
  /** With `length` and `ioFreq`: duration of each I/O, an integer ≥ 0 (default 0). */
  readonly ioTime?: number;
  /** Explicit CPU bursts (positive integers), instead of `length`. */
  readonly bursts?: readonly number[];
  /** With `bursts`: waits[i] (integer ≥ 0) follows bursts[i]; one fewer than bursts. Default: no waits. */
  readonly waits?: readonly number[];
  /** With `bursts`: a periodic task, burst k released at arrival + k·period (instead of `waits`). */
  readonly period?: number;
  /** Periodic task: each release's deadline is release + relativeDeadline (default `period`). */
  readonly relativeDeadline?: number;
  /** Absolute deadline of a non-periodic task (EDF; default none). */
  readonly deadline?: number;
}

/** Demand form: one `length`, with I/O every `ioFreq` units. */
export const DEMAND_LENGTH = 0;
/** Demand form: explicit `bursts` separated by `waits`. */
export const DEMAND_BURSTS = 1;
/** Demand form: `bursts` released every `period`. */
export const DEMAND_PERIODIC = 2;

/** The validated, flattened form of one task. */
export interface NormalizedTask {
  readonly arrival: number;
  readonly total: number;
  readonly form: typeof DEMAND_LENGTH | typeof DEMAND_BURSTS | typeof DEMAND_PERIODIC;
  readonly ioFreq: number;
  readonly ioTime: number;
  readonly bursts: readonly number[];
  readonly waits: readonly number[];
  readonly period: number;
  readonly relativeDeadline: number;
  readonly entity: SchedEntity;
}

/** Validate `tasks` (throws ValidationError naming `tasks[i].field`) and build one entity per task, id = index. */
export function normalizeTasks(tasks: readonly TaskSpec[], cpus: number): NormalizedTask[] {
  if (!isList(tasks)) throw invalidValue('tasks', tasks, 'an array of task specs');
  return tasks.map((t, i) => normalizeTask(t, i, cpus));
}

function normalizeTask(t: TaskSpec, i: number, cpus: number): NormalizedTask {
  const at = (f: string): string => `tasks[${i}].${f}`;
  const arrival = t.arrival ?? 0;
  if (!Number.isSafeInteger(arrival) || arrival < 0) throw invalidValue(at('arrival'), arrival, 'an integer ≥ 0');
  let form: NormalizedTask['form'] = DEMAND_LENGTH;
  let total: number;
  let ioFreq = 0;
  let ioTime = 0;
  let bursts: readonly number[] = [];
  let waits: readonly number[] = [];
  let period = 0;
  let relativeDeadline = Infinity;
  if (t.bursts !== undefined) {
    if (t.length !== undefined || t.ioFreq !== undefined) throw invalidValue(at('bursts'), t.bursts, 'either bursts or length/ioFreq, not both');
    if (!isList(t.bursts) || t.bursts.length === 0) throw invalidValue(at('bursts'), t.bursts, 'a non-empty list of positive integers');
    t.bursts.forEach((b, k) => {
      if (!Number.isSafeInteger(b) || b < 1) throw invalidValue(at(`bursts[${k}]`), b, 'a positive integer');
    });
    bursts = [...t.bursts];
    total = bursts.reduce((a, b) => a + b, 0);
    if (t.period !== undefined) {
      if (t.waits !== undefined) throw invalidValue(at('waits'), t.waits, 'no waits for a periodic task (releases come every period)');
      if (!Number.isSafeInteger(t.period) || t.period < 1) throw invalidValue(at('period'), t.period, 'a positive integer');
      period = t.period;
      relativeDeadline = t.relativeDeadline ?? period;
      if (!Number.isSafeInteger(relativeDeadline) || relativeDeadline < 1) throw invalidValue(at('relativeDeadline'), relativeDeadline, 'a positive integer');
      form = DEMAND_PERIODIC;
    } else {
      waits = t.waits ?? bursts.slice(1).map(() => 0);
      if (!isList(waits) || waits.length !== bursts.length - 1) throw invalidValue(at('waits'), t.waits, `a list of ${bursts.length - 1} integers ≥ 0 (one between each pair of bursts)`);
      waits.forEach((w, k) => {
        if (!Number.isSafeInteger(w) || w < 0) throw invalidValue(at(`waits[${k}]`), w, 'an integer ≥ 0');
      });
      waits = [...waits];
      form = DEMAND_BURSTS;
    }
  } else {
    if (t.waits !== undefined || t.period !== undefined) throw invalidValue(at('bursts'), undefined, 'bursts when waits or period is given');
    total = t.length ?? NaN;
    if (!(total > 0) || Number.isNaN(total)) throw invalidValue(at('length'), t.length, 'a number > 0 (or Infinity)');
    ioFreq = t.ioFreq ?? 0;
    if (!Number.isSafeInteger(ioFreq) || ioFreq < 0) throw invalidValue(at('ioFreq'), ioFreq, 'an integer ≥ 0');
    ioTime = t.ioTime ?? 0;
    if (!Number.isSafeInteger(ioTime) || ioTime < 0) throw invalidValue(at('ioTime'), ioTime, 'an integer ≥ 0');
    if (total !== Infinity && !Number.isInteger(total) && ioFreq > 0) throw invalidValue(at('length'), total, 'an integer when ioFreq > 0');
  }
  if (t.affinity !== undefined && t.affinity.some((c) => c >= cpus)) throw invalidValue(at('affinity'), t.affinity, `CPU indices in 0..${cpus - 1}`);
  let entity: SchedEntity;
  try {
    entity = createSchedEntity(i, {
      priority: t.priority,
      nice: t.nice,
      creditWeight: t.creditWeight,
      capPercent: t.capPercent,
      tickets: t.tickets,
      deadline: t.deadline,
      remaining: total,
      affinity: t.affinity,
    });
  } catch (err) {
    if (err instanceof ValidationError) {
      const inner = err.details.path;
      const path = at(typeof inner === 'string' ? inner : 'entity');
      throw new ValidationError(`invalid ${path}: ${err.message}`, { ...err.details, path }, { cause: err });
    }
    throw err;
  }
  return { arrival, total, form, ioFreq, ioTime, bursts, waits, period, relativeDeadline, entity };
}
