// Small Pareto skylines of (free CPU, free memory) points, stored flat in Float64Arrays: the
// per-node summaries that let the placement indexes prune subtrees exactly in two dimensions.

/** Points kept per skyline; a larger skyline is marked inexact (-1) and its owner falls back to per-dimension maxima. */
export const SKYLINE_CAP = 8;

/**
 * Merge skylines A (`aLen` points at `a[aOff..]`) and B into `out[outOff..]`: the points of A ∪ B that no
 * other point dominates (≥ in both coordinates), sorted by CPU descending. Each input must be such a
 * sorted skyline. Returns the merged length, or -1 if either input is inexact or the result exceeds SKYLINE_CAP.
 */
export function mergeSkylines(out: Float64Array, outOff: number, a: Float64Array, aOff: number, aLen: number, b: Float64Array, bOff: number, bLen: number): number {
  if (aLen < 0 || bLen < 0) return -1;
  let i = 0;
  let j = 0;
  let n = 0;
  let bestMem = -Infinity;
  while (i < aLen || j < bLen) {
    let c: number;
    let m: number;
    const ac = i < aLen ? a[aOff + 2 * i]! : -Infinity;
    const bc = j < bLen ? b[bOff + 2 * j]! : -Infinity;
    const am = i < aLen ? a[aOff + 2 * i + 1]! : -Infinity;
    const bm = j < bLen ? b[bOff + 2 * j + 1]! : -Infinity;
    // Take the larger CPU first (on equal CPU, the larger memory) so a point is kept only if its
    // memory beats every point with at least its CPU.
    if (j >= bLen || (i < aLen && (ac > bc || (ac === bc && am >= bm)))) {
      c = ac;
      m = am;
      i++;
    } else {
      c = bc;
      m = bm;
      j++;
    }
    if (m > bestMem) {
      if (n === SKYLINE_CAP) return -1;
      out[outOff + 2 * n] = c;
      out[outOff + 2 * n + 1] = m;
      n++;
      bestMem = m;
    }
  }
  return n;
}

/** True when some point of the exact skyline at `s[off..]` (length `len` ≥ 0) has CPU ≥ `cpu` and memory ≥ `mem`. */
export function skylineFits(s: Float64Array, off: number, len: number, cpu: number, mem: number): boolean {
  // Sorted by CPU descending, memory ascending: the CPU-fitting points form a prefix, whose last has the most memory.
  let k = -1;
  for (let j = 0; j < len && s[off + 2 * j]! >= cpu; j++) k = j;
  return k >= 0 && s[off + 2 * k + 1]! >= mem;
}
