// Several ordered lists of entity ids sharing one set of links (an id is in at most one list):
// MLFQ's per-level queues and credit's BOOST/UNDER/OVER queues. O(1) push at either end and
// O(1) removal from anywhere.

/** `count` doubly linked lists over non-negative integer ids. */
export class IdLists {
  private readonly heads: number[];
  private readonly tails: number[];
  private readonly sizes: number[];
  private readonly next: number[] = [];
  private readonly prev: number[] = [];
  private readonly owner: number[] = [];

  constructor(count: number) {
    this.heads = new Array<number>(count).fill(-1);
    this.tails = new Array<number>(count).fill(-1);
    this.sizes = new Array<number>(count).fill(0);
  }

  /** The list holding `id`, or -1. */
  listOf(id: number): number {
    return this.owner[id] ?? -1;
  }

  /** First id of `list`, or -1. */
  head(list: number): number {
    return this.heads[list]!;
  }

  /** The id after `id` in its list, or -1. */
  after(id: number): number {
    return this.next[id]!;
  }

  /** Number of ids in `list`. */
  size(list: number): number {
    return this.sizes[list]!;
  }

  /** Append `id` (in no list) at the back of `list`. */
  pushBack(list: number, id: number): void {
    const t = this.tails[list]!;
    this.prev[id] = t;
    this.next[id] = -1;
    if (t < 0) this.heads[list] = id;
    else this.next[t] = id;
    this.tails[list] = id;
    this.owner[id] = list;
    this.sizes[list]!++;
  }

  /** Insert `id` (in no list) at the front of `list`. */
  pushFront(list: number, id: number): void {
    const h = this.heads[list]!;
    this.next[id] = h;
    this.prev[id] = -1;
    if (h < 0) this.tails[list] = id;
    else this.prev[h] = id;
    this.heads[list] = id;
    this.owner[id] = list;
    this.sizes[list]!++;
  }

  /** Remove `id` from whatever list holds it; returns whether it was in one. */
  remove(id: number): boolean {
    const list = this.owner[id] ?? -1;
    if (list < 0) return false;
    const p = this.prev[id]!;
    const n = this.next[id]!;
    if (p < 0) this.heads[list] = n;
    else this.next[p] = n;
    if (n < 0) this.tails[list] = p;
    else this.prev[n] = p;
    this.owner[id] = -1;
    this.sizes[list]!--;
    return true;
  }

  /** Move every id of `src` to the back of `dst`, keeping their order. */
  appendAll(dst: number, src: number): void {
    if (dst === src) return;
    for (let id = this.heads[src]!; id >= 0; ) {
      const n = this.next[id]!;
      this.owner[id] = -1;
      this.pushBack(dst, id);
      id = n;
    }
    this.heads[src] = -1;
    this.tails[src] = -1;
    this.sizes[src] = 0;
  }

  /** The ids of `list`, front first (a copy). */
  toArray(list: number): number[] {
    const out: number[] = [];
    for (let id = this.heads[list]!; id >= 0; id = this.next[id]!) out.push(id);
    return out;
  }
}
