// Shortest-job-first (non-preemptive) and shortest-time-to-completion-first (preemptive): one
// global queue ordered by remaining CPU demand, ties to the lower id (OSTEP's stable sort).
import type { SchedEntity } from '../entity.js';
import { canRunOn } from '../entity.js';
import type { EnqueueReason, PutPrevReason, SchedPolicy } from '../policy.js';
import { IndexedHeap } from '../run-queue/indexed-heap.js';
import { queueMisuse } from './queue-misuse.js';

/** SJF: run the queued entity with the least `remaining` to completion; never preempts. */
export function createSjfPolicy(): SchedPolicy {
  return new ShortestFirstPolicy('sjf', false);
}

/**
 * STCF: like SJF, but an arrival or wake-up whose `remaining` is strictly less than the running
 * entity's remaining time preempts it.
 */
export function createStcfPolicy(): SchedPolicy {
  return new ShortestFirstPolicy('stcf', true);
}

class ShortestFirstPolicy implements SchedPolicy {
  readonly queueing = 'global';
  readonly workConserving = true;
  private readonly key: number[] = [];
  private readonly heap = new IndexedHeap(this.key);
  private readonly ents: SchedEntity[] = [];

  constructor(
    readonly name: 'sjf' | 'stcf',
    private readonly preemptive: boolean,
  ) {}

  enqueue(e: SchedEntity, _now: number, _reason: EnqueueReason): void {
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
    const top = this.ents[this.heap.peek()]!;
    // Strictly shorter only: on a tie the running entity keeps the CPU.
    return canRunOn(top, cpu) ? this.key[top.id]! < e.remaining : false;
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
    this.key[e.id] = e.remaining;
    this.heap.push(e.id);
  }
}
