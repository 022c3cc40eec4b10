// Strict priority's level arithmetic with vCPU pins: how much of a level's demand the pCPUs left by
// the levels above it can serve, when each vCPU may run only on its pinned pCPUs.
import { FlowNet } from '@strata/core-scheduler';

/** A runnable vCPU's demand (CPUs) and the pCPUs it may run on (null: any). */
export interface PinnedDemand {
  readonly demand: number;
  readonly cpus: readonly number[] | null;
}

/**
 * The largest total rate `items` can get from `cpus` pCPUs of capacity 1 each, each item at most its
 * demand and only on its pCPUs: a max flow from the items (grouped by pCPU set) to the pCPUs
 * (core-scheduler's `FlowNet`). Without pins it is min(Σ demand, cpus).
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
  // Nodes: 0 source, 1..nc classes, nc+1..nc+cpus pCPUs, nc+cpus+1 sink.
  const sink = nc + cpus + 1;
  const net = new FlowNet(sink + 1);
  for (let k = 0; k < nc; k++) {
    net.add(0, 1 + k, classDemand[k]!);
    const list = classCpus[k]!;
    if (list === null) for (let p = 0; p < cpus; p++) net.add(1 + k, nc + 1 + p, Infinity);
    else for (const p of list) net.add(1 + k, nc + 1 + p, Infinity);
  }
  for (let p = 0; p < cpus; p++) net.add(nc + 1 + p, sink, 1);
  return net.maxFlow(0, sink);
}
