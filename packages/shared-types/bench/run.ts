// Parser throughput: how many quantities per second each edge parser and formatter handles,
// and how many host specs per second parseWithSchema validates. Prints one line per case.
import {
  formatBandwidth,
  formatDuration,
  formatMemory,
  HostSpecSchema,
  parseBandwidth,
  parseCpu,
  parseDockerMemory,
  parseDuration,
  parseMemory,
  parseKernelExperiment,
  parseKernelSize,
  parseProgram,
  parseWithSchema,
  type BytesPerSecond,
  type Bytes,
  type Micros,
} from '@strata/shared-types';

const DURATIONS = ['250ms', '1.5s', '100us', '2m', '1h30m', '0.001s', '42ms', '3h'];
const MEMORIES = ['512Mi', '2Gi', '256M', '1.5Gi', '1073741824', '64Ki', '1e9', '8G'];
const CPUS = ['500m', '0.5', '2', '1.25', '250m', '4', '100m', '0.001'];
const DOCKER = ['256m', '1g', '512MiB', '1.5g', '64k', '1000', '2t', '128mb'];
const BANDWIDTHS = ['100Mbit', '1Gbps', '10MB/s', '512KiB/s', '64kbit', '1.5Gbit', '8bps', '1MiB/s'];
const NUMBERS = [1_500_000, 250, 268_435_456, 12_500_000, 86_400_000_000, 1, 999_999, 2 ** 40];
const HOSTS = Array.from({ length: 8 }, (_, i) => ({ name: `h${i}`, cpus: 8 + i, memory: `${64 + i}Gi`, bandwidth: '10Gbit', labels: { zone: 'a' } }));

const KERNEL_SIZES = ['64M', '4Gi', '128m', '1.5G', '67108864', '512K', '1GiB', '2T'];
/** A typical process: handlers, a request server, a forking loop with an errno branch. */
const PROGRAM = [
  { signal: { TERM: [{ print: 'bye' }, { exit: 0 }], HUP: 'ignore' } },
  { alloc: { size: '64M', rate: '1G/s', name: 'heap' } },
  { listen: 8080 },
  { loop: { times: 10, do: [{ cpu: '5ms' }, { fork: { count: 2, program: [{ sleep: '1s' }] }, 'on-error': { EAGAIN: 'ignore' } }, { wait: 'all' }] } },
  { serve: { rate: '100/s', cpu: '2ms', memory: '1M', duration: '60s' } },
  { free: 'heap' },
  { print: 'done' },
];
/** The kernel bench: 10,000 request servers in 1,000 cgroups. */
const BIG_EXPERIMENT = {
  cpus: 64,
  memory: '256G',
  fidelity: 'fluid',
  duration: '60s',
  cgroups: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`/g${i}`, { 'cpu.weight': '100', 'memory.max': '1G' }])),
  processes: Array.from({ length: 10_000 }, (_, i) => ({ name: `p${i}`, cgroup: `/g${i % 1000}`, program: [{ serve: { rate: 50, cpu: '2ms', memory: '1M' } }] })),
};

let sink = 0;

function bench(name: string, inputs: readonly unknown[], run: (input: never) => unknown, minMs = 300): void {
  for (let i = 0; i < 20_000; i++) run(inputs[i % inputs.length] as never); // warm-up
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 10_000; i++) {
      const out = run(inputs[i % inputs.length] as never);
      if (out !== undefined) sink++;
    }
    ops += 10_000;
    elapsed = performance.now() - start;
  }
  const perSecond = (ops / elapsed) * 1000;
  console.log(`${name.padEnd(34)} ${(perSecond / 1e6).toFixed(2).padStart(6)} M ops/s  ${((elapsed * 1e6) / ops).toFixed(0).padStart(6)} ns/op`);
}

console.log(`@strata/shared-types parser bench — Node ${process.version}, ${process.platform}/${process.arch}`);
bench('parseDuration', DURATIONS, (t: string) => parseDuration(t));
bench('formatDuration', NUMBERS, (v: Micros) => formatDuration(v));
bench('parseMemory (Kubernetes)', MEMORIES, (t: string) => parseMemory(t));
bench('formatMemory (Kubernetes)', NUMBERS, (v: Bytes) => formatMemory(v));
bench('parseCpu (Kubernetes)', CPUS, (t: string) => parseCpu(t));
bench('parseDockerMemory', DOCKER, (t: string) => parseDockerMemory(t));
bench('parseBandwidth', BANDWIDTHS, (t: string) => parseBandwidth(t));
bench('formatBandwidth', NUMBERS, (v: BytesPerSecond) => formatBandwidth(v));
bench('parseWithSchema(HostSpecSchema)', HOSTS, (h: unknown) => parseWithSchema(HostSpecSchema, h, 'host spec'));
bench('parseKernelSize', KERNEL_SIZES, (t: string) => parseKernelSize(t));
bench('parseProgram (7 steps, 16 in all)', [PROGRAM], (p: unknown) => parseProgram(p), 1000);
{
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    sink += parseKernelExperiment(BIG_EXPERIMENT).processes.length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`${'parseKernelExperiment (10k procs)'.padEnd(34)} ${times[2]!.toFixed(0).padStart(6)} ms (median of 5)`);
}
if (sink === 0) console.log('(no output)');
