// The one empty event list every passive model of this package returns when a step produced nothing:
// a host steps thousands of times a second, mostly without news, and a fresh [] per step is garbage.
// Frozen, so a caller that tried to add to it would fail loudly. `appendAll` builds a list only once
// there is something in it.

/** An empty, frozen event list (type-compatible with any `readonly E[]`). */
export const NO_EVENTS: readonly never[] = Object.freeze([]);

/** `items` added to `out`, made on the first item (steps that report nothing allocate nothing). */
export function appendAll<T>(out: T[] | null, items: readonly T[]): T[] {
  const list = out ?? [];
  for (const x of items) list.push(x);
  return list;
}
