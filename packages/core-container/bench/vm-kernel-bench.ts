// One VM of core-cluster's issue-14 datacenter, many times over: a fluid kernel on 2 CPUs whose
// capacities a host sets (a vCPU runs at 1 while its kernel wants it, halts at 0 otherwise), Docker's
// engine on it, 5 `web` containers each serving 0.5 requests/s of 2 ms CPU and 256K on 4 workers,
// driven as core-cluster drives a guest (read nextEventTime, advance to it, re-report the demand),
// every container's usage sampled each simulated second. Prints µs per request (the target of the
// whole datacenter is ~2 µs per request in all its layers) and heap bytes per container.
// Run alone: `node --conditions=strata-source --import tsx bench/vm-kernel-bench.ts`.
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createContainerEngine, createKernel } from '../src/index.js';
import type { ContainerEngine, Kernel } from '../src/index.js';

const CPUS = 2;
const CONTAINERS = 5;
const RATE = 0.5;
const COMMAND = [{ listen: 80 }, { serve: { rate: RATE, cpu: '2ms', memory: '256K', workers: 4 } }];
/** The whole datacenter's budget per request (12 M requests in < 60 s, every layer together). */
const TARGET_US_PER_REQUEST = 2;

interface Vm {
  readonly kernel: Kernel;
  readonly engine: ContainerEngine;
  readonly ids: string[];
  /** What each CPU was last given. */
  readonly pushed: number[];
  /** A usage reader per container (the sampler's way in). */
  readonly readers: (() => number)[];
}

/** Give each CPU what a host gives a vCPU asking clamp(wanted − i, 0, 1): that much, or 0 (halted). */
function hostSync(vm: Vm): void {
  const wanted = vm.kernel.wantedCpus();
  for (let i = 0; i < CPUS; i++) {
    const c = Math.min(1, Math.max(0, wanted - i));
    if (c !== vm.pushed[i]) {
      vm.pushed[i] = c;
      vm.kernel.setCpuCapacity(i, c);
    }
  }
}

function buildVm(index: number, sampler: 'usage' | 'handle'): Vm {
  const pushed = new Array<number>(CPUS).fill(0);
  const kernel = createKernel({ cpus: CPUS, memory: 4 * 2 ** 30, fidelity: 'fluid', seed: `bench/vm/${index}`, cpuCapacity: pushed.slice() });
  const engine = createContainerEngine({ kernel, seed: `bench/vm/${index}`, onEvent: () => {} });
  const ids: string[] = [];
  for (let c = 0; c < CONTAINERS; c++) ids.push(engine.run({ image: 'web', name: `web-${c}`, command: COMMAND }));
  const vm: Vm = { kernel, engine, ids, pushed, readers: [] };
  for (const id of ids) {
    const path = `/docker/${id}`;
    if (sampler === 'handle' && typeof (kernel as Partial<{ cgroupHandle: unknown }>).cgroupHandle === 'function') {
      const h = (kernel as unknown as { cgroupHandle(p: string): { cpuUsec: number } }).cgroupHandle(path);
      vm.readers.push(() => h.cpuUsec);
    } else vm.readers.push(() => kernel.cgroupUsage(path).cpuUsec);
  }
  hostSync(vm);
  return vm;
}

/** Run `vm` to `until` as a host runs its guest: event by event, the demand re-reported after each. */
function runVm(vm: Vm, until: number): void {
  for (;;) {
    const next = vm.engine.nextEventTime();
    if (next > until) break;
    vm.engine.advanceTo(next);
    hostSync(vm);
  }
  vm.engine.advanceTo(until);
}

export interface VmKernelBenchResult {
  readonly usPerRequest: number;
  readonly cpuUsPerRequest: number;
  readonly bytesPerContainer: number | null;
  readonly requests: number;
  readonly checksum: number;
}

/** `kernels` VMs for `seconds` simulated seconds, interleaved second by second, sampled every second. */
export function runVmKernelBench(kernels = 40, seconds = 2_000, sampler: 'usage' | 'handle' = 'handle'): VmKernelBenchResult {
  // A full collection before and after building (exposed here when node was not started with --expose-gc).
  let gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as (() => void) | undefined;
  }
  // Heap per container: N stacks built after a full collection, measured after another.
  let bytesPerContainer: number | null = null;
  if (gc !== undefined) {
    const n = 400;
    gc();
    const heap = (): number => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers; // typed arrays' storage counts too
    };
    const before = heap();
    const held = Array.from({ length: n }, (_, i) => buildVm(1_000_000 + i, sampler));
    // A second of running: the servers' workers, timers and first requests exist.
    for (const vm of held) runVm(vm, 1_000_000);
    gc();
    bytesPerContainer = (heap() - before) / (n * CONTAINERS);
    held.length = 0;
    gc();
  }
  const t0 = performance.now();
  const vms = Array.from({ length: kernels }, (_, i) => buildVm(i, sampler));
  const built = performance.now();
  const cpu0 = process.cpuUsage();
  let checksum = 0;
  for (let s = 1; s <= seconds; s++) {
    const t = s * 1_000_000;
    for (const vm of vms) {
      runVm(vm, t);
      for (const read of vm.readers) checksum += read();
    }
  }
  const ran = performance.now();
  const cpu = process.cpuUsage(cpu0);
  let requests = 0;
  for (const vm of vms) requests += vm.kernel.serveSummary().completed;
  const usPerRequest = ((ran - built) * 1000) / requests;
  const cpuUsPerRequest = (cpu.user + cpu.system) / requests;
  console.log(`vm kernels: ${kernels} kernels × ${CONTAINERS} web containers (${RATE} req/s, 2 ms, 256K, 4 workers), ${CPUS} CPUs set by a host, fluid, ${seconds} s simulated, usage sampled every 1 s (${sampler})`);
  console.log(`  build ${(built - t0).toFixed(0)} ms; run ${(ran - built).toFixed(0)} ms; ${requests} requests; ${usPerRequest.toFixed(2)} µs per request wall, ${cpuUsPerRequest.toFixed(2)} µs CPU (sampling included); checksum ${checksum}`);
  console.log(`  heap per container: ${bytesPerContainer === null ? 'not measured (run with --expose-gc)' : `${Math.round(bytesPerContainer)} bytes with array buffers (${CONTAINERS} per kernel, kernel and engine included, after 1 s of running)`}`);
  console.log(`  target < ${TARGET_US_PER_REQUEST} µs per request in the kernel and engine: ${usPerRequest < TARGET_US_PER_REQUEST ? 'met' : 'NOT met'}`);
  return { usPerRequest, cpuUsPerRequest, bytesPerContainer, requests, checksum };
}

if (process.argv[1]?.endsWith('vm-kernel-bench.ts')) runVmKernelBench();
