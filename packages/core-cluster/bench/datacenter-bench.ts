// Datacenter benchmarks: building a large datacenter (20,000 hosts, 40,000 VMs without containers:
// target < 1 s) and running a container scenario (events per second, simulated requests per wall
// second, the guest kernels' share of the time). `STRATA_DC_SCALE=N` multiplies the container
// scenario's VMs (default 1: 20 hosts, 100 VMs, 500 web containers, 60 simulated s).
import { loadavg } from 'node:os';
import { ScenarioSchema } from '@strata/shared-types';
import { createDatacenter, KernelGuest } from '../src/index.js';

function buildBench(): void {
  const scenario = ScenarioSchema.parse({
    name: 'big',
    seed: 1,
    duration: '1s',
    hosts: [{ name: 'h', count: 20_000, cpus: 32, memory: '256Gi' }],
    vms: [{ name: 'vm', count: 40_000, vcpus: 4, memory: '16Gi' }],
  });
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const dc = createDatacenter(scenario);
    runs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (dc.vm('vm-39999').state !== 'running') throw new Error('vm-39999 is not running');
  }
  const best = Math.min(...runs);
  const load = loadavg()[0];
  console.log(
    `datacenter build, 20,000 hosts / 40,000 VMs: wall ${runs.map((r) => r.toFixed(0)).join(', ')} ms, CPU ${cpu.map((r) => r.toFixed(0)).join(', ')} ms ` +
      `(best wall ${best.toFixed(0)} ms; target < 1000 ms: ${best < 1000 ? 'met' : 'NOT met'}; load average ${(load ?? 0).toFixed(1)})`,
  );
}

function containerBench(): void {
  const scale = Number(process.env['STRATA_DC_SCALE'] ?? '1');
  const vms = 100 * scale;
  const scenario = ScenarioSchema.parse({
    name: 'web',
    seed: 1,
    duration: '60s',
    hosts: [{ name: 'h', count: 20 * scale, cpus: 16, memory: '128Gi' }],
    networks: [{ name: 'app', subnet: '10.16.0.0/12' }],
    vms: [{ name: 'vm', count: vms, vcpus: 2, memory: '4Gi' }],
    containers: [{ name: 'web', on: 'vm', count: 5, image: 'web', networks: ['app'], command: [{ listen: 80 }, { serve: { rate: 0.5, cpu: '2ms', workers: 4 } }] }],
    metrics: { interval: '1s' },
  });
  let guestMs = 0;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped and called with its receiver below
  const advance = KernelGuest.prototype.advanceTo;
  KernelGuest.prototype.advanceTo = function timed(this: KernelGuest, t: number): void {
    const t0 = performance.now();
    advance.call(this, t);
    guestMs += performance.now() - t0;
  };
  const t0 = performance.now();
  let events = 0;
  const dc = createDatacenter(scenario, { onEvent: () => void events++ });
  const built = performance.now() - t0;
  const t1 = performance.now();
  const report = dc.run();
  const ran = performance.now() - t1;
  KernelGuest.prototype.advanceTo = advance;
  const requests = report.containers.count * 0.5 * 60;
  console.log(
    `container scenario: ${report.hosts.count} hosts, ${report.vms.count} VMs, ${report.containers.count} web containers (0.5 req/s each), 60 s simulated, fluid, 1 s metrics: ` +
      `build ${built.toFixed(0)} ms, run ${ran.toFixed(0)} ms; ${report.events} queue events (${Math.round(report.events / (ran / 1000))}/s), ${events} cluster events; ` +
      `about ${Math.round(requests)} requests (${Math.round(requests / (ran / 1000))} simulated requests per wall second); guest kernels ${((100 * guestMs) / ran).toFixed(0)} % of the run, host schedulers, queue and sampling the rest; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
}

/** Run the datacenter benchmarks. */
export function runDatacenterBench(): void {
  buildBench();
  containerBench();
}
