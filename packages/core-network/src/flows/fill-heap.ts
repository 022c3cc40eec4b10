// An indexed binary min-heap of water-filling events, in parallel typed arrays, reused across sweeps.

/** An event's owner: a link (saturation) or a flow (cap or pinned level); `hpos` is its heap slot, -1 when absent. */
export interface HeapSlot {
  hpos: number;
}

/**
 * Indexed binary min-heap of water-filling events in parallel arrays, ordered by level, then kind
 * (lower first: the repair uses 0 = a link saturates, 1 = a flow reaches its cap, 2 = a pinned flow
 * reaches its old level), then id, so equal keys never occur and the pop order is deterministic.
 * Each owner holds at most one entry, moved in place when its level changes.
 */
export class FillHeap {
  private level = new Float64Array(64);
  private kind = new Uint8Array(64);
  private id = new Float64Array(64);
  private ref: (HeapSlot | null)[] = new Array<HeapSlot | null>(64).fill(null);
  size = 0;

  clear(): void {
    for (let k = 0; k < this.size; k++) {
      this.ref[k]!.hpos = -1;
      this.ref[k] = null;
    }
    this.size = 0;
  }

  topLevel(): number {
    return this.level[0]!;
  }

  topKind(): number {
    return this.kind[0]!;
  }

  topRef(): HeapSlot {
    return this.ref[0]!;
  }

  private less(a: number, b: number): boolean {
    const la = this.level[a]!;
    const lb = this.level[b]!;
    if (la !== lb) return la < lb;
    const ka = this.kind[a]!;
    const kb = this.kind[b]!;
    if (ka !== kb) return ka < kb;
    return this.id[a]! < this.id[b]!;
  }

  private grow(): void {
    const n = this.level.length * 2;
    const level = new Float64Array(n);
    level.set(this.level);
    this.level = level;
    const kind = new Uint8Array(n);
    kind.set(this.kind);
    this.kind = kind;
    const id = new Float64Array(n);
    id.set(this.id);
    this.id = id;
    for (let k = this.ref.length; k < n; k++) this.ref.push(null);
  }

  private swap(a: number, b: number): void {
    const l = this.level[a]!;
    this.level[a] = this.level[b]!;
    this.level[b] = l;
    const k = this.kind[a]!;
    this.kind[a] = this.kind[b]!;
    this.kind[b] = k;
    const i = this.id[a]!;
    this.id[a] = this.id[b]!;
    this.id[b] = i;
    const ra = this.ref[a]!;
    const rb = this.ref[b]!;
    this.ref[a] = rb;
    this.ref[b] = ra;
    rb.hpos = a;
    ra.hpos = b;
  }

  private up(k0: number): void {
    let k = k0;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.less(k, p)) break;
      this.swap(k, p);
      k = p;
    }
  }

  private down(k0: number): void {
    let k = k0;
    const n = this.size;
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === k) return;
      this.swap(k, m);
      k = m;
    }
  }

  /** Add an entry without restoring heap order (call heapify() after the last one). */
  append(level: number, kind: number, id: number, ref: HeapSlot): void {
    if (this.size === this.level.length) this.grow();
    const k = this.size++;
    this.level[k] = level;
    this.kind[k] = kind;
    this.id[k] = id;
    this.ref[k] = ref;
    ref.hpos = k;
  }

  /** Restore heap order over everything appended, in O(size). */
  heapify(): void {
    for (let k = (this.size >> 1) - 1; k >= 0; k--) this.down(k);
  }

  /** Insert `ref` at `level`, or move it there when it is already in the heap. */
  set(level: number, kind: number, id: number, ref: HeapSlot): void {
    let k = ref.hpos;
    if (k >= 0) {
      const old = this.level[k]!;
      this.level[k] = level;
      if (level < old) this.up(k);
      else if (level > old) this.down(k);
      return;
    }
    if (this.size === this.level.length) this.grow();
    k = this.size++;
    this.level[k] = level;
    this.kind[k] = kind;
    this.id[k] = id;
    this.ref[k] = ref;
    ref.hpos = k;
    this.up(k);
  }

  /** Take `ref` out of the heap. */
  remove(ref: HeapSlot): void {
    const k = ref.hpos;
    const last = --this.size;
    if (k !== last) {
      this.swap(k, last);
      this.ref[last]!.hpos = -1;
      this.ref[last] = null;
      this.down(k);
      this.up(k);
    } else {
      ref.hpos = -1;
      this.ref[last] = null;
    }
  }

  pop(): void {
    const last = --this.size;
    if (last > 0) this.swap(0, last);
    this.ref[last]!.hpos = -1;
    this.ref[last] = null;
    this.down(0);
  }
}
