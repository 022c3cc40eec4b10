// The baseline the kernel is measured against: a textbook binary heap of { time, seq, fn }
// objects and a plain loop, with no validation, cancellation or handle.

/** One baseline event. */
export interface PlainEvent {
  time: number;
  seq: number;
  fn: () => void;
}

function less(a: PlainEvent, b: PlainEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** A plain binary min-heap ordered by (time, seq). */
export class PlainHeap {
  private readonly items: PlainEvent[] = [];

  get size(): number {
    return this.items.length;
  }

  push(e: PlainEvent): void {
    const items = this.items;
    let i = items.length;
    items.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (!less(e, parent)) break;
      items[i] = parent;
      i = p;
    }
    items[i] = e;
  }

  pop(): PlainEvent | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && less(items[r]!, items[l]!) ? r : l;
      const child = items[c]!;
      if (!less(child, last)) break;
      items[i] = child;
      i = c;
    }
    items[i] = last;
    return top;
  }
}
