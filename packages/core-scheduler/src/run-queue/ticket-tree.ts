// A Fenwick (binary indexed) tree of ticket counts by entity id: lottery draws a winner in
// O(log n) and, like OSTEP's lottery.py, the winner is found by walking ids in increasing order.

/** Ticket counts per id with prefix sums; grows on demand. */
export class TicketTree {
  private tree: Float64Array = new Float64Array(17);
  private counts: Float64Array = new Float64Array(16);
  private sum = 0;
  private holderCount = 0;

  /** Sum of all tickets held. */
  get total(): number {
    return this.sum;
  }

  /** Number of ids holding tickets. */
  get holders(): number {
    return this.holderCount;
  }

  /** Tickets currently held by `id` (0 when none). */
  get(id: number): number {
    return id < this.counts.length ? this.counts[id]! : 0;
  }

  /** Set the tickets of `id` (≥ 0). */
  set(id: number, tickets: number): void {
    while (id >= this.counts.length) this.grow();
    const delta = tickets - this.counts[id]!;
    if (delta === 0) return;
    if (this.counts[id] === 0) this.holderCount++;
    else if (tickets === 0) this.holderCount--;
    this.counts[id] = tickets;
    this.sum += delta;
    const n = this.counts.length;
    for (let i = id + 1; i <= n; i += i & -i) this.tree[i] = this.tree[i]! + delta;
  }

  /** The smallest id whose running ticket total (ids 0..id) exceeds `winner` (0 ≤ winner < total). */
  find(winner: number): number {
    const n = this.counts.length;
    let pos = 0;
    let rest = winner;
    for (let step = highestPowerOfTwo(n); step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= n && this.tree[next]! <= rest) {
        pos = next;
        rest -= this.tree[next]!;
      }
    }
    return pos; // ids are 0-based: tree index pos + 1 is id pos
  }

  private grow(): void {
    const old = this.counts;
    this.counts = new Float64Array(old.length * 2);
    this.tree = new Float64Array(old.length * 2 + 1);
    this.sum = 0;
    this.holderCount = 0;
    for (let id = 0; id < old.length; id++) if (old[id]! !== 0) this.set(id, old[id]!);
  }
}

function highestPowerOfTwo(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}
