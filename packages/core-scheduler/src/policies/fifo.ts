// FIFO (first come, first served): one global queue in enqueue order, each entity runs until it
// blocks or finishes. With every job arriving at 0 this is OSTEP scheduler.py's FIFO.
import type { SchedEntity } from '../entity.js';
import { canRunOn } from '../entity.js';
import type { EnqueueReason, PutPrevReason, SchedPolicy } from '../policy.js';
import { IdDeque } from '../run-queue/id-deque.js';
import { queueMisuse } from './queue-misuse.js';

/** First come, first served, non-preemptive; a waking entity joins the back. */
export function createFifoPolicy(): SchedPolicy {
  return new FifoPolicy();
}

class FifoPolicy implements SchedPolicy {
  readonly name = 'fifo';
  readonly queueing = 'global';
  readonly workConserving = true;
  private readonly queue = new IdDeque();
  private readonly ents: SchedEntity[] = [];

  enqueue(e: SchedEntity, _now: number, _reason: EnqueueReason): void {
    this.ents[e.id] = e;
    this.queue.pushBack(e.id);
  }

  dequeue(e: SchedEntity): void {
    if (!this.queue.remove(e.id)) throw queueMisuse(this.name, e.id, 'not queued', 'dequeue');
  }

  pickNext(cpu: number): SchedEntity | undefined {
    return takeFirstAllowed(this.queue, this.ents, cpu);
  }

  sliceLength(): number {
    return Infinity;
  }

  account(): void {}

  shouldPreempt(): boolean {
    return false;
  }

  putPrev(e: SchedEntity, _cpu: number, _now: number, _reason: PutPrevReason): void {
    // Only an outside caller can stop a FIFO entity early; it keeps its turn.
    this.queue.pushFront(e.id);
  }

  depart(): void {}

  nextTimer(): number {
    return Infinity;
  }

  onTimer(): void {}
}

/** Remove and return the first entity of `queue` allowed on `cpu`. */
export function takeFirstAllowed(queue: IdDeque, ents: readonly SchedEntity[], cpu: number): SchedEntity | undefined {
  const n = queue.size;
  for (let i = 0; i < n; i++) {
    const e = ents[queue.at(i)]!;
    if (canRunOn(e, cpu)) {
      if (i === 0) queue.popFront();
      else queue.removeAt(i);
      return e;
    }
  }
  return undefined;
}
