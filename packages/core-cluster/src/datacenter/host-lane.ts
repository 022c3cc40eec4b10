// Hosts that run ahead. Between two datacenter-wide instants (the next queue event: a metric sample,
// a timed action, a fault draw, a migration's transfer step, the end of a `step`) hosts cannot affect
// one another when nothing shared moves inside their steps (no user-defined networks, no batch model:
// `createDatacenter` keeps the lane off otherwise). Each host then runs all its own events up to that
// instant on its own, one host after another, instead of one event of one host at a time interleaved
// through the global queue: the same steps at the same instants for every host, but one host's
// kernels, schedulers and timers stay in the CPU's caches while it runs, and the queue is left alone.
//
// Ordering: a host's steps at the instant itself run before the queue's events at that instant, as a
// command or read there would have run them anyway (it brings the host to now first). The facts of a
// span come out sorted by time, hosts in lane order at equal times (EventSink.collect).
/** A slot's place in the lane (kept on the slot: no map per lookup). */
export interface LaneEntry {
  /** The next event time (Infinity: none), as the slot last placed itself. */
  laneAt: number;
  /** Position in the lane's heap, −1 when not in it. */
  lanePos: number;
  /** Creation order, the tie-break at equal times (deterministic). */
  readonly laneOrder: number;
  /** Run the model's events at times ≤ `until` (at most `budget`), then place itself again; returns the steps run. */
  runAhead(until: number, budget: number): number;
}

function before(a: LaneEntry, b: LaneEntry): boolean {
  return a.laneAt < b.laneAt || (a.laneAt === b.laneAt && a.laneOrder < b.laneOrder);
}

/** The slots of the hosts that run ahead, by next event time (a binary min-heap on the slots). */
export class HostLane {
  private readonly heap: LaneEntry[] = [];
  private order = 0;
  /** Host steps run so far (each counts as one event, as a queue event would). */
  steps = 0;

  /** The next creation-order number for a new slot. */
  nextOrder(): number {
    return this.order++;
  }

  /** The earliest next event of any host in the lane (Infinity: none). */
  peek(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0]!.laneAt;
  }

  /** `slot`'s next event is at `t` (Infinity: it has none; it leaves the heap). */
  place(slot: LaneEntry, t: number): void {
    if (t === Infinity) {
      this.remove(slot);
      slot.laneAt = t;
      return;
    }
    const old = slot.laneAt;
    slot.laneAt = t;
    if (slot.lanePos < 0) {
      slot.lanePos = this.heap.length;
      this.heap.push(slot);
      this.up(slot.lanePos);
    } else if (t < old) this.up(slot.lanePos);
    else if (t > old) this.down(slot.lanePos);
  }

  /** Take `slot` out of the lane (its model is gone). */
  remove(slot: LaneEntry): void {
    const i = slot.lanePos;
    if (i < 0) return;
    slot.lanePos = -1;
    const last = this.heap.pop()!;
    if (last === slot) return;
    this.heap[i] = last;
    last.lanePos = i;
    this.up(i);
    this.down(last.lanePos);
  }

  /**
   * Run every host's events at times ≤ `until`, each host through all of its own before the next
   * (earliest first); at most `budget` steps (the caller throws when they are all used and work is left). Returns the steps run.
   */
  runThrough(until: number, budget: number): number {
    const heap = this.heap;
    if (heap.length === 0 || heap[0]!.laneAt > until) return 0;
    let steps = 0;
    try {
      while (heap.length > 0 && heap[0]!.laneAt <= until && steps < budget) steps += heap[0]!.runAhead(until, budget - steps);
    } finally {
      this.steps += steps;
    }
    return steps;
  }

  private swap(i: number, j: number): void {
    const heap = this.heap;
    const a = heap[i]!;
    const b = heap[j]!;
    heap[i] = b;
    heap[j] = a;
    b.lanePos = i;
    a.lanePos = j;
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(heap[i]!, heap[p]!)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const r = l + 1;
      const c = r < heap.length && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[c]!, heap[i]!)) return;
      this.swap(i, c);
      i = c;
    }
  }
}
