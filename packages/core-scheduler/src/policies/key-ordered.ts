// The mechanics shared by EDF (key: deadline) and SJF/STCF (key: remaining demand): one global
// queue ordered by a key read from each entity when it is queued (ties to the lower id), each
// entity running until it stops, optionally preempted by a waiting entity with a smaller key.
import type { SchedEntity } from '../entity.js';
import { canRunOn } from '../entity.js';
import type { EnqueueReason, PutPrevReason, SchedPolicy } from '../policy.js';
import { IndexedHeap } from '../run-queue/indexed-heap.js';
import { queueMisuse } from './queue-misuse.js';

/**
 * Runs the queued entity with the least `keyOf(e)` (as it was when `e` was queued) without a
 * time slice. With `preemptive`, an enqueue preempts the running entity when the best waiting
 * entity allowed on its CPU has a key strictly less than the running entity's current key.
 */
export class KeyOrderedPolicy implements SchedPolicy {
  readonly queueing = 'global';
  readonly workConserving = true;
  private readonly key: number[] = [];
  private readonly heap = new IndexedHeap(this.key);
  private readonly ents: SchedEntity[] = [];

  constructor(
    readonly name: string,
    private readonly keyOf: (e: SchedEntity) => number,
    private readonly preemptive: boolean,
  ) {}

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
    // Strictly smaller only: on a tie the running entity keeps the CPU.
    return canRunOn(this.ents[top]!, cpu) && this.key[top]! < this.keyOf(e);
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
    this.key[e.id] = this.keyOf(e);
    this.heap.push(e.id);
  }
}
