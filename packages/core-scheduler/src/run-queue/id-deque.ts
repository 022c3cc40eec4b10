// A growable ring buffer of entity ids: the FIFO run queue of FIFO and round-robin, with
// front insertion and (rare, O(n)) removal from the middle for affinity and dequeue.

/** A double-ended queue of non-negative integer ids, amortized O(1) at both ends. */
export class IdDeque {
  private buf: Int32Array;
  private head = 0;
  private count = 0;

  constructor(capacity = 16) {
    this.buf = new Int32Array(Math.max(4, capacity));
  }

  /** Number of ids held. */
  get size(): number {
    return this.count;
  }

  /** Append `id` at the back. */
  pushBack(id: number): void {
    if (this.count === this.buf.length) this.grow();
    this.buf[(this.head + this.count) & (this.buf.length - 1)] = id;
    this.count++;
  }

  /** Insert `id` at the front. */
  pushFront(id: number): void {
    if (this.count === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = id;
    this.count++;
  }

  /** Remove and return the front id, or -1 when empty. */
  popFront(): number {
    if (this.count === 0) return -1;
    const id = this.buf[this.head]!;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.count--;
    return id;
  }

  /** The id at position `i` from the front (0 ≤ i < size). */
  at(i: number): number {
    return this.buf[(this.head + i) & (this.buf.length - 1)]!;
  }

  /** Position of `id` from the front, or -1. O(n). */
  indexOf(id: number): number {
    for (let i = 0; i < this.count; i++) if (this.at(i) === id) return i;
    return -1;
  }

  /** Remove the id at position `i` keeping the order of the others; returns it. O(n). */
  removeAt(i: number): number {
    const id = this.at(i);
    const mask = this.buf.length - 1;
    for (let k = i; k < this.count - 1; k++) this.buf[(this.head + k) & mask] = this.buf[(this.head + k + 1) & mask]!;
    this.count--;
    return id;
  }

  /** Remove `id` if present; returns whether it was. O(n). */
  remove(id: number): boolean {
    const i = this.indexOf(id);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  private grow(): void {
    // Capacity stays a power of two so that index wrapping is a mask.
    const next = new Int32Array(this.buf.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.at(i);
    this.buf = next;
    this.head = 0;
  }
}
