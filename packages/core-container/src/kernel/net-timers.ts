// The timers of network I/O: when a send meets its errno or its last byte arrives. A binary min-heap
// ordered by (time, seq), so equal times come out in the order they were set.
import type { SendErrno } from './net-errnos.js';

/** A send's outcome due at `time` (`seq` orders equal times). */
export interface Timer {
  readonly time: number;
  readonly seq: number;
  readonly op: number;
  /** The errno the send meets then, or null: its last byte arrives then. */
  readonly errno: SendErrno | null;
}

/** Whether `a` comes out before `b`. */
function before(a: Timer, b: Timer): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** Add `t` to the heap `h`. */
export function pushTimer(h: Timer[], t: Timer): void {
  h.push(t);
  for (let i = h.length - 1; i > 0; ) {
    const up = (i - 1) >> 1;
    if (!before(h[i]!, h[up]!)) break;
    [h[i], h[up]] = [h[up]!, h[i]!];
    i = up;
  }
}

/** Take the earliest timer of the non-empty heap `h`. */
export function popTimer(h: Timer[]): Timer {
  const top = h[0]!;
  const last = h.pop()!;
  if (h.length > 0) {
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
  return top;
}
