// Earliest deadline first: one global queue ordered by the absolute deadline of each entity's
// current job (ties to the lower id); by default an arrival with an earlier deadline preempts.
import type { SchedEntity } from '../entity.js';
import { canRunOn } from '../entity.js';
import type { EnqueueReason, PutPrevReason, SchedPolicy } from '../policy.js';
import { IndexedHeap } from '../run-queue/indexed-heap.js';
import { queueMisuse } from './queue-misuse.js';

/** Options of `createEdfPolicy`. */
export interface EdfOptions {
  /** An arrival or wake-up with a strictly earlier deadline preempts (default true). */
  readonly preemptive?: boolean;
}

/** EDF over `SchedEntity.deadline` (read when the entity is enqueued); entities without a deadline run last. */
export function createEdfPolicy(options: EdfOptions = {}): SchedPolicy {
  return new EdfPolicy(options.preemptive ?? true);
}

class EdfPolicy implements SchedPolicy {
  readonly name = 'edf';
  readonly queueing = 'global';
  readonly workConserving = true;
  private readonly deadline: number[] = [];
  private readonly heap = new IndexedHeap(this.deadline);
  private readonly ents: SchedEntity[] = [];

  constructor(private readonly preemptive: boolean) {}

  enqueue(e: SchedEntity, _now: number, _reason: EnqueueReason): void {
    if (this.heap.has(e.id)) throw queueMisuse(this.name, e.id, 'queued', 'enqueue');
    this.insert(e);
  }

  dequeue(e: SchedEntity): void {
    if (!this.heap.remove(e.id)) throw queueMisuse(this.name, e.id, 'not queued', 'dequeue');
  }

  pickNext(cpu: number): SchedEntity | undefined {
    const id = this.heap.popBest((i) => canRunOn(this.ents[i]!, cpu));
    return id < 0 ? undefined : this.ents[id];
  }

  sliceLength(): number {
    return Infinity;
  }

  account(): void {}

  shouldPreempt(cpu: number, e: SchedEntity): boolean {
    if (!this.preemptive || this.heap.size === 0) return false;
    const top = this.heap.peek();
    return canRunOn(this.ents[top]!, cpu) && this.deadline[top]! < e.deadline;
  }

  putPrev(e: SchedEntity, _cpu: number, _now: number, _reason: PutPrevReason): void {
    this.insert(e);
  }

  depart(): void {}

  nextTimer(): number {
    return Infinity;
  }

  onTimer(): void {}

  private insert(e: SchedEntity): void {
    this.ents[e.id] = e;
    this.deadline[e.id] = e.deadline;
    this.heap.push(e.id);
  }
}
