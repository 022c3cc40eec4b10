// An indexed binary min-heap of VMs by their next event time: an event re-keys only the VM it
// concerns, O(log V). Ties go to the lower VM index, so the order of equal-time events is fixed.

/** Min-heap of item indices 0..capacity-1 keyed by a float; `update` inserts, re-keys or (key Infinity) removes. */
export class VmEventHeap {
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  private readonly key: Float64Array;
  private size = 0;

  constructor(capacity: number) {
    this.heap = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
    this.key = new Float64Array(capacity);
  }

  /** The item with the smallest key, or -1 when empty. */
  peek(): number {
    return this.size === 0 ? -1 : this.heap[0]!;
  }

  /** The smallest key, or Infinity when empty. */
  minKey(): number {
    return this.size === 0 ? Infinity : this.key[this.heap[0]!]!;
  }

  /** Set item `i`'s key; Infinity (or NaN) takes it out. */
  update(i: number, k: number): void {
    const p = this.pos[i]!;
    if (!(k < Infinity)) {
      if (p >= 0) this.removeAt(p);
      return;
    }
    if (p < 0) {
      this.key[i] = k;
      const at = this.size++;
      this.heap[at] = i;
      this.pos[i] = at;
      this.up(at);
      return;
    }
    const old = this.key[i]!;
    this.key[i] = k;
    if (k < old) this.up(p);
    else if (k > old) this.down(p);
  }

  private removeAt(p: number): void {
    const i = this.heap[p]!;
    this.pos[i] = -1;
    const last = --this.size;
    if (p === last) return;
    const moved = this.heap[last]!;
    this.heap[p] = moved;
    this.pos[moved] = p;
    this.up(p);
    this.down(this.pos[moved]);
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  private up(p: number): void {
    const heap = this.heap;
    const item = heap[p]!;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const q = heap[parent]!;
      if (!this.less(item, q)) break;
      heap[p] = q;
      this.pos[q] = p;
      p = parent;
    }
    heap[p] = item;
    this.pos[item] = p;
  }

  private down(p: number): void {
    const heap = this.heap;
    const item = heap[p]!;
    const size = this.size;
    for (;;) {
      let child = 2 * p + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && this.less(heap[right]!, heap[child]!)) child = right;
      const c = heap[child]!;
      if (!this.less(c, item)) break;
      heap[p] = c;
      this.pos[c] = p;
      p = child;
    }
    heap[p] = item;
    this.pos[item] = p;
  }
}
