// A binary min-heap of entity ids ordered by (key[id], tie[id], id), with a position index so
// that an id can be removed or re-keyed in O(log n): the "rb-tree" of SJF, STCF, priority,
// EDF, stride and CFS.

/** Min-heap over ids; the keys live in arrays owned by the caller and are read at comparison time. */
export class IndexedHeap {
  private readonly ids: number[] = [];
  private readonly pos: number[] = [];

  /** `key[id]` orders the heap, then `tie[id]` (when given), then the id itself. */
  constructor(
    private readonly key: readonly number[],
    private readonly tie?: readonly number[],
  ) {}

  /** Number of ids held. */
  get size(): number {
    return this.ids.length;
  }

  /** True when `id` is in the heap. */
  has(id: number): boolean {
    const p = this.pos[id];
    return p !== undefined && p >= 0;
  }

  /** The smallest id, or -1 when empty. */
  peek(): number {
    return this.ids.length === 0 ? -1 : this.ids[0]!;
  }

  /** The id stored at heap slot `i` (0 ≤ i < size), in no particular order: for scans. */
  at(i: number): number {
    return this.ids[i]!;
  }

  /** Insert `id` (must not be present). */
  push(id: number): void {
    const i = this.ids.length;
    this.ids.push(id);
    this.pos[id] = i;
    this.up(i);
  }

  /** Remove and return the smallest id, or -1 when empty. */
  pop(): number {
    const n = this.ids.length;
    if (n === 0) return -1;
    const top = this.ids[0]!;
    const last = this.ids.pop()!;
    this.pos[top] = -1;
    if (n > 1) {
      this.ids[0] = last;
      this.pos[last] = 0;
      this.down(0);
    }
    return top;
  }

  /** Pop the smallest id and insert `id` in one sift (`id` must not be present). Returns the old top. */
  replaceTop(id: number): number {
    const top = this.ids[0]!;
    this.pos[top] = -1;
    this.ids[0] = id;
    this.pos[id] = 0;
    this.down(0);
    return top;
  }

  /** Remove `id` if present; returns whether it was. */
  remove(id: number): boolean {
    const i = this.pos[id];
    if (i === undefined || i < 0) return false;
    const last = this.ids.pop()!;
    this.pos[id] = -1;
    if (i < this.ids.length) {
      this.ids[i] = last;
      this.pos[last] = i;
      this.down(i);
      this.up(this.pos[last]);
    }
    return true;
  }

  /**
   * Remove and return the smallest id accepted by `accept`, or -1. O(log n) when the top is
   * accepted, O(n) otherwise (affinity masks make this rare).
   */
  popBest(accept: (id: number) => boolean): number {
    if (this.ids.length === 0) return -1;
    const top = this.ids[0]!;
    if (accept(top)) return this.pop();
    let best = -1;
    for (const id of this.ids) if (accept(id) && (best < 0 || this.less(id, best))) best = id;
    if (best >= 0) this.remove(best);
    return best;
  }

  /** Restore order after `key[id]` (or `tie[id]`) of a held id changed. */
  update(id: number): void {
    const i = this.pos[id];
    if (i === undefined || i < 0) return;
    this.up(i);
    this.down(this.pos[id]!);
  }

  /** True when `a` orders before `b`. */
  less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    if (ka !== kb) return ka < kb;
    if (this.tie !== undefined) {
      const ta = this.tie[a]!;
      const tb = this.tie[b]!;
      if (ta !== tb) return ta < tb;
    }
    return a < b;
  }

  private up(i: number): void {
    const ids = this.ids;
    const id = ids[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = ids[parent]!;
      if (!this.less(id, p)) break;
      ids[i] = p;
      this.pos[p] = i;
      i = parent;
    }
    ids[i] = id;
    this.pos[id] = i;
  }

  private down(i: number): void {
    const ids = this.ids;
    const pos = this.pos;
    const n = ids.length;
    const id = ids[i]!;
    if (this.tie === undefined) {
      // The hot path of CFS and stride: compare keys inline, ties to the lower id.
      const key = this.key;
      const k = key[id]!;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        let c = l;
        let child = ids[l]!;
        let kc = key[child]!;
        if (l + 1 < n) {
          const r = ids[l + 1]!;
          const kr = key[r]!;
          if (kr < kc || (kr === kc && r < child)) {
            c = l + 1;
            child = r;
            kc = kr;
          }
        }
        if (!(kc < k || (kc === k && child < id))) break;
        ids[i] = child;
        pos[child] = i;
        i = c;
      }
    } else {
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && this.less(ids[r]!, ids[l]!)) c = r;
        const child = ids[c]!;
        if (!this.less(child, id)) break;
        ids[i] = child;
        pos[child] = i;
        i = c;
      }
    }
    ids[i] = id;
    pos[id] = i;
  }
}
