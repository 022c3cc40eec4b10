// Strict priority's level arithmetic with vCPU pins: how much of a level's demand the pCPUs left by
// the levels above it can serve, when each vCPU may run only on its pinned pCPUs.

/** A runnable vCPU's demand (CPUs) and the pCPUs it may run on (null: any). */
export interface PinnedDemand {
  readonly demand: number;
  readonly cpus: readonly number[] | null;
}

/**
 * The largest total rate `items` can get from `cpus` pCPUs of capacity 1 each, each item at most its
 * demand and only on its pCPUs: a max flow from the items (grouped by pCPU set) to the pCPUs
 * (augmenting paths, breadth first). Without pins it is min(Σ demand, cpus).
 */
export function servableDemand(items: readonly PinnedDemand[], cpus: number): number {
  // Classes: one per distinct pCPU set, its demand summed (node 1 + k), then the pCPUs.
  const classDemand: number[] = [];
  const classCpus: (readonly number[] | null)[] = [];
  const keyOf = new Map<string, number>();
  let total = 0;
  let pinned = false;
  for (const it of items) {
    if (!(it.demand > 0)) continue;
    total += it.demand;
    const key = it.cpus === null ? '*' : [...it.cpus].sort((a, b) => a - b).join(',');
    if (it.cpus !== null) pinned = true;
    const k = keyOf.get(key);
    if (k === undefined) {
      keyOf.set(key, classDemand.length);
      classDemand.push(it.demand);
      classCpus.push(it.cpus);
    } else classDemand[k] = classDemand[k]! + it.demand;
  }
  if (!pinned) return Math.min(total, cpus);
  const nc = classDemand.length;
  // Nodes: 0 source, 1..nc classes, nc+1..nc+cpus pCPUs, nc+cpus+1 sink. Residual capacities.
  const n = nc + cpus + 2;
  const sink = n - 1;
  const cap: Float64Array[] = Array.from({ length: n }, () => new Float64Array(n));
  for (let k = 0; k < nc; k++) {
    cap[0]![1 + k] = classDemand[k]!;
    const list = classCpus[k] ?? Array.from({ length: cpus }, (_, p) => p);
    for (const p of list) cap[1 + k]![nc + 1 + p] = Infinity;
  }
  for (let p = 0; p < cpus; p++) cap[nc + 1 + p]![sink] = 1;
  let flow = 0;
  const prev = new Int32Array(n);
  const queue = new Int32Array(n);
  for (;;) {
    prev.fill(-1);
    prev[0] = 0;
    let head = 0;
    let tail = 0;
    queue[tail++] = 0;
    while (head < tail && prev[sink] === -1) {
      const u = queue[head++]!;
      const row = cap[u]!;
      for (let v = 0; v < n; v++) {
        if (prev[v] === -1 && row[v]! > 1e-12) {
          prev[v] = u;
          queue[tail++] = v;
        }
      }
    }
    if (prev[sink] === -1) return flow;
    let push = Infinity;
    for (let v = sink; v !== 0; v = prev[v]!) push = Math.min(push, cap[prev[v]!]![v]!);
    for (let v = sink; v !== 0; v = prev[v]!) {
      const u = prev[v]!;
      cap[u]![v] = cap[u]![v]! - push;
      cap[v]![u] = cap[v]![u]! + push;
    }
    flow += push;
  }
}
