// Xen's credit scheduler (credit1), simplified to one global run queue: credits in time units,
// BOOST / UNDER / OVER priorities, per-entity weight and cap, a fixed time slice, a tick that
// ends BOOST, and periodic accounting that hands out credit in proportion to weight.
import type { SchedEntity } from '../entity.js';
import { canRunOn } from '../entity.js';
import type { DepartReason, EnqueueReason, PutPrevReason, SchedPolicy } from '../policy.js';
import { IdLists } from '../run-queue/id-lists.js';
import { positiveInteger } from './policy-options.js';
import { queueMisuse } from './queue-misuse.js';

/** Credit priorities, best first. */
export const CREDIT_PRIORITIES = ['boost', 'under', 'over'] as const;
/** A credit priority: BOOST (just woke with credit), UNDER (credit ≥ 0), OVER (credit < 0). */
export type CreditPriority = (typeof CREDIT_PRIORITIES)[number];

const BOOST = 0;
const UNDER = 1;
const OVER = 2;

/** Options of `createCreditPolicy`; times in the caller's unit (defaults are Xen's, in µs). */
export interface CreditOptions {
  /** Number of CPUs (default 1); each accounting period hands out cpus × period of credit. */
  readonly cpus?: number;
  /** Time slice (default 30000 = 30 ms). */
  readonly timeslice?: number;
  /** Tick: a running BOOST entity drops to UNDER at the next tick (default 10000 = 10 ms). */
  readonly tick?: number;
  /** Accounting period (default 30000 = 30 ms). */
  readonly period?: number;
}

/**
 * Xen credit. Running debits credit by the time run. Every `period`, each active entity (runnable,
 * or ran during the period) receives ceil(cpus·period·w/Σw) credit, at most its cap's share
 * (cap% of one period), and credit is clipped at one period's worth so idle entities cannot
 * hoard; then priority becomes UNDER (credit ≥ 0) or OVER (< 0). An UNDER entity that wakes
 * becomes BOOST and preempts a running UNDER/OVER entity. A capped entity that has used cap% of
 * the period is parked (not picked) until the next accounting. Within a priority, FIFO order;
 * an entity whose slice ends or is preempted goes to the back of its priority.
 */
export function createCreditPolicy(options: CreditOptions = {}): CreditSchedPolicy {
  return new CreditPolicy(
    positiveInteger('cpus', options.cpus, 1),
    positiveInteger('timeslice', options.timeslice, 30000),
    positiveInteger('tick', options.tick, 10000),
    positiveInteger('period', options.period, 30000),
  );
}

/** The credit policy, with read access to an entity's priority and credit (for tests and displays). */
export interface CreditSchedPolicy extends SchedPolicy {
  /** Current priority of a known entity. */
  priorityOf(e: SchedEntity): CreditPriority;
  /** Current credit of a known entity, in time units. */
  creditOf(e: SchedEntity): number;
}

type CreditState = 'queued' | 'running' | 'parked' | 'blocked';

class CreditPolicy implements CreditSchedPolicy {
  readonly name = 'credit';
  readonly queueing = 'global';
  readonly timerWalks = 'entities';
  private readonly lists = new IdLists(3);
  private readonly ents: SchedEntity[] = [];
  private readonly credit: number[] = [];
  private readonly pri: number[] = [];
  private readonly used: number[] = [];
  private readonly sliceUsed: number[] = [];
  private readonly state = new Map<number, CreditState>();
  private readonly current: number[] = [];
  private sawCap = false;

  constructor(
    private readonly cpus: number,
    private readonly timeslice: number,
    private readonly tick: number,
    private readonly period: number,
  ) {
    for (let c = 0; c < cpus; c++) this.current.push(-1);
  }

  /** Caps can leave a CPU idle while a capped entity is runnable. */
  get workConserving(): boolean {
    return !this.sawCap;
  }

  priorityOf(e: SchedEntity): CreditPriority {
    return CREDIT_PRIORITIES[this.pri[e.id] ?? UNDER]!;
  }

  creditOf(e: SchedEntity): number {
    return this.credit[e.id] ?? 0;
  }

  enqueue(e: SchedEntity, _now: number, reason: EnqueueReason): void {
    const id = e.id;
    const st = this.state.get(id);
    if (st !== undefined && st !== 'blocked') throw queueMisuse(this.name, id, st, 'enqueue');
    if (st === undefined) {
      this.ents[id] = e;
      this.credit[id] = 0;
      this.pri[id] = UNDER;
      this.used[id] = 0;
      if (e.capPercent > 0) this.sawCap = true;
    } else if (reason === 'wakeup' && this.pri[id] === UNDER) {
      this.pri[id] = BOOST;
    }
    if (this.capExhausted(id)) {
      this.state.set(id, 'parked');
    } else {
      this.state.set(id, 'queued');
      this.lists.pushBack(this.pri[id]!, id);
    }
  }

  dequeue(e: SchedEntity): void {
    const st = this.state.get(e.id);
    if (st !== 'queued' && st !== 'parked') throw queueMisuse(this.name, e.id, st ?? 'unknown', 'dequeue');
    this.lists.remove(e.id);
    this.state.set(e.id, 'blocked');
  }

  pickNext(cpu: number): SchedEntity | undefined {
    for (let p = BOOST; p <= OVER; p++) {
      for (let id = this.lists.head(p); id >= 0; id = this.lists.after(id)) {
        if (canRunOn(this.ents[id]!, cpu)) {
          this.lists.remove(id);
          this.state.set(id, 'running');
          this.sliceUsed[id] = 0;
          this.current[cpu] = id;
          return this.ents[id];
        }
      }
    }
    return undefined;
  }

  sliceLength(e: SchedEntity): number {
    let left = this.timeslice - this.sliceUsed[e.id]!;
    if (e.capPercent > 0) left = Math.min(left, this.capBudget(e) - this.used[e.id]!);
    return Math.max(1, left);
  }

  account(e: SchedEntity, _cpu: number, ran: number): void {
    this.credit[e.id]! -= ran;
    this.used[e.id]! += ran;
    this.sliceUsed[e.id]! += ran;
  }

  shouldPreempt(cpu: number, e: SchedEntity): boolean {
    if (this.capExhausted(e.id)) return true;
    const mine = this.pri[e.id]!;
    for (let p = BOOST; p < mine; p++) {
      for (let id = this.lists.head(p); id >= 0; id = this.lists.after(id)) if (canRunOn(this.ents[id]!, cpu)) return true;
    }
    return false;
  }

  putPrev(e: SchedEntity, cpu: number, _now: number, _reason: PutPrevReason): void {
    this.current[cpu] = -1;
    if (this.capExhausted(e.id)) {
      this.state.set(e.id, 'parked');
      return;
    }
    this.state.set(e.id, 'queued');
    this.lists.pushBack(this.pri[e.id]!, e.id);
  }

  depart(e: SchedEntity, cpu: number, _now: number, reason: DepartReason): void {
    this.current[cpu] = -1;
    if (reason === 'finished') this.state.delete(e.id);
    else this.state.set(e.id, 'blocked');
  }

  nextTimer(now: number): number {
    const nextTick = (Math.floor(now / this.tick) + 1) * this.tick;
    const nextAcct = (Math.floor(now / this.period) + 1) * this.period;
    return Math.min(nextTick, nextAcct);
  }

  onTimer(now: number): void {
    if (now % this.tick === 0) {
      // csched_tick: a running entity loses BOOST once it has been charged for a tick.
      for (const id of this.current) if (id >= 0 && this.pri[id] === BOOST) this.pri[id] = UNDER;
    }
    if (now % this.period === 0) this.accounting();
  }

  levelOf(e: SchedEntity): number {
    return this.pri[e.id] ?? UNDER;
  }

  private accounting(): void {
    const active: number[] = [];
    let weights = 0;
    for (const [id, st] of this.state) {
      if (st !== 'blocked' || this.used[id]! > 0) {
        active.push(id);
        weights += this.ents[id]!.creditWeight;
      }
    }
    active.sort((a, b) => a - b);
    const total = this.cpus * this.period;
    for (const id of active) {
      const e = this.ents[id]!;
      let fair = Math.ceil((total * e.creditWeight) / weights);
      if (e.capPercent > 0) fair = Math.min(fair, this.capBudget(e));
      this.credit[id] = Math.min(this.period, this.credit[id]! + fair);
    }
    // New priorities, then a stable re-sort of the queue (Xen's runq_sort).
    const order = [...this.lists.toArray(BOOST), ...this.lists.toArray(UNDER), ...this.lists.toArray(OVER)];
    for (const [id] of this.state) {
      this.used[id] = 0;
      this.pri[id] = this.credit[id]! < 0 ? OVER : UNDER;
    }
    for (const id of order) this.lists.remove(id);
    for (const id of order) this.lists.pushBack(this.pri[id]!, id);
    for (const id of active) {
      if (this.state.get(id) === 'parked') {
        this.state.set(id, 'queued');
        this.lists.pushBack(this.pri[id]!, id);
      }
    }
  }

  private capBudget(e: SchedEntity): number {
    return Math.max(1, Math.floor((e.capPercent * this.period) / 100));
  }

  private capExhausted(id: number): boolean {
    const e = this.ents[id]!;
    return e.capPercent > 0 && this.used[id]! >= this.capBudget(e);
  }
}
