// The per-entity time slice of quantum-based policies (round-robin, lottery, stride, priority
// round-robin): a fresh quantum when queued, spent by what the entity runs, and kept across a
// preemption until it is used up, so that an entity stopped mid-slice finishes its quantum later.

/** Time left of each entity's quantum, by id. */
export class QuantumBudget {
  private readonly left: number[] = [];

  /** `quantum`: the slice length, a positive integer or Infinity (no slicing). */
  constructor(readonly quantum: number) {}

  /** Give `id` a whole quantum. */
  refill(id: number): void {
    this.left[id] = this.quantum;
  }

  /** Time left of `id`'s quantum (`refill` must have been called for `id`). */
  remaining(id: number): number {
    return this.left[id]!;
  }

  /** Charge `ran` time units run by `id`. */
  spend(id: number, ran: number): void {
    this.left[id]! -= ran;
  }

  /** True when `id` has used up its quantum. */
  isSpent(id: number): boolean {
    return this.left[id]! <= 0;
  }

  /** Refill `id`'s quantum if it is used up; returns whether it was. */
  refillIfSpent(id: number): boolean {
    if (this.left[id]! > 0) return false;
    this.left[id] = this.quantum;
    return true;
  }
}
