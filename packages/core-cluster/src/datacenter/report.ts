// Metric sampling and the run report: at each `metrics.interval` instant every host's CPU
// utilization, every built VM's steal fraction over the interval and every container's CPU (cores)
// and memory are recorded (series named `host:h-0/cpu`, `vm:vm-3/steal`, `container:web-0/cpu`,
// `container:web-0/memory`); the report summarizes them, or the state now when nothing was sampled.
import type { MetricsRecorder } from '../metrics/metrics-recorder.js';
import { createSummaryAccumulator } from '../metrics/summary-accumulator.js';
import type { SummaryAccumulator } from '../metrics/summary-accumulator.js';
import { summarize } from '../metrics/summarize.js';
import type { BatchModel } from '../batch/index.js';
import type { RunReport } from '../types.js';
import { hostCpuUtilization } from './hosts.js';
import type { DcState } from './state.js';
import { containerUsage, containerView, vmCpu, vmState } from './views.js';

/** The sampler: series in a recorder, running summaries for the report. */
export class Sampler {
  readonly hostUtilization: SummaryAccumulator = createSummaryAccumulator();
  private readonly lastVm = new Map<string, { cpu: number; steal: number }>();
  private readonly lastContainer = new Map<string, number>();
  private lastTime = -1;

  constructor(
    private readonly dc: DcState,
    readonly recorder: MetricsRecorder,
  ) {}

  /** Record every series at `time` (the simulation's now; models brought to it first). */
  sample(time: number): void {
    const dc = this.dc;
    const names: string[] = [];
    const values: number[] = [];
    const put = (name: string, unit: string, value: number): void => {
      if (!this.recorder.has(name)) this.recorder.define(name, unit);
      names.push(name);
      values.push(Number.isFinite(value) ? value : 0);
    };
    const dt = this.lastTime < 0 ? 0 : time - this.lastTime;
    for (const h of dc.hostList) {
      h.slot?.sync();
      const u = hostCpuUtilization(dc, h);
      this.hostUtilization.add(u);
      put(`host:${h.name}/cpu`, 'fraction', u);
      if (h.hv === null) continue;
      for (const name of h.vms) {
        const vm = dc.vms.get(name)!;
        const now = vmCpu(dc, vm);
        const last = this.lastVm.get(name) ?? { cpu: now.cpuUsec, steal: now.stealUsec };
        const dCpu = now.cpuUsec - last.cpu;
        const dSteal = now.stealUsec - last.steal;
        this.lastVm.set(name, { cpu: now.cpuUsec, steal: now.stealUsec });
        put(`vm:${name}/steal`, 'fraction', dCpu + dSteal > 0 ? dSteal / (dCpu + dSteal) : 0);
      }
    }
    for (const rec of dc.containers.values()) {
      const v = containerUsage(dc, rec);
      const last = this.lastContainer.get(rec.name) ?? v.cpuUsec;
      this.lastContainer.set(rec.name, v.cpuUsec);
      put(`container:${rec.name}/cpu`, 'cores', dt > 0 ? Math.max(0, v.cpuUsec - last) / dt : 0);
      put(`container:${rec.name}/memory`, 'bytes', v.memoryBytes);
    }
    this.recorder.sampleMany(time, names, values);
    this.lastTime = time;
  }
}

/** The report as of now. */
export function buildReport(dc: DcState, sampler: Sampler | null, batch: BatchModel | null): RunReport {
  const now = dc.sim.now();
  for (const h of dc.hostList) h.slot?.sync();
  const steal: number[] = [];
  let running = 0;
  for (const vm of dc.vms.values()) {
    const c = vmCpu(dc, vm);
    steal.push(c.cpuUsec + c.stealUsec > 0 ? (100 * c.stealUsec) / (c.cpuUsec + c.stealUsec) : 0);
    if (vmState(dc, vm) === 'running') running++;
  }
  let containersRunning = 0;
  let restarts = 0;
  for (const rec of dc.containers.values()) {
    const v = containerView(dc, rec);
    if (v.state === 'running') containersRunning++;
    restarts += v.restarts;
  }
  const cpuUtilization = sampler !== null && sampler.hostUtilization.count > 0 ? sampler.hostUtilization.summary() : summarize(dc.hostList.map((h) => hostCpuUtilization(dc, h)));
  return {
    name: dc.scenario.name,
    seed: dc.scenario.seed,
    fidelity: dc.fidelity,
    simulatedUs: now,
    events: dc.sim.eventsExecuted(),
    hosts: { count: dc.hostList.length, failures: dc.counters.hostFailures, cpuUtilization },
    vms: { count: dc.vms.size, running, migrations: dc.counters.migrations, haRestarts: dc.counters.haRestarts, stealPercent: summarize(steal) },
    containers: { count: dc.containers.size, running: containersRunning, restarts, oomKills: dc.sink.byType.get('container.oom') ?? 0 },
    ...(batch === null ? {} : { jobs: batch.summary() }),
    energy: dc.energy.kWhUntil(now),
  };
}
