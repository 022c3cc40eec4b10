// Flow model benchmark: a 1,024-host leaf-spine fabric, 100,000 flows with Poisson arrivals and
// lognormal sizes run to completion; wall time, rate repairs per second, flows touched each.
// Figures and how the target is met: the package README, "Measured".
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { cpuUsage } from 'node:process';
import { createRandomStream } from '@strata/core-sim';
import { createFlowNetwork } from '../src/flows/index.js';

const LEAVES = 32;
const HOSTS_PER_LEAF = 32;
const SPINES = 4;
const HOST_LINK = 1_250_000_000; // 10 Gbit/s in bytes/s
const FABRIC_LINK = 12_500_000_000; // 100 Gbit/s: 4 uplinks × 100G for 32 × 10G hosts (non-blocking)
const FLOW_COUNT = 100_000;
const MEAN_BYTES = 1_000_000;
const SIGMA = 1;
const MU = Math.log(MEAN_BYTES) - (SIGMA * SIGMA) / 2; // lognormal mean = exp(mu + sigma²/2) = 1 MB
const LOAD = 0.5; // offered load per host link: ~1 flow per host link in flight (M/G/1-PS: ρ/(1−ρ))
const ARRIVALS_PER_S = (LOAD * LEAVES * HOSTS_PER_LEAF * HOST_LINK) / MEAN_BYTES;
const TARGET_MS = 5000;

/** Figures of one bench run. */
export interface FlowsBenchResult {
  readonly wallMs: number;
  /** User + system CPU time of the process over the timed part (above wall when the GC works on other threads). */
  readonly cpuMs: number;
  readonly simulatedUs: number;
  readonly recomputations: number;
  readonly meanFlowsTouched: number;
  readonly maxFlowsTouched: number;
  readonly meanConcurrent: number;
  readonly met: boolean;
}

/** Runs the leaf-spine bench once (seeded, deterministic) and prints its figures and verdict. */
export function runFlowsBench(seed = 1, FLOWS = FLOW_COUNT): FlowsBenchResult {
  const rng = createRandomStream(seed, 'flows-bench');
  const hosts = LEAVES * HOSTS_PER_LEAF;
  // Workload drawn up front, so the timed part is the model (and the driving loop) alone.
  const arrivals: { at: number; path: string[]; bytes: number }[] = [];
  let t = 0;
  for (let i = 0; i < FLOWS; i++) {
    t += rng.exponential(1e6 / ARRIVALS_PER_S);
    const src = rng.int(0, hosts - 1);
    let dst = rng.int(0, hosts - 2);
    if (dst >= src) dst++;
    const ls = Math.floor(src / HOSTS_PER_LEAF);
    const ld = Math.floor(dst / HOSTS_PER_LEAF);
    const spine = rng.int(0, SPINES - 1); // ECMP: a hash picks the spine
    const path = ls === ld ? [`h${src}.up`, `h${dst}.down`] : [`h${src}.up`, `leaf${ls}.s${spine}.up`, `leaf${ld}.s${spine}.down`, `h${dst}.down`];
    arrivals.push({ at: Math.floor(t), path, bytes: Math.max(1, Math.round(rng.lognormal(MU, SIGMA))) });
  }

  const start = performance.now();
  const cpuStart = cpuUsage();
  const net = createFlowNetwork({ maxLinks: 4096, maxFlows: FLOWS });
  for (let h = 0; h < hosts; h++) {
    net.addLink({ id: `h${h}.up`, capacity: HOST_LINK, latency: 2 });
    net.addLink({ id: `h${h}.down`, capacity: HOST_LINK, latency: 2 });
  }
  for (let l = 0; l < LEAVES; l++) {
    for (let s = 0; s < SPINES; s++) {
      net.addLink({ id: `leaf${l}.s${s}.up`, capacity: FABRIC_LINK, latency: 1 });
      net.addLink({ id: `leaf${l}.s${s}.down`, capacity: FABRIC_LINK, latency: 1 });
    }
  }
  let completed = 0;
  let area = 0; // ∫ active flows dt, for the time-average concurrency
  let last = 0;
  const step = (to: number): void => {
    area += net.stats().activeFlows * (to - last);
    last = to;
    completed += net.advanceTo(to).length;
  };
  let i = 0;
  while (i < FLOWS || net.nextEventTime() !== Infinity) {
    const next = net.nextEventTime();
    if (i < FLOWS && arrivals[i]!.at <= next) {
      const a = arrivals[i]!;
      step(a.at);
      net.startFlow({ id: `f${i}`, path: a.path, bytes: a.bytes });
      i++;
    } else {
      step(next);
    }
  }
  const wallMs = performance.now() - start;
  const cpu = cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const s = net.stats();
  const result: FlowsBenchResult = {
    wallMs,
    cpuMs,
    simulatedUs: net.now(),
    recomputations: s.recomputations,
    meanFlowsTouched: s.flowsTouched / s.recomputations,
    maxFlowsTouched: s.maxFlowsTouched,
    meanConcurrent: area / net.now(),
    met: wallMs < TARGET_MS && completed === FLOWS && FLOWS === FLOW_COUNT,
  };
  console.log('flow-level bandwidth (leaf-spine 32 leaves x 32 hosts, 4 spines; 10G hosts, 100G fabric)');
  console.log(`  ${FLOWS} flows, lognormal sizes mean ${MEAN_BYTES} B (sigma ${SIGMA}), Poisson ${ARRIVALS_PER_S.toFixed(0)} flows/s; completed ${completed}`);
  console.log(`  simulated ${(result.simulatedUs / 1e6).toFixed(4)} s, mean concurrent flows ${result.meanConcurrent.toFixed(0)}`);
  console.log(`  wall ${wallMs.toFixed(0)} ms (CPU ${cpuMs.toFixed(0)} ms); ${s.recomputations} recomputations, ${(s.recomputations / (wallMs / 1000)).toFixed(0)} per s`);
  console.log(`  flows touched per recomputation: mean ${result.meanFlowsTouched.toFixed(1)}, max ${s.maxFlowsTouched}`);
  console.log(`  load average when measured: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`);
  console.log(
    FLOWS === FLOW_COUNT
      ? `  target < ${TARGET_MS} ms: ${result.met ? 'met' : 'NOT met'}`
      : `  target < ${TARGET_MS} ms applies to ${FLOW_COUNT} flows: not judged on ${FLOWS}`,
  );
  return result;
}
