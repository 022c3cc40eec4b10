// One physical host as one passive model: the lifecycle, memory, devices and nested vCPU scheduling
// parts on one clock. The lifecycle decides; after every command and every instant the other parts
// are brought to what the VM's phase implies (reconcile), so they never disagree for long.
import { ConflictError, InvalidTransitionError, NotFoundError, ValidationError } from '@strata/shared-types';
import type { Micros } from '@strata/shared-types';
import { createDeviceModel } from '../devices/create-device-model.js';
import type { BlockRequest, DeviceCounters, DeviceModel, Frame } from '../devices/types.js';
import { createNestedHost } from '../host/create-nested-host.js';
import type { NestedHost, VcpuStats, VmCpuSpec } from '../host/types.js';
import { validateVmCpuSpec } from '../host/vcpu-policy.js';
import type { VmPhase } from '../lifecycle/types.js';
import { createVmLifecycles } from '../lifecycle/vm-lifecycles.js';
import type { VmLifecycles, VmView } from '../lifecycle/vm-lifecycles.js';
import { createHostMemory } from '../memory/create-host-memory.js';
import type { HostMemory, VmMemoryPhase } from '../memory/types.js';
import { GuestPort } from './guest-port.js';
import type { Hypervisor, HypervisorEvent, HypervisorOptions, HypervisorVmSpec, HypervisorVmView } from './types.js';

const MIB = 1024 * 1024;

/** What a lifecycle phase implies for the VM's memory. */
const MEMORY_PHASE_OF: Readonly<Record<VmPhase, VmMemoryPhase>> = {
  shutoff: 'stopped',
  crashed: 'stopped',
  starting: 'running',
  running: 'running',
  'shutting-down': 'running',
  restoring: 'running',
  migrating: 'running',
  paused: 'paused',
  saving: 'paused',
  snapshotting: 'paused',
};

/** Whether the guest runs (its vCPUs are host tasks): after boot, until it is paused or off. */
function guestRuns(view: VmView): boolean {
  switch (view.phase) {
    case 'running':
    case 'shutting-down':
      return true;
    case 'migrating':
      return view.returnTo?.phase === 'running' || view.returnTo?.phase === 'shutting-down';
    case 'shutoff':
    case 'crashed':
    case 'starting':
    case 'restoring':
    case 'paused':
    case 'saving':
    case 'snapshotting':
      return false;
    default: {
      const never: never = view.phase;
      return never;
    }
  }
}

interface VmEntry {
  readonly spec: HypervisorVmSpec;
  readonly cpu: VmCpuSpec;
  readonly port: GuestPort;
  devicesStarted: boolean;
  hostCpuUsec: number;
  stealUsec: number;
}

/**
 * Build the hypervisor of one host. ValidationError for a bad host spec (from the part that checks
 * it). Caller's loop: command* → (`nextEventTime()` → `advanceTo(t)`)*.
 */
export function createHypervisor(options: HypervisorOptions): Hypervisor {
  return new HypervisorModel(options);
}

class HypervisorModel implements Hypervisor {
  private readonly lifecycle: VmLifecycles;
  private readonly memory: HostMemory;
  private readonly devices: DeviceModel;
  private readonly host: NestedHost;
  private readonly vmsByName = new Map<string, VmEntry>();
  private oomVictims: string[] = [];

  constructor(o: HypervisorOptions) {
    const start = o.start ?? 0;
    this.host = createNestedHost({
      cpus: o.host.cpus,
      start,
      ...(o.host.speed === undefined ? {} : { speed: o.host.speed }),
      ...(o.policy === undefined ? {} : { policy: o.policy }),
      ...(o.fidelity === undefined ? {} : { fidelity: o.fidelity }),
    });
    this.memory = createHostMemory({
      ramBytes: o.host.memory,
      start,
      onOomKill: (e) => this.oomVictims.push(e.vm),
      ...(o.host.overcommitRatio === undefined ? {} : { overcommitRatio: o.host.overcommitRatio }),
      ...(o.vmmOverheadBytes === undefined ? {} : { vmmOverheadBytes: o.vmmOverheadBytes }),
    });
    this.devices = createDeviceModel({ start, ...(o.host.disk === undefined ? {} : { hostDisk: o.host.disk }) });
    this.lifecycle = createVmLifecycles({
      startTime: start,
      ...(o.libvirtTimings === undefined ? {} : { libvirtTimings: o.libvirtTimings }),
      ...(o.firecrackerTimings === undefined ? {} : { firecrackerTimings: o.firecrackerTimings }),
    });
  }

  now(): Micros {
    return this.lifecycle.now();
  }

  nextEventTime(): number {
    let t = Math.min(this.lifecycle.nextEventTime(), this.memory.nextEventTime(), this.devices.nextEventTime(), this.host.nextEventTime());
    for (const e of this.vmsByName.values()) if (!e.port.attached) t = Math.min(t, e.port.nextEventTime());
    return t;
  }

  advanceTo(time: number): HypervisorEvent[] {
    const now = this.now();
    if (!Number.isInteger(time) || time < now) throw new ValidationError(`advanceTo needs an integer time ≥ now (${now}), got ${time}`, { field: 'time', now, time });
    const out: HypervisorEvent[] = [];
    for (;;) {
      const next = Math.min(this.nextEventTime(), time);
      // The host (and the guests off it) first: CPU work up to `next` is not affected by what happens at `next`.
      out.push(...this.host.advanceTo(next));
      for (const e of this.vmsByName.values()) if (!e.port.attached) e.port.advanceTo(next);
      out.push(...this.devices.advanceTo(next));
      out.push(...this.memory.advanceTo(next));
      out.push(...this.lifecycle.advanceTo(next));
      // The host OOM killer's victims crash through the lifecycle at the kill's instant (their memory is already freed).
      for (const vm of this.oomVictims.splice(0)) {
        if (this.lifecycle.list().some((v) => v.name === vm && v.phase !== 'shutoff' && v.phase !== 'crashed')) this.lifecycle.crash(vm, 'host-oom');
      }
      out.push(...this.lifecycle.takeEvents());
      this.reconcileAll();
      out.push(...this.memory.advanceTo(next));
      if (next >= time) break;
    }
    return out.map((e, i) => ({ e, i })).sort((a, b) => a.e.time - b.e.time || a.i - b.i).map((x) => x.e);
  }

  defineVm(spec: HypervisorVmSpec): void {
    const flavor = spec.flavor ?? 'libvirt';
    const name = spec.name;
    if (this.vmsByName.has(name) || this.lifecycle.list().some((v) => v.name === name)) throw new ConflictError(`VM '${name}' already exists; pick another name`, { vm: name });
    const cpu: VmCpuSpec = { ...spec.cpu, vcpus: spec.vcpus };
    validateVmCpuSpec(this.host.policy, cpu, this.host.cpus);
    if (spec.guest.cpus !== spec.vcpus) throw new ValidationError(`guest.cpus (${spec.guest.cpus}) must equal vcpus (${spec.vcpus})`, { field: 'guest', vm: name });
    if (spec.guest.now() !== this.now()) throw new ValidationError(`the guest's clock (${spec.guest.now()}) must equal the hypervisor's (${this.now()})`, { field: 'guest', vm: name });
    if (flavor === 'firecracker' && spec.memoryBytes % MIB !== 0) throw new ValidationError(`a microVM's memory must be whole MiB, got ${spec.memoryBytes} bytes`, { field: 'memoryBytes', vm: name });
    if (spec.workload !== undefined && !(spec.workload.bytes >= 0 && spec.workload.bytes <= spec.memoryBytes)) {
      throw new ValidationError(`workload.bytes must be within 0..memoryBytes (${spec.memoryBytes}), got ${spec.workload.bytes}`, { field: 'workload', vm: name });
    }
    // Each part checks and adds in turn; a refusal undoes the parts already done (none of them has emitted anything yet).
    this.memory.addVm(name, { memoryBytes: spec.memoryBytes });
    try {
      if (spec.balloon !== undefined) this.memory.putBalloon(name, spec.balloon);
      this.devices.addVm(name);
      try {
        this.putDevices(spec);
        const timings = spec.timings === undefined ? {} : { timings: spec.timings };
        if (flavor === 'libvirt') this.lifecycle.define(name, { vcpus: spec.vcpus, memoryBytes: spec.memoryBytes, ...timings });
        else {
          this.lifecycle.createMicroVm(name, timings);
          try {
            this.lifecycle.firecracker(name, 'put-machine-config', { vcpu_count: spec.vcpus, mem_size_mib: spec.memoryBytes / MIB });
            this.lifecycle.firecracker(name, 'put-boot-source');
          } catch (err) {
            this.lifecycle.destroy(name);
            throw err;
          }
        }
      } catch (err) {
        this.devices.removeVm(name);
        throw err;
      }
    } catch (err) {
      this.memory.removeVm(name);
      throw err;
    }
    this.vmsByName.set(name, { spec, cpu, port: new GuestPort(spec.guest), devicesStarted: false, hostCpuUsec: 0, stealUsec: 0 });
  }

  start(name: string): void {
    const e = this.entry(name);
    if (this.flavor(e) === 'libvirt') this.lifecycle.start(name);
    else this.lifecycle.firecracker(name, 'instance-start');
    this.reconcile(name);
  }

  shutdown(name: string): void {
    const e = this.entry(name);
    if (this.flavor(e) === 'libvirt') this.lifecycle.shutdown(name);
    else this.lifecycle.firecracker(name, 'send-ctrl-alt-del');
    this.reconcile(name);
  }

  destroy(name: string): void {
    this.entry(name);
    this.lifecycle.destroy(name);
    this.reconcile(name);
  }

  suspend(name: string): void {
    const e = this.entry(name);
    if (this.flavor(e) === 'libvirt') this.lifecycle.suspend(name);
    else this.lifecycle.firecracker(name, 'pause');
    this.reconcile(name);
  }

  resume(name: string): void {
    const e = this.entry(name);
    if (this.flavor(e) === 'libvirt') this.lifecycle.resume(name);
    else this.lifecycle.firecracker(name, 'resume');
    this.reconcile(name);
  }

  crash(name: string, reason: 'host-failure' | 'guest-panic' | 'host-oom'): void {
    this.entry(name);
    this.lifecycle.crash(name, reason);
    this.reconcile(name);
  }

  beginMigration(name: string, opts: { readonly durationUs?: number } = {}): void {
    this.entry(name);
    this.lifecycle.beginMigration(name, opts.durationUs === undefined ? {} : { durationUs: opts.durationUs });
    this.reconcile(name);
  }

  endMigration(name: string, outcome: 'completed' | 'cancelled' | 'failed'): void {
    const e = this.entry(name);
    this.lifecycle.endMigration(name, outcome);
    e.port.setThrottle(0);
    this.reconcile(name);
  }

  setThrottle(name: string, throttlePercent: number): void {
    const e = this.entry(name);
    if (!(Number.isFinite(throttlePercent) && throttlePercent >= 0 && throttlePercent < 100)) {
      throw new ValidationError(`throttlePercent must be within 0..99, got ${throttlePercent}`, { field: 'throttlePercent', vm: name });
    }
    e.port.setThrottle(throttlePercent);
  }

  submitBlock(name: string, drive: string, request: BlockRequest): void {
    this.entry(name);
    this.devices.submitBlock(name, drive, request);
  }

  sendFrame(name: string, iface: string, frame: Frame): void {
    this.entry(name);
    this.devices.sendFrame(name, iface, frame);
  }

  receiveFrame(name: string, iface: string, frame: Frame): void {
    this.entry(name);
    this.devices.receiveFrame(name, iface, frame);
  }

  undefine(name: string): void {
    const e = this.entry(name);
    const view = this.lifecycleView(name);
    if (view === null) throw new NotFoundError('vm', name);
    if (view.phase !== 'shutoff') {
      throw new InvalidTransitionError(view.phase, 'undefine', { vm: name }, `VM '${name}' is ${view.phase}; destroy or shut it down before undefining it`);
    }
    if (this.flavor(e) === 'libvirt') this.lifecycle.undefine(name);
    else this.lifecycle.destroy(name);
    this.reconcile(name);
  }

  vm(name: string): HypervisorVmView {
    const e = this.entry(name);
    const lifecycle = this.lifecycleView(name);
    if (lifecycle === null) throw new NotFoundError('vm', name);
    const onHost = e.port.attached;
    const vcpus = onHost ? Array.from({ length: e.spec.vcpus }, (_, c) => this.host.vcpuStats(name, c)) : null;
    const cur = sumStats(vcpus);
    const devices: Record<string, DeviceCounters> = {};
    for (const d of e.spec.drives ?? []) devices[`${d.drive_id}/blk`] = this.devices.counters(name, d.drive_id, 'blk');
    for (const n of e.spec.nics ?? []) {
      devices[`${n.iface_id}/tx`] = this.devices.counters(name, n.iface_id, 'tx');
      devices[`${n.iface_id}/rx`] = this.devices.counters(name, n.iface_id, 'rx');
    }
    return {
      name,
      lifecycle,
      onHost,
      vcpus,
      cpuTotals: { hostCpuUsec: e.hostCpuUsec + cur.hostCpuUsec, stealUsec: e.stealUsec + cur.stealUsec },
      memory: this.memory.vm(name),
      devices,
      throttlePercent: e.port.throttlePercent,
    };
  }

  vms(): HypervisorVmView[] {
    return [...this.vmsByName.keys()].map((n) => this.vm(n));
  }

  // ---- internals ----

  private entry(name: string): VmEntry {
    const e = this.vmsByName.get(name);
    if (e === undefined) throw new NotFoundError('vm', name, { hint: 'defineVm first' });
    return e;
  }

  private flavor(e: VmEntry): 'libvirt' | 'firecracker' {
    return e.spec.flavor ?? 'libvirt';
  }

  private lifecycleView(name: string): VmView | null {
    return this.lifecycle.list().find((v) => v.name === name) ?? null;
  }

  private putDevices(spec: HypervisorVmSpec): void {
    for (const d of spec.drives ?? []) this.devices.putDrive(spec.name, d);
    for (const n of spec.nics ?? []) this.devices.putNetworkInterface(spec.name, n);
  }

  private reconcileAll(): void {
    for (const name of this.vmsByName.keys()) this.reconcile(name);
  }

  /** Bring memory, devices and the host scheduler to what the VM's lifecycle phase implies. */
  private reconcile(name: string): void {
    const e = this.entry(name);
    const view = this.lifecycleView(name);
    const want: VmMemoryPhase = view === null ? 'stopped' : MEMORY_PHASE_OF[view.phase];
    const runs = view !== null && guestRuns(view);
    if (!runs && e.port.attached) {
      const s = sumStats(Array.from({ length: e.spec.vcpus }, (_, c) => this.host.vcpuStats(name, c)));
      e.hostCpuUsec += s.hostCpuUsec;
      e.stealUsec += s.stealUsec;
      this.host.removeVm(name);
      e.port.detach();
    }
    const have = this.memory.vm(name).phase;
    if (have !== want) {
      if (want === 'stopped') {
        this.memory.stopVm(name);
        if (e.devicesStarted) {
          // The devices start afresh at the next boot: their queues and buckets go with the VMM process.
          this.devices.removeVm(name);
          this.devices.addVm(name);
          this.putDevices(e.spec);
          e.devicesStarted = false;
        }
      } else {
        if (have === 'stopped') {
          this.memory.startVm(name);
          if (e.spec.workload !== undefined) this.memory.setWorkload(name, e.spec.workload);
          if (!e.devicesStarted) {
            this.devices.startVm(name);
            e.devicesStarted = true;
          }
        }
        if (want === 'paused' && this.memory.vm(name).phase === 'running') this.memory.pauseVm(name);
        if (want === 'running' && this.memory.vm(name).phase === 'paused') this.memory.resumeVm(name);
      }
    }
    if (runs && !e.port.attached) this.host.addVm(name, e.cpu, e.port);
    if (view === null) {
      // The lifecycle forgot the VM (a Firecracker process killed or ended, a transient VM off): it is gone from every part.
      this.devices.removeVm(name);
      this.memory.removeVm(name);
      this.vmsByName.delete(name);
    }
  }
}

function sumStats(stats: readonly VcpuStats[] | null): { hostCpuUsec: number; stealUsec: number } {
  let hostCpuUsec = 0;
  let stealUsec = 0;
  for (const s of stats ?? []) {
    hostCpuUsec += s.hostCpuUsec;
    stealUsec += s.stealUsec;
  }
  return { hostCpuUsec, stealUsec };
}

