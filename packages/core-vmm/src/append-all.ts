// Event lists built only once there is something in them: a host steps thousands of times a second,
// mostly without news, and returns shared-types' frozen NO_EVENTS then.

/** `items` added to `out`, made on the first item (steps that report nothing allocate nothing). */
export function appendAll<T>(out: T[] | null, items: readonly T[]): T[] {
  const list = out ?? [];
  for (const x of items) list.push(x);
  return list;
}
