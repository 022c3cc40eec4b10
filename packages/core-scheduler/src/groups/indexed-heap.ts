// A binary min-heap whose entries know their position, so that a key can change or an entry leave
// in O(log n): the fluid model's completion queues (tasks by virtual finish, groups by finish time).

/** An entry of an `IndexedMinHeap`: its key and, while queued, its index in the heap (else -1). */
export class HeapSlot<T> {
  key = Infinity;
  pos = -1;
  constructor(readonly owner: T) {}
}

/** Min-heap of slots by `key`. A slot is in at most one heap at a time. Ties come out in no set order. */
export class IndexedMinHeap<T> {
  private readonly items: HeapSlot<T>[] = [];

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
    if (slot.pos < 0) {
      slot.key = key;
      slot.pos = this.items.length;
      this.items.push(slot);
      this.up(slot.pos);
      return;
    }
    const old = slot.key;
    slot.key = key;
    if (key < old) this.up(slot.pos);
    else if (key > old) this.down(slot.pos);
  }

  /** Take `slot` out (no-op when it is not queued). */
  remove(slot: HeapSlot<T>): void {
    const i = slot.pos;
    if (i < 0) return;
    slot.pos = -1;
    const last = this.items.pop()!;
    if (last === slot) return;
    this.items[i] = last;
    last.pos = i;
    this.up(i);
    this.down(last.pos);
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

  private up(i: number): void {
    const items = this.items;
    const s = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const ps = items[p]!;
      if (ps.key <= s.key) break;
      items[i] = ps;
      ps.pos = i;
      i = p;
    }
    items[i] = s;
    s.pos = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const s = items[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && items[c + 1]!.key < items[c]!.key) c++;
      const cs = items[c]!;
      if (cs.key >= s.key) break;
      items[i] = cs;
      cs.pos = i;
      i = c;
    }
    items[i] = s;
    s.pos = i;
  }
}
