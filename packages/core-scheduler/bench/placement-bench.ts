// Placement benchmark: 40,000 VMs onto 20,000 hosts with each simple policy, plus filter-and-score
// decisions on a smaller cluster. Prints wall-clock figures; target: first-fit under 1 s.
import { performance } from 'node:perf_hooks';
import { PlacementCluster, bestFit, decide, firstFit, pack, randomFit, roundRobin, spread, worstFit, type PlacementPolicy, type PlacementRequest } from '../src/index.js';

const HOSTS = 20_000;
const VMS = 40_000;
const GiB = 1024 ** 3;

/** A deterministic generator (LCG) so every run places the same workload. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Roomy: mixed 16/32-core hosts with CPU overcommit 2 (the VMs use ~15% of CPU, ~26% of memory). */
function roomyCluster(): PlacementCluster {
  const c = new PlacementCluster({ cpuOvercommit: 2 });
  const rnd = lcg(1);
  for (let i = 0; i < HOSTS; i++) {
    const big = rnd() < 0.5;
    c.addHost({ name: `host-${i}`, cpu: big ? 32_000 : 16_000, memory: (big ? 128 : 64) * GiB });
  }
  return c;
}

/** Tight: 8-core, 32 GiB hosts, no overcommit: the VMs ask for ~85% of CPU and ~78% of memory, so fragmentation bites. */
function tightCluster(): PlacementCluster {
  const c = new PlacementCluster();
  for (let i = 0; i < HOSTS; i++) c.addHost({ name: `host-${i}`, cpu: 8000, memory: 32 * GiB });
  return c;
}

function workload(): PlacementRequest[] {
  const rnd = lcg(2);
  const sizes = [
    [1000, 2],
    [2000, 4],
    [4000, 8],
    [8000, 32],
    [2000, 16],
  ] as const;
  return Array.from({ length: VMS }, (_, i) => {
    const [cpu, mem] = sizes[Math.floor(rnd() * sizes.length)]!;
    return { name: `vm-${i}`, cpu, memory: mem * GiB };
  });
}

function timePolicy(name: string, policy: PlacementPolicy, requests: readonly PlacementRequest[], build: () => PlacementCluster): { ms: number; placed: number } {
  const cluster = build();
  const t0 = performance.now();
  let placed = 0;
  for (const r of requests) if (cluster.place(r, policy) !== null) placed++;
  const ms = performance.now() - t0;
  console.log(`  ${name.padEnd(12)} ${ms.toFixed(0).padStart(6)} ms   ${placed} placed   ${((ms * 1000) / requests.length).toFixed(2)} µs/VM`);
  return { ms, placed };
}

/** Runs the placement benchmark and prints its figures. */
export async function runPlacementBench(): Promise<void> {
  const requests = workload();
  // Warm-up so the JIT has compiled the hot paths before the timed runs.
  timePolicy('(warm-up)', firstFit(), requests.slice(0, 5000), roomyCluster);
  await pause();
  const firstFitMs: number[] = [];
  for (const [label, build] of [
    ['roomy', roomyCluster],
    ['tight', tightCluster],
  ] as const) {
    console.log(`placement (${label}): ${VMS} VMs onto ${HOSTS} hosts, one place() each (cluster build excluded)`);
    firstFitMs.push(timePolicy('first-fit', firstFit(), requests, build).ms);
    timePolicy('best-fit', bestFit(), requests, build);
    timePolicy('worst-fit', worstFit(), requests, build);
    timePolicy('spread', spread(), requests, build);
    timePolicy('pack', pack(), requests, build);
    timePolicy('round-robin', roundRobin(), requests, build);
    timePolicy('random', randomFit(lcg(3)), requests, build);
    await pause();
  }
  const worst = Math.max(...firstFitMs);
  console.log(`  first-fit target < 1000 ms: ${worst < 1000 ? 'met' : 'NOT met'} (slowest ${worst.toFixed(0)} ms)`);

  // Filter-and-score is O(hosts) per decision, as kube-scheduler without sampling: time it on 2,000 hosts.
  const small = new PlacementCluster();
  for (let i = 0; i < 2000; i++) small.addHost({ name: `n-${i}`, cpu: 16_000, memory: 64 * GiB, labels: { zone: `z${i % 3}` } });
  const reqs = requests.slice(0, 500);
  const t0 = performance.now();
  for (const r of reqs) {
    const d = decide(small, r);
    if (d.chosen !== null) small.allocate(r, d.chosen.index);
  }
  const ms = performance.now() - t0;
  console.log(`  filter-score ${ms.toFixed(0).padStart(6)} ms   500 explained decisions on 2000 hosts   ${(ms / 500).toFixed(2)} ms/decision`);
}

/** Yield to the event loop between runs (lets pending I/O and GC finish outside the timed sections). */
function pause(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
