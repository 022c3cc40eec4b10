// A binary min-heap on a plain array, ordered by a caller's `before`: the event lists of the memory,
// devices and lifecycle parts (completions, due queues, due VMs, VM timers) share it instead of each
// keeping a copy.

/** Add `item` to heap `h` ordered by `before` (a strict order: true when `a` must come out first). */
export function heapPush<T>(h: T[], item: T, before: (a: T, b: T) => boolean): void {
  h.push(item);
  let i = h.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(h[i]!, h[parent]!)) break;
    [h[i], h[parent]] = [h[parent]!, h[i]!];
    i = parent;
  }
}

/** Remove and return the first item of the non-empty heap `h` ordered by `before`. */
export function heapPop<T>(h: T[], before: (a: T, b: T) => boolean): T {
  const top = h[0]!;
  const last = h.pop()!;
  if (h.length > 0) {
    h[0] = last;
    let i = 0;
    for (;;) {
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
