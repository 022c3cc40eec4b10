// Metric sampling and the run report: at each `metrics.interval` instant every host's CPU
// utilization, every built VM's steal fraction over the interval, every container's CPU (cores)
// and memory, and each host NIC direction's utilization over the interval are recorded (series named
// `host:h-0/cpu`, `vm:vm-3/steal`, `container:web-0/cpu`, `container:web-0/memory`, `nic:h-0/tx`,
// `nic:h-0/rx`); the report summarizes them, or the state now when nothing was sampled.
import type { CgroupHandle, Kernel } from '@strata/core-container';
import type { FlowNetwork } from '@strata/core-network';
import type { MetricsRecorder } from '../metrics/metrics-recorder.js';
import { createSummaryAccumulator } from '../metrics/summary-accumulator.js';
import type { SummaryAccumulator } from '../metrics/summary-accumulator.js';
import { summarize } from '../metrics/summarize.js';
import type { BatchModel } from '../batch/index.js';
import type { RunReport, Series } from '../types.js';
import { hostCpuUtilization } from './hosts.js';
import type { ContainerStack } from './container-stack.js';
import type { ContainerRec, DcState, HostRec, VmRec } from './state.js';
import { readStackOf } from './container-ops.js';
import { laneInstantsPerPass } from './host-lane.js';
import { ReadingRuns, type SeriesWriter } from './reading-runs.js';
import { containerView, vmCpu, vmState } from './views.js';

/** A VM's steal series: its id (−1 until first defined), the VM it is bound to now, and its CPU and steal totals at its last reading (NaN: none yet). */
interface VmSlot {
  id: number;
  rec: VmRec | null;
  cpu: number;
  steal: number;
}

/**
 * A container's two series (ids −1 until first defined), the record it is bound to now and its VM
 * (null on bare metal), its CPU total at its last reading (NaN: none yet), and its cgroup resolved once
 * for numeric reads (`Kernel.cgroupHandle`), again whenever the container's kernel or id changed (an HA
 * restart builds a fresh kernel; a re-created container has a new id).
 */
interface ContainerSlot {
  cpuId: number;
  memoryId: number;
  rec: ContainerRec | null;
  vm: VmRec | null;
  cpu: number;
  kernel: Kernel | null;
  containerId: string;
  handle: CgroupHandle | null;
  /** The plan that last placed it on a host (`Plan.stamp`); an older one: it is on none (read at the sample). */
  planned: number;
}

/** Who is on a host: its VMs' slots, and each VM's containers' slots (a bare-metal host's own under index 0). */
interface HostPlan {
  readonly vms: readonly VmSlot[];
  readonly containers: readonly (readonly ContainerSlot[])[];
}

/**
 * Every source a sample reads, resolved from the names once per change of `DcState.layoutEpoch` (not
 * by name at every reading), every series defined: each host's VMs and containers, and the containers
 * that are on no host now (a VM not placed), read at the sample itself.
 */
interface Plan {
  readonly epoch: number;
  readonly stamp: number;
  readonly hosts: readonly HostPlan[];
  readonly unhosted: readonly ContainerSlot[];
}

/** A host NIC direction's series: its id, the link's capacity (bytes/s) and the bytes it had carried at the last sample. */
interface NicSlot {
  readonly id: number;
  readonly capacity: number;
  bytes: number;
}

/** The datacenter's flow network (host NIC links `nic:<host>:tx` / `:rx`) and how to bring it to now. */
export interface SampledFlows {
  readonly flows: FlowNetwork;
  sync(): void;
}

/**
 * The sampler: series in a recorder, running summaries for the report. Each series is defined once,
 * and a reading records its value straight into its series, by id (`MetricsRecorder.sample`): a
 * sample costs reading the models, not building names, looking them up or gathering values.
 *
 * With a host lane, hosts are read as the lane takes them past each instant (`readHost`, while their
 * kernels are in the CPU's caches, possibly many instants ahead of the sample), and `sample` then
 * reads only what the lane did not visit and adds the hosts' utilizations to the report's summary in
 * host order (held meanwhile in `utilization`, a row per instant in flight). Either way the same values
 * at the same instants: every source is read once per instant, in time order, so the rates (a VM's
 * steal, a container's CPU) come from each source's previous reading, and each series is written in
 * time order, one host's after another's.
 */
export class Sampler {
  readonly hostUtilization: SummaryAccumulator = createSummaryAccumulator();
  /** Every NIC direction's utilization sample (`RunReport.network.nicUtilization`). */
  readonly nicUtilization: SummaryAccumulator = createSummaryAccumulator();
  private readonly nicSlots = new Map<string, NicSlot>();
  /** Series id of each host's CPU, by host index (−1: not defined yet). */
  private hostIds: number[] = [];
  /** The last instant each host was read at, by host index. */
  private readAt: number[] = [];
  /**
   * The utilization read of each host at each instant not yet sampled: a row of hosts per instant, in
   * a ring of `instantsPerPass` + 1 rows (NaN: not read), as many as a lane pass reads ahead.
   */
  private utilization = new Float64Array(0);
  /** Each host's readings held for a run of instants (`ReadingRuns`), by host index. */
  private runs: (ReadingRuns | undefined)[] = [];
  private ringHosts = 0;
  private readonly vmSlots = new Map<string, VmSlot>();
  private readonly containerSlots = new Map<string, ContainerSlot>();
  private plan: Plan | null = null;
  private plans = 0;
  /** The first instant read (its rates are 0: nothing before it). */
  private first = -1;

  constructor(
    private readonly dc: DcState,
    readonly recorder: MetricsRecorder,
    private readonly network: SampledFlows | null = null,
  ) {}

  /** Most sampling instants a lane pass may read before their samples (`laneInstantsPerPass` of the hosts). */
  get instantsPerPass(): number {
    return laneInstantsPerPass(this.dc.hostList.length);
  }

  /**
   * Read host `h` at sampling instant `time`, the host's models there (a lane takes it past `time`
   * before the sample is assembled): its utilization, its VMs' steal over the interval, its
   * containers' CPU over the interval and memory.
   */
  readHost(h: HostRec, time: number): void {
    this.read(h, time, this.current(false));
  }

  /** The span a rate read at `time` covers, µs: one interval, or 0 at the first instant read (nothing before it). */
  private spanTo(time: number): number {
    if (this.first < 0) this.first = time;
    return time > this.first ? this.recorder.interval : 0;
  }

  private read(h: HostRec, time: number, plan: Plan): void {
    const dt = this.spanTo(time);
    this.readAt[h.index] = time;
    const run = (this.runs[h.index] ??= new ReadingRuns(this.recorder));
    run.begin(time);
    const u = finite(hostCpuUtilization(h));
    run.put(this.hostIds[h.index]!, u);
    const at = this.ringRow(time); // first: it may make the ring
    this.utilization[at + h.index] = u;
    const hp = plan.hosts[h.index]!;
    if (h.hv === null) {
      readContainers(run, hp.containers[0]!, h.stack, dt);
      run.end();
      return;
    }
    const dc = this.dc;
    for (let i = 0; i < hp.vms.length; i++) {
      const slot = hp.vms[i]!;
      const vm = slot.rec!;
      const c = vmCpu(dc, vm);
      if (slot.cpu !== slot.cpu) {
        slot.cpu = c.cpuUsec;
        slot.steal = c.stealUsec;
      }
      const dCpu = c.cpuUsec - slot.cpu;
      const dSteal = c.stealUsec - slot.steal;
      slot.cpu = c.cpuUsec;
      slot.steal = c.stealUsec;
      run.put(slot.id, finite(dCpu + dSteal > 0 ? dSteal / (dCpu + dSteal) : 0));
      const slots = hp.containers[i]!;
      if (slots.length > 0) readContainers(run, slots, vm.guest.readStack(), dt);
    }
    run.end();
  }

  /** Record every host's held readings (before anything reads the series, and before the layout changes). */
  flush(): void {
    for (const run of this.runs) run?.flush();
  }

  /** Every series, as the recorder has them once the held readings are in. */
  series(): Series[] {
    this.flush();
    return this.recorder.series();
  }

  /** Where the utilization row of instant `time` starts in the ring (made, or made again for another host count, when no instant is in flight). */
  private ringRow(time: number): number {
    const hosts = this.dc.hostList.length;
    const rows = this.instantsPerPass + 1;
    if (this.ringHosts !== hosts) {
      this.utilization = new Float64Array(rows * hosts).fill(NaN);
      this.ringHosts = hosts;
    }
    return (Math.round(time / this.recorder.interval) % rows) * hosts;
  }

  /**
   * The plan now: the one kept while the layout epoch holds, or (`fresh`) resolved by name again —
   * without a lane every sample does so, so the tests comparing the two also check that every change
   * of who is where bumps the epoch.
   */
  private current(fresh: boolean): Plan {
    const known = this.plan;
    if (!fresh && known !== null && known.epoch === this.dc.layoutEpoch) return known;
    // A host's held readings follow its layout: they are recorded before it changes.
    this.flush();
    return (this.plan = this.resolve());
  }

  /**
   * Resolve every source by name and define the series not defined yet, in the order samples have
   * always listed them: each host's CPU followed by its VMs' steal, then every container's CPU and
   * memory in the datacenter's order.
   */
  private resolve(): Plan {
    const dc = this.dc;
    const recorder = this.recorder;
    const stamp = ++this.plans;
    const hosts: HostPlan[] = [];
    const place = (names: readonly string[], into: ContainerSlot[][]): void => {
      const slots: ContainerSlot[] = [];
      for (const name of names) {
        if (!dc.containers.has(name)) continue;
        const slot = this.containerSlot(name);
        slot.planned = stamp;
        slots.push(slot);
      }
      into.push(slots);
    };
    for (const h of dc.hostList) {
      if ((this.hostIds[h.index] ?? -1) < 0) this.hostIds[h.index] = recorder.define(`host:${h.name}/cpu`, 'fraction');
      const vms: VmSlot[] = [];
      const containers: ContainerSlot[][] = [];
      if (h.hv === null) place(h.containers, containers);
      else {
        for (const name of h.vms) {
          const vm = dc.vms.get(name)!;
          const slot = this.vmSlot(name);
          if (slot.id < 0) slot.id = recorder.define(`vm:${name}/steal`, 'fraction');
          slot.rec = vm;
          vms.push(slot);
          place(vm.containers, containers);
        }
      }
      hosts[h.index] = { vms, containers };
    }
    const unhosted: ContainerSlot[] = [];
    for (const rec of dc.containers.values()) {
      const slot = this.containerSlot(rec.name);
      if (slot.cpuId < 0) {
        slot.cpuId = recorder.define(`container:${rec.name}/cpu`, 'cores');
        slot.memoryId = recorder.define(`container:${rec.name}/memory`, 'bytes');
      }
      slot.rec = rec;
      slot.vm = rec.onKind === 'vm' ? (dc.vms.get(rec.on) ?? null) : null;
      if (slot.planned !== stamp) unhosted.push(slot);
    }
    return { epoch: dc.layoutEpoch, stamp, hosts, unhosted };
  }

  /** Record every series at `time` (the simulation's now; models brought to it first, or read there by the lane). */
  sample(time: number): void {
    const dc = this.dc;
    const recorder = this.recorder;
    const plan = this.current(dc.lane === null);
    for (const h of dc.hostList) {
      // A host is read at every instant it is taken past, in time order: one read at a later instant
      // was read at this one (its utilization in the ring tells).
      if ((this.readAt[h.index] ?? -1) >= time) continue;
      notAhead(h, time);
      h.slot?.sync();
      this.read(h, time, plan);
    }
    const dt = this.spanTo(time);
    const at = this.ringRow(time);
    const ring = this.utilization;
    for (const h of dc.hostList) {
      const u = ring[at + h.index]!;
      if (u !== u) throw new Error(`internal: host ${h.name} was taken past the sample at ${time} µs and not read there`);
      ring[at + h.index] = NaN;
      this.hostUtilization.add(u);
    }
    // Containers on no host: read at the sample (a VM's stack brought to now once for all of its containers).
    const unhosted = plan.unhosted;
    for (let i = 0; i < unhosted.length; ) {
      const slot = unhosted[i]!;
      let j = i + 1;
      let stack: ContainerStack | null;
      if (slot.vm === null) stack = readStackOf(dc, slot.rec!);
      else {
        const host = slot.vm.host === null ? undefined : dc.hosts.get(slot.vm.host);
        if (host !== undefined) notAhead(host, time);
        stack = slot.vm.guest.readStack();
        while (j < unhosted.length && unhosted[j]!.vm === slot.vm) j++;
      }
      readContainers({ put: (id, v) => recorder.sample(time, id, v) }, unhosted.slice(i, j), stack, dt);
      i = j;
    }
    if (this.network !== null) {
      // Each NIC link of the flow network (made when a transfer first crosses the host's NIC; none
      // before), its series defined at its first sample: bytes carried over the interval ÷ what the
      // link could carry in it; at the first sample, the load now ÷ capacity.
      this.network.sync();
      const flows = this.network.flows;
      for (const linkId of flows.linkIds()) {
        if (!linkId.startsWith('nic:')) continue;
        const link = flows.link(linkId);
        let slot = this.nicSlots.get(linkId);
        if (slot === undefined) {
          const cut = linkId.lastIndexOf(':');
          this.nicSlots.set(linkId, (slot = { id: recorder.define(`${linkId.slice(0, cut)}/${linkId.slice(cut + 1)}`, 'fraction'), capacity: link.capacityBytesPerSecond, bytes: 0 }));
        }
        const carried = link.bytesCarried - slot.bytes;
        slot.bytes = link.bytesCarried;
        const u = slot.capacity <= 0 ? 0 : Math.min(1, dt > 0 ? carried / ((slot.capacity * dt) / 1_000_000) : link.loadBytesPerSecond / slot.capacity);
        this.nicUtilization.add(u);
        recorder.sample(time, slot.id, finite(u));
      }
    }
  }

  private vmSlot(name: string): VmSlot {
    let slot = this.vmSlots.get(name);
    if (slot === undefined) this.vmSlots.set(name, (slot = { id: -1, rec: null, cpu: NaN, steal: NaN }));
    return slot;
  }

  private containerSlot(name: string): ContainerSlot {
    let slot = this.containerSlots.get(name);
    if (slot === undefined) {
      slot = { cpuId: -1, memoryId: -1, rec: null, vm: null, cpu: NaN, kernel: null, containerId: '', handle: null, planned: 0 };
      this.containerSlots.set(name, slot);
    }
    return slot;
  }
}

/** A recorded value: a non-finite reading is recorded as 0. */
function finite(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

/** Read containers (on their machine's `stack`) into `out`: CPU over the last `dt` µs (cores; 0 at the first reading) and memory now. */
function readContainers(out: SeriesWriter, slots: readonly ContainerSlot[], stack: ContainerStack | null, dt: number): void {
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const handle = containerHandle(slot.rec!, slot, stack);
    const cpu = handle?.cpuUsec ?? 0;
    const last = slot.cpu !== slot.cpu ? cpu : slot.cpu;
    slot.cpu = cpu;
    out.put(slot.cpuId, finite(dt > 0 ? Math.max(0, cpu - last) / dt : 0));
    out.put(slot.memoryId, finite(handle?.memoryBytes ?? 0));
  }
}

/** A host read at the sample itself must not have run past it (the lane reads every host it takes past an instant). */
function notAhead(h: HostRec, time: number): void {
  if (h.slot !== null && h.slot.advancedTo > time) throw new Error(`internal: host ${h.name} is at ${h.slot.advancedTo} µs, past the sample at ${time} µs, and was not read there`);
}

/** The container's cgroup handle on `stack`, its machine's stack brought to now, or null when it has none (not on a running machine). */
function containerHandle(rec: ContainerRec, slot: ContainerSlot, stack: ContainerStack | null): CgroupHandle | null {
  if (stack === null || rec.id === '') return null;
  // Resolved again when the kernel or id changed, or when the cgroup went (a stopped container's cgroup
  // is removed; started again, it is made afresh at the same path).
  if (slot.kernel !== stack.kernel || slot.containerId !== rec.id || slot.handle === null || !slot.handle.exists) {
    slot.kernel = stack.kernel;
    slot.containerId = rec.id;
    try {
      slot.handle = stack.kernel.cgroupHandle(`/docker/${rec.id}`);
    } catch {
      slot.handle = null;
    }
  }
  return slot.handle;
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
  const cpuUtilization = sampler !== null && sampler.hostUtilization.count > 0 ? sampler.hostUtilization.summary() : summarize(dc.hostList.map((h) => hostCpuUtilization(h)));
  return {
    name: dc.scenario.name,
    seed: dc.scenario.seed,
    fidelity: dc.fidelity,
    simulatedUs: now,
    events: dc.sim.eventsExecuted() + (dc.lane?.steps ?? 0) + (dc.lane?.samples ?? 0),
    hosts: { count: dc.hostList.length, failures: dc.counters.hostFailures, cpuUtilization },
    vms: { count: dc.vms.size, running, migrations: dc.counters.migrations, haRestarts: dc.counters.haRestarts, stealPercent: summarize(steal) },
    containers: { count: dc.containers.size, running: containersRunning, restarts, oomKills: dc.sink.byType.get('container.oom') ?? 0 },
    ...(batch === null ? {} : { jobs: batch.summary() }),
    ...servedRequests(dc),
    ...(sampler !== null && sampler.nicUtilization.count > 0 ? { network: { nicUtilization: sampler.nicUtilization.summary() } } : {}),
    energy: dc.energy.kWhUntil(now),
  };
}

/**
 * `RunReport.requests`, when some server got a request: the requests completed and their latencies
 * (ms) over every container kernel of the run — those the datacenter has now (in VM guests and on
 * bare metal) and those it dropped (`dc.retiredRequests`: failed bare-metal hosts, guests replaced at
 * a restart, deleted VMs) — each kernel's whole-run accumulator merged: exact count, mean, min and
 * max, percentiles within 1 %.
 */
function servedRequests(dc: DcState): Pick<RunReport, 'requests'> {
  const totals = dc.retiredRequests.copy();
  for (const vm of dc.vms.values()) {
    const stack = vm.guest.readStack();
    if (stack !== null) totals.addKernel(stack.kernel);
  }
  for (const h of dc.hostList) if (h.stack !== null) totals.addKernel(h.stack.kernel);
  return totals.report();
}
