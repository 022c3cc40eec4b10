// Kernel benchmark (issue 10): one kernel with 10,000 request-server processes in 1,000 cgroups,
// 60 simulated seconds in fluid mode; target < 5 s wall. Prints events per second and a verdict.
import { performance } from 'node:perf_hooks';
import { parseProgram } from '@strata/shared-types';
import { createKernel } from '../src/index.js';

const GROUPS = 1_000;
const PER_GROUP = 10;
const CPUS = 128;
const SECONDS = 60;
const TARGET_MS = 5_000;

/** Build and run the kernel bench once; returns wall ms. */
export function runKernelBench(): { wallMs: number; met: boolean } {
  // Each server: 2 requests/s of 5 ms CPU on one worker: 100 CPU-seconds per second in all, 78% of 128 CPUs.
  const program = parseProgram([{ serve: { rate: 2, cpu: '5ms', workers: 1, duration: `${SECONDS}s` } }]);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const k = createKernel({ cpus: CPUS, memory: 512 * 2 ** 30, fidelity: 'fluid', seed: 1 });
  k.write('/', 'cgroup.subtree_control', '+cpu +pids');
  for (let g = 0; g < GROUPS; g++) {
    k.mkdir(`/g${g}`);
    k.write(`/g${g}`, 'cpu.weight', String(50 + (g % 4) * 50));
  }
  const pids: number[] = [];
  for (let g = 0; g < GROUPS; g++) for (let i = 0; i < PER_GROUP; i++) pids.push(k.spawn({ name: `s${g}.${i}`, cgroup: `/g${g}`, program }));
  const built = performance.now();
  let events = 0;
  for (let s = 1; s <= SECONDS + 1; s++) events += k.advanceTo(s * 1_000_000).length;
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  let arrived = 0;
  let completed = 0;
  const p99: number[] = [];
  for (const pid of pids) {
    const serve = k.process(pid).serve!;
    arrived += serve.arrived;
    completed += serve.completed;
    if (serve.latencyUs !== null) p99.push(serve.latencyUs.p99);
  }
  p99.sort((a, b) => a - b);
  const changes = arrived * 3; // an arrival timer, a worker wake and its completion per request
  const met = wallMs < TARGET_MS;
  console.log(`kernel: ${GROUPS * PER_GROUP} request servers in ${GROUPS} cgroups, ${CPUS} CPUs, ${SECONDS} s simulated, fluid`);
  console.log(`  build ${(built - t0).toFixed(0)} ms; run ${(wallMs - (built - t0)).toFixed(0)} ms; wall ${wallMs.toFixed(0)} ms (CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, GC threads included)`);
  console.log(`  requests ${arrived} arrived, ${completed} served; ${(changes / (wallMs / 1000) / 1e6).toFixed(2)} M events/s (arrivals, wakes, completions); ${events} domain events`);
  console.log(`  median of per-server p99 latency ${(p99[Math.floor(p99.length / 2)]! / 1000).toFixed(2)} ms`);
  console.log(`  target < ${TARGET_MS} ms: ${met ? 'met' : 'NOT met'}`);
  return { wallMs, met };
}
