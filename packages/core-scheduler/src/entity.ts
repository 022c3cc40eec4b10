// The schedulable entity every policy works on: a task, a job, or (in core-vmm) a vCPU. It
// carries the attributes policies read; policies keep their own bookkeeping keyed by `id`.
import { ValidationError } from '@strata/shared-types';
import { niceToWeight } from './nice-weights.js';

/** A run-queue entity. Mutable fields are kept current by whoever owns the entity (the simulator). */
export interface SchedEntity {
  /** Stable id: a non-negative safe integer, unique within one policy instance. Ties break toward the lower id. */
  readonly id: number;
  /** Static priority, lower value runs first (priority policy). */
  priority: number;
  /** CFS load weight, `sched_prio_to_weight[nice + 20]` (1024 at nice 0). */
  loadWeight: number;
  /** Xen credit weight (default 256). */
  creditWeight: number;
  /** Xen credit cap in percent of one CPU (0: no cap). */
  capPercent: number;
  /** Tickets for lottery and stride (> 0). */
  tickets: number;
  /** Absolute deadline of the entity's current job (EDF); Infinity when it has none. */
  deadline: number;
  /** CPU time still needed (Infinity when unknown or always runnable); SJF and STCF order by it. */
  remaining: number;
  /** CPUs the entity may run on; undefined means any. */
  affinity: readonly number[] | undefined;
}

/** Attributes accepted by `createSchedEntity`; every field is optional. */
export interface SchedEntityParams {
  readonly priority?: number;
  /** Nice -20..19 (default 0); sets `loadWeight` from the Linux table. */
  readonly nice?: number;
  readonly creditWeight?: number;
  readonly capPercent?: number;
  readonly tickets?: number;
  readonly deadline?: number;
  readonly remaining?: number;
  readonly affinity?: readonly number[];
}

/** Default Xen credit weight. */
export const DEFAULT_CREDIT_WEIGHT = 256;
/** Default lottery/stride tickets. */
export const DEFAULT_TICKETS = 100;

/** Build an entity with defaults; throws `ValidationError` for an out-of-range attribute. */
export function createSchedEntity(id: number, params: SchedEntityParams = {}): SchedEntity {
  if (!Number.isSafeInteger(id) || id < 0) throw bad('id', id, 'a non-negative safe integer');
  const priority = params.priority ?? 0;
  if (!Number.isFinite(priority)) throw bad('priority', priority, 'a finite number');
  const loadWeight = niceToWeight(params.nice ?? 0);
  const creditWeight = params.creditWeight ?? DEFAULT_CREDIT_WEIGHT;
  if (!Number.isSafeInteger(creditWeight) || creditWeight < 1 || creditWeight > 65535) throw bad('creditWeight', creditWeight, 'an integer in 1..65535');
  const capPercent = params.capPercent ?? 0;
  if (!Number.isSafeInteger(capPercent) || capPercent < 0) throw bad('capPercent', capPercent, 'an integer ≥ 0 (0: no cap)');
  const tickets = params.tickets ?? DEFAULT_TICKETS;
  if (!Number.isSafeInteger(tickets) || tickets < 1) throw bad('tickets', tickets, 'a positive integer');
  const deadline = params.deadline ?? Infinity;
  if (Number.isNaN(deadline)) throw bad('deadline', deadline, 'a number or Infinity');
  const remaining = params.remaining ?? Infinity;
  if (!(remaining > 0)) throw bad('remaining', remaining, 'a positive number or Infinity');
  const affinity = params.affinity;
  if (affinity !== undefined && (affinity.length === 0 || affinity.some((c) => !Number.isSafeInteger(c) || c < 0))) {
    throw bad('affinity', affinity, 'a non-empty list of CPU indices ≥ 0');
  }
  return { id, priority, loadWeight, creditWeight, capPercent, tickets, deadline, remaining, affinity: affinity === undefined ? undefined : [...affinity] };
}

/** True when `e` may run on `cpu`. */
export function canRunOn(e: SchedEntity, cpu: number): boolean {
  return e.affinity === undefined || e.affinity.includes(cpu);
}

function bad(path: string, value: unknown, accepted: string): ValidationError {
  return new ValidationError(`invalid entity ${path} ${JSON.stringify(value)}: expected ${accepted}`, { path, value, accepted });
}
