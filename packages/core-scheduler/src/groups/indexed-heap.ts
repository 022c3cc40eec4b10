// A binary min-heap whose entries know their position, so that a key can change or an entry leave
// in O(log n): the fluid model's completion queues (tasks by virtual finish, groups by finish time).

/** An entry of an `IndexedMinHeap`: its key and, while queued, its index in the heap (else -1). */
export class HeapSlot<T> {
  key = Infinity;
  pos = -1;
  constructor(readonly owner: T) {}
}

/**
 * Min-heap of slots by `key`. A slot is in at most one heap at a time. Ties come out in no set order.
 * The keys also sit in a typed array beside the slots, so that a sift compares within one contiguous
 * array instead of visiting a slot object per comparison.
 */
export class IndexedMinHeap<T> {
  private readonly items: HeapSlot<T>[] = [];
  private keys = new Float64Array(8);

  get size(): number {
    return this.items.length;
  }

  /** Levels of the heap: the most entries one insert, update or removal visits. */
  get levels(): number {
    return 32 - Math.clz32(this.items.length);
  }

  /** The slot with the least key, or undefined when empty. */
  top(): HeapSlot<T> | undefined {
    return this.items[0];
  }

  /** Insert `slot` with `key`, or move it to `key` if it is already queued here. */
  set(slot: HeapSlot<T>, key: number): void {
    slot.key = key;
    if (slot.pos < 0) {
      const i = this.items.length;
      if (i === this.keys.length) {
        const grown = new Float64Array(2 * i);
        grown.set(this.keys);
        this.keys = grown;
      }
      this.items.push(slot);
      this.up(i, slot, key);
      return;
    }
    const i = slot.pos;
    const old = this.keys[i]!;
    if (key < old) this.up(i, slot, key);
    else if (key > old) this.down(i, slot, key);
  }

  /** Take `slot` out (no-op when it is not queued). */
  remove(slot: HeapSlot<T>): void {
    const i = slot.pos;
    if (i < 0) return;
    slot.pos = -1;
    const last = this.items.pop()!;
    if (last === slot) return;
    const key = last.key;
    // The last entry fills the hole: it moves up or down from there.
    if (i > 0 && key < this.keys[(i - 1) >> 1]!) this.up(i, last, key);
    else this.down(i, last, key);
  }

  /** Remove and return the slot with the least key. Precondition: not empty. */
  pop(): HeapSlot<T> {
    const first = this.items[0]!;
    this.remove(first);
    return first;
  }

  /** Empty the heap. */
  clear(): void {
    for (const s of this.items) s.pos = -1;
    this.items.length = 0;
  }

  /** Place `s` (key `key`) at `i` or above it. */
  private up(i: number, s: HeapSlot<T>, key: number): void {
    const items = this.items;
    const keys = this.keys;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= key) break;
      const ps = items[p]!;
      items[i] = ps;
      keys[i] = keys[p]!;
      ps.pos = i;
      i = p;
    }
    items[i] = s;
    keys[i] = key;
    s.pos = i;
  }

  /** Place `s` (key `key`) at `i` or below it. */
  private down(i: number, s: HeapSlot<T>, key: number): void {
    const items = this.items;
    const keys = this.keys;
    const n = items.length;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1]! < keys[c]!) c++;
      if (keys[c]! >= key) break;
      const cs = items[c]!;
      items[i] = cs;
      keys[i] = keys[c]!;
      cs.pos = i;
      i = c;
    }
    items[i] = s;
    keys[i] = key;
    s.pos = i;
  }
}
