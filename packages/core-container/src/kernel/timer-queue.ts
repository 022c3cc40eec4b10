// Timers of the kernel model (sleep ends), in time order; ties in the order they were armed, so
// runs are deterministic. Cancelled timers are skipped lazily by the caller's token check.

/** An armed timer: at `time`, for process `pid`, valid while the process's token still matches; a sleep's end or a request's arrival. */
export interface Timer {
  readonly time: number;
  readonly seq: number;
  readonly pid: number;
  readonly token: number;
  readonly kind: 'sleep' | 'arrival';
}

export class TimerQueue {
  private heap: Timer[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, pid: number, token: number, kind: Timer['kind'] = 'sleep'): void {
    const h = this.heap;
    h.push({ time, seq: this.seq++, pid, token, kind });
    let k = h.length - 1;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!before(h[k]!, h[p]!)) break;
      [h[k], h[p]] = [h[p]!, h[k]!];
      k = p;
    }
  }

  peek(): Timer | undefined {
    return this.heap[0];
  }

  pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === k) break;
        [h[k], h[m]] = [h[m]!, h[k]!];
        k = m;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
