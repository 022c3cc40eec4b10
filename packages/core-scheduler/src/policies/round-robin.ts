// Round-robin: one global FIFO queue and a fixed quantum. A job whose remaining time is at most
// the quantum finishes inside its slice and frees the CPU at once (OSTEP scheduler.py's RR); a
// job whose slice runs out goes to the back, after anything re-queued or arriving at that instant.
import type { SchedEntity } from '../entity.js';
import type { AloneRun, EnqueueReason, PutPrevReason, SchedPolicy } from '../policy.js';
import { wholeSlicesWithin } from './alone-run.js';
import { IdDeque } from '../run-queue/id-deque.js';
import { takeFirstAllowed } from './fifo.js';
import { positiveInteger } from './policy-options.js';
import { QuantumBudget } from './quantum-budget.js';
import { queueMisuse } from './queue-misuse.js';

/** Options of `createRoundRobinPolicy`. */
export interface RoundRobinOptions {
  /** Time slice, a positive integer (default 1, as in scheduler.py). */
  readonly quantum?: number;
}

/** Round-robin with a fixed quantum. An entity that blocks gets a fresh quantum when it returns. */
export function createRoundRobinPolicy(options: RoundRobinOptions = {}): SchedPolicy {
  return new RoundRobinPolicy(positiveInteger('quantum', options.quantum, 1));
}

class RoundRobinPolicy implements SchedPolicy {
  readonly name = 'rr';
  readonly queueing = 'global';
  readonly workConserving = true;
  private readonly queue = new IdDeque();
  private readonly ents: SchedEntity[] = [];
  private readonly slices: QuantumBudget;

  constructor(quantum: number) {
    this.slices = new QuantumBudget(quantum);
  }

  enqueue(e: SchedEntity, _now: number, _reason: EnqueueReason): void {
    this.ents[e.id] = e;
    this.slices.refill(e.id);
    this.queue.pushBack(e.id);
  }

  dequeue(e: SchedEntity): void {
    if (!this.queue.remove(e.id)) throw queueMisuse(this.name, e.id, 'not queued', 'dequeue');
  }

  pickNext(cpu: number): SchedEntity | undefined {
    return takeFirstAllowed(this.queue, this.ents, cpu);
  }

  sliceLength(e: SchedEntity): number {
    return this.slices.remaining(e.id);
  }

  account(e: SchedEntity, _cpu: number, ran: number): void {
    this.slices.spend(e.id, ran);
  }

  shouldPreempt(): boolean {
    return false;
  }

  putPrev(e: SchedEntity, _cpu: number, _now: number, reason: PutPrevReason): void {
    if (reason === 'expired' || this.slices.isSpent(e.id)) {
      this.slices.refill(e.id);
      this.queue.pushBack(e.id);
    } else {
      // Stopped from outside mid-slice: it keeps its place and the rest of its quantum.
      this.queue.pushFront(e.id);
    }
  }

  depart(): void {}

  nextTimer(): number {
    return Infinity;
  }

  onTimer(): void {}

  runAlone(e: SchedEntity, _cpu: number, _now: number, window: number): AloneRun {
    // Each round: the quantum runs out, the entity is requeued with a fresh one and taken again.
    const run = wholeSlicesWithin(this.slices.remaining(e.id), this.slices.quantum, window);
    if (run.slices > 0) this.slices.refill(e.id);
    return run;
  }
}
