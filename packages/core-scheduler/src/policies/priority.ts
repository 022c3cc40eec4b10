// Static-priority scheduling (lower value runs first): preemptive or not, optionally
// round-robin among equals, optionally aging waiting entities against starvation.
import type { SchedEntity } from '../entity.js';
import { canRunOn } from '../entity.js';
import type { AloneRun, EnqueueReason, PutPrevReason, SchedPolicy } from '../policy.js';
import { wholeSlicesWithin } from './alone-run.js';
import { IndexedHeap } from '../run-queue/indexed-heap.js';
import { invalidValue } from '../value-checks.js';
import { positiveInteger, positiveNumber } from './policy-options.js';
import { QuantumBudget } from './quantum-budget.js';
import { queueMisuse } from './queue-misuse.js';

/** Aging: every `interval`, each waiting entity's effective priority improves by `step`, not past `limit`. */
export interface PriorityAging {
  /** Period of the aging timer (positive integer time units). */
  readonly interval: number;
  /** Improvement per period (default 1). */
  readonly step?: number;
  /** Aging never lowers an effective priority below this value (default 0). */
  readonly limit?: number;
}

/** Options of `createPriorityPolicy`. */
export interface PriorityOptions {
  /** An arrival or wake-up with a strictly better priority preempts the running entity (default false). */
  readonly preemptive?: boolean;
  /** Time-slice entities of equal priority round-robin with this quantum (default: none, run to completion). */
  readonly quantum?: number;
  /** Aging against starvation (default: none). */
  readonly aging?: PriorityAging;
}

/**
 * Priority scheduling over `SchedEntity.priority`. Equal priorities run in FIFO order (ties by
 * enqueue order, so by id when all arrive together); an entity whose quantum expires goes behind
 * its equals, a preempted one keeps its place. With aging, an entity's effective priority is
 * reset to its base priority each time it is picked.
 */
export function createPriorityPolicy(options: PriorityOptions = {}): SchedPolicy {
  const quantum = options.quantum === undefined ? Infinity : positiveInteger('quantum', options.quantum, 1);
  let aging: Required<PriorityAging> | undefined;
  if (options.aging !== undefined) {
    const step = positiveNumber('aging.step', options.aging.step, 1);
    const limit = options.aging.limit ?? 0;
    if (!Number.isFinite(limit)) throw invalidValue('aging.limit', limit, 'a finite number');
    aging = { interval: positiveInteger('aging.interval', options.aging.interval, 1), step, limit };
  }
  return new PriorityPolicy(options.preemptive ?? false, quantum, aging);
}

class PriorityPolicy implements SchedPolicy {
  readonly name = 'priority';
  readonly queueing = 'global';
  readonly workConserving = true;
  readonly timerWalks = 'entities';
  private readonly effective: number[] = [];
  private readonly seq: number[] = [];
  private readonly heap = new IndexedHeap(this.effective, this.seq);
  private readonly ents: SchedEntity[] = [];
  private readonly slices: QuantumBudget;
  private nextSeq = 0;

  constructor(
    private readonly preemptive: boolean,
    quantum: number,
    private readonly aging: Required<PriorityAging> | undefined,
  ) {
    this.slices = new QuantumBudget(quantum);
  }

  enqueue(e: SchedEntity, _now: number, _reason: EnqueueReason): void {
    this.ents[e.id] = e;
    this.effective[e.id] = e.priority;
    this.seq[e.id] = this.nextSeq++;
    this.slices.refill(e.id);
    this.heap.push(e.id);
  }

  dequeue(e: SchedEntity): void {
    if (!this.heap.remove(e.id)) throw queueMisuse(this.name, e.id, 'not queued', 'dequeue');
  }

  pickNext(cpu: number): SchedEntity | undefined {
    const id = this.heap.popBest((i) => canRunOn(this.ents[i]!, cpu));
    if (id < 0) return undefined;
    const e = this.ents[id]!;
    this.effective[id] = e.priority;
    return e;
  }

  sliceLength(e: SchedEntity): number {
    return this.slices.remaining(e.id);
  }

  account(e: SchedEntity, _cpu: number, ran: number): void {
    this.slices.spend(e.id, ran);
  }

  shouldPreempt(cpu: number, e: SchedEntity): boolean {
    if (!this.preemptive || this.heap.size === 0) return false;
    const top = this.heap.peek();
    return canRunOn(this.ents[top]!, cpu) && this.effective[top]! < this.effective[e.id]!;
  }

  putPrev(e: SchedEntity, _cpu: number, _now: number, reason: PutPrevReason): void {
    if (reason === 'expired' || this.slices.isSpent(e.id)) {
      this.slices.refill(e.id);
      this.seq[e.id] = this.nextSeq++; // behind its equals
    }
    this.heap.push(e.id);
  }

  depart(): void {}

  runAlone(e: SchedEntity, _cpu: number, _now: number, window: number): AloneRun {
    // Each round: the quantum runs out, the entity goes behind its (absent) equals and is taken again.
    const run = wholeSlicesWithin(this.slices.remaining(e.id), this.slices.quantum, window);
    if (run.slices > 0) {
      this.slices.refill(e.id);
      this.nextSeq += run.slices;
      this.seq[e.id] = this.nextSeq - 1;
      this.effective[e.id] = e.priority;
    }
    return run;
  }

  nextTimer(now: number): number {
    if (this.aging === undefined) return Infinity;
    const i = this.aging.interval;
    return (Math.floor(now / i) + 1) * i;
  }

  onTimer(): void {
    const aging = this.aging;
    if (aging === undefined) return;
    const n = this.heap.size;
    const waiting: number[] = [];
    for (let k = 0; k < n; k++) waiting.push(this.heap.at(k));
    for (const id of waiting) {
      const p = this.effective[id]!;
      if (p > aging.limit) {
        this.effective[id] = Math.max(aging.limit, p - aging.step);
        this.heap.update(id);
      }
    }
  }
}
