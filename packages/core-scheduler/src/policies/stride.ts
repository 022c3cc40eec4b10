// Stride scheduling (Waldspurger): each entity advances a pass value by stride = big/tickets
// per quantum of CPU it uses; the lowest pass runs next (ties to the lower id). Deterministic
// proportional share, the counterpart of lottery.
import type { SchedEntity } from '../entity.js';
import { canRunOn } from '../entity.js';
import type { AloneRun, EnqueueReason, PutPrevReason, SchedPolicy } from '../policy.js';
import { NOT_ALONE, sumsExactly, wholeSlicesWithin } from './alone-run.js';
import { IndexedHeap } from '../run-queue/indexed-heap.js';
import { positiveInteger } from './policy-options.js';
import { QuantumBudget } from './quantum-budget.js';
import { queueMisuse } from './queue-misuse.js';

/** Options of `createStridePolicy`. */
export interface StrideOptions {
  /** Time slice (default 1). */
  readonly quantum?: number;
  /** The large constant divided by tickets (default 10000, as in OSTEP's example). */
  readonly big?: number;
  /** Number of CPUs (default 1). */
  readonly cpus?: number;
}

/**
 * Stride: pass += (big / tickets) · ran / quantum. A newcomer starts at the global pass (the
 * lowest pass among runnable entities), and a waking entity at no less than it, so that sleeping
 * earns no credit and nobody monopolizes the CPU.
 */
export function createStridePolicy(options: StrideOptions = {}): SchedPolicy {
  return new StridePolicy(positiveInteger('quantum', options.quantum, 1), positiveInteger('big', options.big, 10000), positiveInteger('cpus', options.cpus, 1));
}

class StridePolicy implements SchedPolicy {
  readonly name = 'stride';
  readonly queueing = 'global';
  readonly workConserving = true;
  private readonly pass: number[] = [];
  private readonly heap = new IndexedHeap(this.pass);
  private readonly ents: SchedEntity[] = [];
  private readonly slices: QuantumBudget;
  private readonly current: number[] = [];
  private globalPass = 0;

  constructor(
    quantum: number,
    private readonly big: number,
    cpus: number,
  ) {
    this.slices = new QuantumBudget(quantum);
    for (let c = 0; c < cpus; c++) this.current.push(-1);
  }

  enqueue(e: SchedEntity, _now: number, reason: EnqueueReason): void {
    const id = e.id;
    if (this.heap.has(id)) throw queueMisuse(this.name, id, 'queued', 'enqueue');
    const g = this.currentGlobalPass();
    const known = this.ents[id] !== undefined;
    this.ents[id] = e;
    this.pass[id] = reason === 'arrival' || !known ? g : Math.max(this.pass[id]!, g);
    this.slices.refill(id);
    this.heap.push(id);
  }

  dequeue(e: SchedEntity): void {
    if (!this.heap.remove(e.id)) throw queueMisuse(this.name, e.id, 'not queued', 'dequeue');
  }

  pickNext(cpu: number): SchedEntity | undefined {
    const id = this.heap.popBest((i) => canRunOn(this.ents[i]!, cpu));
    if (id < 0) return undefined;
    if (cpu < this.current.length) this.current[cpu] = id;
    return this.ents[id];
  }

  sliceLength(e: SchedEntity): number {
    return this.slices.remaining(e.id);
  }

  account(e: SchedEntity, _cpu: number, ran: number): void {
    this.slices.spend(e.id, ran);
    this.pass[e.id]! += ((this.big / e.tickets) * ran) / this.slices.quantum;
  }

  runAlone(e: SchedEntity, _cpu: number, _now: number, window: number): AloneRun {
    // Each round: the pass grows by the entity's stride, the quantum is refilled and the entity,
    // the only one in the heap, is popped again. The pass is a float sum: skip only when exact.
    const id = e.id;
    const quantum = this.slices.quantum;
    const first = this.slices.remaining(id);
    const run = wholeSlicesWithin(first, quantum, window);
    if (run.slices === 0) return run;
    const firstStep = ((this.big / e.tickets) * first) / quantum;
    const step = ((this.big / e.tickets) * quantum) / quantum;
    const pass = this.pass[id]!;
    if (!sumsExactly(pass, firstStep, 1) || !sumsExactly(pass + firstStep, step, run.slices - 1)) return NOT_ALONE;
    this.pass[id] = pass + firstStep + (run.slices - 1) * step;
    this.slices.refill(id);
    return run;
  }

  shouldPreempt(): boolean {
    return false;
  }

  putPrev(e: SchedEntity, cpu: number, _now: number, _reason: PutPrevReason): void {
    if (cpu < this.current.length) this.current[cpu] = -1;
    this.slices.refillIfSpent(e.id);
    this.heap.push(e.id);
  }

  depart(_e: SchedEntity, cpu: number): void {
    if (cpu < this.current.length) this.current[cpu] = -1;
  }

  nextTimer(): number {
    return Infinity;
  }

  onTimer(): void {}

  /** The lowest pass among runnable entities; it never moves backwards. */
  private currentGlobalPass(): number {
    let g = Infinity;
    if (this.heap.size > 0) g = this.pass[this.heap.peek()]!;
    for (const id of this.current) if (id >= 0) g = Math.min(g, this.pass[id]!);
    if (g !== Infinity && g > this.globalPass) this.globalPass = g;
    return this.globalPass;
  }
}
