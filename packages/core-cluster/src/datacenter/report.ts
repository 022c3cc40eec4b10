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
import type { RunReport } from '../types.js';
import { hostCpuUtilization } from './hosts.js';
import type { ContainerStack } from './container-stack.js';
import type { ContainerRec, DcState, HostRec, VmRec } from './state.js';
import { readStackOf } from './container-ops.js';
import { LANE_PASS_SAMPLES } from './host-lane.js';
import { containerView, vmCpu, vmState } from './views.js';

/**
 * What a lane host read as it passed sampling instants (`readHost`), for the sample at each instant to
 * take instead of reading the models, which are past it by then: one table, a row per instant (a ring
 * of `LANE_PASS_SAMPLES`, as many as a pass reads before they are assembled), a cell of (time, a, b)
 * per source — a host (utilization), a VM (CPU and steal totals), a container (CPU total and memory) —
 * by the source's number. Sources are numbered as they are first read, in about the order the sample
 * visits them, so the sample reads the table nearly in memory order.
 */
class ReadingTable {
  private readonly rows: Float64Array[] = [];
  private width = 0;
  a = 0;
  b = 0;

  /** `sizeHint`: the sources expected (the first allocation holds them all: growing row by row is garbage). */
  constructor(
    private readonly interval: number,
    private readonly sizeHint: number,
  ) {}

  private row(time: number): Float64Array {
    const i = Math.floor(time / this.interval) % LANE_PASS_SAMPLES;
    return this.rows[i]!;
  }

  /** Room for cell numbers below `n` (the rows made at the first reading, so a sampler without a lane allocates none). */
  private reserve(n: number): void {
    const width = Math.max(n, this.width * 2, this.sizeHint, 64);
    for (let i = 0; i < LANE_PASS_SAMPLES; i++) {
      const row = new Float64Array(width * 3).fill(-1);
      const old = this.rows[i];
      if (old !== undefined) row.set(old);
      this.rows[i] = row;
    }
    this.width = width;
  }

  put(slot: number, time: number, a: number, b: number): void {
    if (slot >= this.width) this.reserve(slot + 1);
    const row = this.row(time);
    const at = slot * 3;
    row[at] = time;
    row[at + 1] = a;
    row[at + 2] = b;
  }

  /** The reading of `slot` at `time` into `a` and `b` (false when there is none). */
  take(slot: number, time: number): boolean {
    if (slot >= this.width) return false;
    const row = this.row(time);
    const at = slot * 3;
    if (row[at] !== time) return false;
    this.a = row[at + 1]!;
    this.b = row[at + 2]!;
    return true;
  }
}

/** A VM's series: its id (−1 until its first sample defines it), the VM's CPU and steal totals at the last sample (NaN: none yet), and its cell in the reading table. */
interface VmSlot {
  readonly cell: number;
  id: number;
  cpu: number;
  steal: number;
}

/**
 * A container's two series (ids −1 until its first sample defines them), its CPU total at the last
 * sample (NaN: none yet), and its cgroup resolved once for numeric reads (`Kernel.cgroupHandle`), again
 * whenever the container's kernel or id changed (an HA restart builds a fresh kernel; a re-created
 * container has a new id).
 */
interface ContainerSlot {
  /** Its cell in the reading table. */
  readonly cell: number;
  cpuId: number;
  memoryId: number;
  /** The record it was last bound to, and its VM (null on bare metal), resolved once per binding. */
  rec: ContainerRec | null;
  vm: VmRec | null;
  cpu: number;
  kernel: Kernel | null;
  containerId: string;
  handle: CgroupHandle | null;
}

/**
 * Who is on a host, resolved from the names once per change of `DcState.layoutEpoch` (not by name at
 * every reading): its VMs (records and series slots), and each VM's containers (or the bare-metal
 * host's own, under index 0).
 */
interface HostLayout {
  readonly epoch: number;
  readonly vms: readonly VmRec[];
  readonly vmSlots: readonly VmSlot[];
  readonly containers: readonly (readonly ContainerRec[])[];
  readonly containerSlots: readonly (readonly ContainerSlot[])[];
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
 * The sampler: series in a recorder, running summaries for the report. Each series is defined once
 * (its id kept per host, VM and container name) and every sample is one `sampleMany` of ids and a
 * Float64Array, so a sample costs reading the models, not building and looking up names.
 *
 * With a host lane, hosts are read as the lane takes them past each instant (`readHost`, while their
 * kernels are in the CPU's caches), and `sample` then takes those readings; a host the lane did not
 * visit is read at the sample, as without a lane. Either way the same values at the same instants.
 */
export class Sampler {
  readonly hostUtilization: SummaryAccumulator = createSummaryAccumulator();
  /** Every NIC direction's utilization sample (`RunReport.network.nicUtilization`). */
  readonly nicUtilization: SummaryAccumulator = createSummaryAccumulator();
  private readonly nicSlots = new Map<string, NicSlot>();
  /** Series id of each host's CPU, by host index (−1: not defined yet). */
  private hostIds: number[] = [];
  /** Each host's cell in the reading table, by host index. */
  private hostCells: number[] = [];
  /** Each host's layout, by host index. */
  private layouts: (HostLayout | undefined)[] = [];
  /** What lane hosts read on the way, and how many cells it has numbered. */
  private readonly table: ReadingTable;
  private cells = 0;
  private readonly vmSlots = new Map<string, VmSlot>();
  private readonly containerSlots = new Map<string, ContainerSlot>();
  /** The slots in the order of `dc.containers` at the last sample (checked by record identity, rebound where it moved). */
  private containerOrder: ContainerSlot[] = [];
  private ids = new Int32Array(1024);
  private values = new Float64Array(1024);
  private lastTime = -1;

  constructor(
    private readonly dc: DcState,
    readonly recorder: MetricsRecorder,
    private readonly network: SampledFlows | null = null,
  ) {
    this.table = new ReadingTable(recorder.interval, dc.hostList.length + dc.vms.size + dc.containers.size);
  }

  /**
   * Read host `h` at sampling instant `time`, the host's models there (a lane takes it past `time`
   * before the sample is assembled): its utilization, its VMs' CPU and steal totals, its containers'
   * CPU totals and memory.
   */
  readHost(h: HostRec, time: number): void {
    this.table.put((this.hostCells[h.index] ??= this.newCell()), time, hostCpuUtilization(h), 0);
    const layout = this.layout(h);
    if (h.hv === null) {
      this.readContainers(layout.containers[0]!, layout.containerSlots[0]!, h.stack, time);
      return;
    }
    for (let i = 0; i < layout.vms.length; i++) {
      const vm = layout.vms[i]!;
      const c = vmCpu(this.dc, vm);
      this.table.put(layout.vmSlots[i]!.cell, time, c.cpuUsec, c.stealUsec);
      const recs = layout.containers[i]!;
      if (recs.length > 0) this.readContainers(recs, layout.containerSlots[i]!, vm.guest.readStack(), time);
    }
  }

  private readContainers(recs: readonly ContainerRec[], slots: readonly ContainerSlot[], stack: ContainerStack | null, time: number): void {
    for (let i = 0; i < recs.length; i++) {
      const slot = slots[i]!;
      const handle = containerHandle(recs[i]!, slot, stack);
      this.table.put(slot.cell, time, handle?.cpuUsec ?? 0, handle?.memoryBytes ?? 0);
    }
  }

  /** A cell of the reading table for a new source. */
  private newCell(): number {
    return this.cells++;
  }

  /** Host `h`'s layout, resolved again when something moved since (`DcState.layoutEpoch`). */
  private layout(h: HostRec): HostLayout {
    const dc = this.dc;
    const known = this.layouts[h.index];
    if (known !== undefined && known.epoch === dc.layoutEpoch) return known;
    const vms: VmRec[] = [];
    const vmSlots: VmSlot[] = [];
    const containers: ContainerRec[][] = [];
    const containerSlots: ContainerSlot[][] = [];
    const resolve = (names: readonly string[]): void => {
      const recs: ContainerRec[] = [];
      const slots: ContainerSlot[] = [];
      for (const name of names) {
        const rec = dc.containers.get(name);
        if (rec === undefined) continue;
        recs.push(rec);
        slots.push(this.containerSlot(name));
      }
      containers.push(recs);
      containerSlots.push(slots);
    };
    if (h.hv === null) resolve(h.containers);
    else {
      for (const name of h.vms) {
        const vm = dc.vms.get(name)!;
        vms.push(vm);
        vmSlots.push(this.vmSlot(name));
        resolve(vm.containers);
      }
    }
    const layout: HostLayout = { epoch: dc.layoutEpoch, vms, vmSlots, containers, containerSlots };
    this.layouts[h.index] = layout;
    return layout;
  }

  /** Record every series at `time` (the simulation's now; models brought to it first, or read there by the lane). */
  sample(time: number): void {
    const dc = this.dc;
    const recorder = this.recorder;
    let n = 0;
    const put = (id: number, value: number): void => {
      if (n === this.ids.length) this.grow();
      this.ids[n] = id;
      this.values[n++] = Number.isFinite(value) ? value : 0;
    };
    const dt = this.lastTime < 0 ? 0 : time - this.lastTime;
    const table = this.table;
    const hostIds = this.hostIds;
    for (const h of dc.hostList) {
      let u: number;
      const cell = this.hostCells[h.index];
      if (cell !== undefined && table.take(cell, time)) u = table.a;
      else {
        notAhead(h, time);
        h.slot?.sync();
        u = hostCpuUtilization(h);
      }
      this.hostUtilization.add(u);
      let hostId = hostIds[h.index] ?? -1;
      if (hostId < 0) hostIds[h.index] = hostId = recorder.define(`host:${h.name}/cpu`, 'fraction');
      put(hostId, u);
      if (h.hv === null) continue;
      // Through the lane, the layout the readings were taken by; without it, by name (so the tests
      // comparing the two also check that every change of who is where bumps the layout epoch).
      const layout = dc.lane !== null ? this.layout(h) : null;
      const count = layout !== null ? layout.vms.length : h.vms.length;
      for (let i = 0; i < count; i++) {
        const vm = layout !== null ? layout.vms[i]! : dc.vms.get(h.vms[i]!)!;
        const slot = layout !== null ? layout.vmSlots[i]! : this.vmSlot(vm.name);
        if (slot.id < 0) slot.id = recorder.define(`vm:${vm.name}/steal`, 'fraction');
        let cpu: number;
        let steal: number;
        if (table.take(slot.cell, time)) {
          cpu = table.a;
          steal = table.b;
        } else {
          notAhead(h, time);
          const now = vmCpu(dc, vm);
          cpu = now.cpuUsec;
          steal = now.stealUsec;
        }
        if (slot.cpu !== slot.cpu) {
          slot.cpu = cpu;
          slot.steal = steal;
        }
        const dCpu = cpu - slot.cpu;
        const dSteal = steal - slot.steal;
        slot.cpu = cpu;
        slot.steal = steal;
        put(slot.id, dCpu + dSteal > 0 ? dSteal / (dCpu + dSteal) : 0);
      }
    }
    const order = this.containerOrder;
    let at = 0;
    // A VM's containers come one after another: its stack is brought to now once for all of them.
    let lastVm: VmRec | null = null;
    let lastStack: ContainerStack | null = null;
    for (const rec of dc.containers.values()) {
      let slot = order[at];
      if (slot === undefined || slot.rec !== rec) order[at] = slot = this.bind(rec);
      at++;
      let cpuUsec: number;
      let memoryBytes: number;
      if (table.take(slot.cell, time)) {
        cpuUsec = table.a;
        memoryBytes = table.b;
      } else {
        let stack: ContainerStack | null;
        if (slot.vm === null) stack = readStackOf(dc, rec);
        else if (slot.vm === lastVm) stack = lastStack;
        else {
          const host = slot.vm.host === null ? undefined : dc.hosts.get(slot.vm.host);
          if (host !== undefined) notAhead(host, time);
          stack = lastStack = (lastVm = slot.vm).guest.readStack();
        }
        const handle = containerHandle(rec, slot, stack);
        cpuUsec = handle?.cpuUsec ?? 0;
        memoryBytes = handle?.memoryBytes ?? 0;
      }
      if (slot.cpu !== slot.cpu) slot.cpu = cpuUsec;
      const last = slot.cpu;
      slot.cpu = cpuUsec;
      put(slot.cpuId, dt > 0 ? Math.max(0, cpuUsec - last) / dt : 0);
      put(slot.memoryId, memoryBytes);
    }
    order.length = at;
    if (this.network !== null) {
      // Each NIC link of the flow network (made when a transfer first crosses the host's NIC; none
      // before): bytes carried over the interval ÷ what the link could carry in it; at the first
      // sample, the load now ÷ capacity.
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
        put(slot.id, u);
      }
    }
    recorder.sampleMany(time, this.ids.subarray(0, n), this.values.subarray(0, n));
    this.lastTime = time;
  }

  private vmSlot(name: string): VmSlot {
    let slot = this.vmSlots.get(name);
    if (slot === undefined) this.vmSlots.set(name, (slot = { cell: this.newCell(), id: -1, cpu: NaN, steal: NaN }));
    return slot;
  }

  private containerSlot(name: string): ContainerSlot {
    let slot = this.containerSlots.get(name);
    if (slot === undefined) {
      slot = { cell: this.newCell(), cpuId: -1, memoryId: -1, rec: null, vm: null, cpu: NaN, kernel: null, containerId: '', handle: null };
      this.containerSlots.set(name, slot);
    }
    return slot;
  }

  /** The slot of container `rec` (its series defined at its first sample), bound to this record and its VM. */
  private bind(rec: ContainerRec): ContainerSlot {
    const slot = this.containerSlot(rec.name);
    if (slot.cpuId < 0) {
      slot.cpuId = this.recorder.define(`container:${rec.name}/cpu`, 'cores');
      slot.memoryId = this.recorder.define(`container:${rec.name}/memory`, 'bytes');
    }
    slot.rec = rec;
    slot.vm = rec.onKind === 'vm' ? (this.dc.vms.get(rec.on) ?? null) : null;
    return slot;
  }

  private grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.ids = ids;
    this.values = values;
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
