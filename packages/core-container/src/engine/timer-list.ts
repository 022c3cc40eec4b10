// Cancellable one-shot timers in (time, creation) order, for the passive models layered on the kernel:
// the container engine's stop timeouts and restart delays, the pod manager's back-offs. A binary heap;
// a cancelled timer stays in it until it reaches the top, where it is dropped unseen.

/** A timer as the list hands it out: the caller's fields, its time and order, and a cancel flag. */
export type ListedTimer<P extends object> = P & { readonly time: number; readonly seq: number; cancelled: boolean };

export class TimerList<P extends object> {
  private readonly heap: ListedTimer<P>[] = [];
  private nextSeq = 0;

  /** Arm a timer at `time` carrying `payload`; cancel it by setting `cancelled`. */
  add(time: number, payload: P): ListedTimer<P> {
    const t = { ...payload, time, seq: this.nextSeq++, cancelled: false } as ListedTimer<P>;
    const h = this.heap;
    h.push(t);
    for (let i = h.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (!before(h[i]!, h[up]!)) break;
      [h[i], h[up]] = [h[up]!, h[i]!];
      i = up;
    }
    return t;
  }

  /** The earliest live timer's time, or Infinity. */
  nextTime(): number {
    this.dropCancelled();
    return this.heap[0]?.time ?? Infinity;
  }

  /** Take the earliest live timer due at or before `now`, or undefined. */
  takeDue(now: number): ListedTimer<P> | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (top === undefined || top.time > now) return undefined;
    this.pop();
    return top;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

function before(a: { time: number; seq: number }, b: { time: number; seq: number }): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
