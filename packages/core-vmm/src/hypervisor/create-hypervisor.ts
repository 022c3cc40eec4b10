// One physical host as one passive model: the lifecycle, memory, devices and nested vCPU scheduling
// parts on one clock. The lifecycle decides; after every command and at every instant the VMs it
// names are brought to what their phase implies (reconcile), so the parts never disagree for long.
// Post-boot changes, snapshots and migration live in their own modules over `HypervisorCore`.
import { InvalidTransitionError, NotFoundError, ValidationError, NO_EVENTS, shownValue } from '@strata/shared-types';
import type { Micros } from '@strata/shared-types';
import { createDeviceModel } from '../devices/create-device-model.js';
import type { BlockRequest, DeviceCounters, DeviceModel, DrivePatch, Frame, NetworkInterfacePatch } from '../devices/types.js';
import { createNestedHost } from '../host/create-nested-host.js';
import type { NestedHost, VmCpuSpec } from '../host/types.js';
import { createVmLifecycles } from '../lifecycle/vm-lifecycles.js';
import type { VmLifecycles, VmView } from '../lifecycle/vm-lifecycles.js';
import { createHostMemory } from '../memory/create-host-memory.js';
import type { BalloonStatsUpdate, BalloonUpdate, HostMemory } from '../memory/types.js';
import type { DirtyModel } from '../migration/dirty-model.js';
import { appendAll } from '../append-all.js';
import { createSnapshotter } from '../snapshots/create-snapshotter.js';
import type { Snapshotter, VmSnapshot } from '../snapshots/types.js';
import { sumStats, vcpuTotals, type HypervisorCore, type VmEntry } from './core.js';
import { loadSnapshot, snapshotVm } from './facade-snapshots.js';
import { abortIncoming, completeIncoming, dirtyModel, outgoingState, receiveMigration, refuseIfIncoming } from './incoming-migration.js';
import { setVmCpu, updateBalloon, updateBalloonStats, updateDrive, updateNetworkInterface } from './post-boot.js';
import { fail, objectOrEmpty, requireObject, requireOneOf } from '../input-checks.js';
import { checkOptions, requireDeviceId, requireName } from './input-checks.js';
import { defineVm, reconcile, rewrittenBytes, settleDirty } from './reconcile.js';
import type { Hypervisor, HypervisorEvent, HypervisorOptions, HypervisorVmSpec, HypervisorVmView, VmCarriedState } from './types.js';

/**
 * Build the hypervisor of one host. ValidationError for a bad host spec (from the part that checks
 * it). Caller's loop: command* → (`nextEventTime()` → `advanceTo(t)`)*.
 */
export function createHypervisor(options: HypervisorOptions): Hypervisor {
  return new HypervisorModel(options);
}

class HypervisorModel implements Hypervisor, HypervisorCore {
  readonly lifecycle: VmLifecycles;
  readonly memory: HostMemory;
  readonly devices: DeviceModel;
  readonly host: NestedHost;
  readonly snapshotter: Snapshotter;
  readonly entries = new Map<string, VmEntry>();
  readonly detached = new Set<VmEntry>();
  private oomVictims: string[] = [];

  constructor(o: HypervisorOptions) {
    checkOptions(o);
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
    this.snapshotter = createSnapshotter({
      lifecycles: this.lifecycle,
      memory: this.memory,
      devices: this.devices,
      ...(o.snapshotDiskBytesPerSecond === undefined ? {} : { diskBytesPerSecond: o.snapshotDiskBytesPerSecond }),
      dirtyLog: {
        rewrittenBytes: (vm) => rewrittenBytes(this, vm),
        clear: (vm) => {
          const e = this.entries.get(vm);
          if (e === undefined) return;
          this.settleDirty(e);
          e.rewritten = 0;
        },
      },
    });
  }

  now(): Micros {
    return this.lifecycle.now();
  }

  nextEventTime(): number {
    let t = Math.min(this.lifecycle.nextEventTime(), this.memory.nextEventTime(), this.devices.nextEventTime(), this.host.nextEventTime());
    if (this.detached.size > 0) for (const e of this.detached) t = Math.min(t, e.port.nextEventTime());
    return t;
  }

  advanceTo(time: number): readonly HypervisorEvent[] {
    const now = this.now();
    if (typeof time !== 'number' || !Number.isSafeInteger(time)) fail('time', `an integer number of µs from now (${now}) to ${Number.MAX_SAFE_INTEGER}`, time, { now });
    if (time < now) throw new ValidationError(`advanceTo(${time}) is before now (${now}): time must not go backwards`, { path: 'time', field: 'time', value: time, now });
    // Events come out of several models, each in time order; they are merged by time only when more
    // than one model reported in the advance (a host's step at light load reports nothing at all).
    let out: HypervisorEvent[] | null = null;
    let sources = 0;
    for (;;) {
      const next = Math.min(this.nextEventTime(), time);
      // The host (and the guests off it) first: CPU work up to `next` is not affected by what happens at `next`.
      const cpu = this.host.advanceTo(next);
      if (cpu.length > 0) {
        out = appendAll(out, cpu);
        sources++;
      }
      if (this.detached.size > 0) for (const e of this.detached) e.port.advanceTo(next);
      const io = this.devices.advanceTo(next);
      if (io.length > 0) {
        out = appendAll(out, io);
        sources++;
      }
      const memory = this.memory.advanceTo(next);
      if (memory.length > 0) {
        out = appendAll(out, memory);
        sources++;
      }
      const stepped = this.lifecycle.advanceTo(next);
      const commanded = this.lifecycle.takeEvents();
      if (this.oomVictims.length > 0 || stepped.length > 0 || commanded.length > 0) {
        const lifecycleEvents = [...stepped, ...commanded];
        // The host OOM killer's victims crash through the lifecycle at the kill's instant (their memory is already freed).
        const touched = new Set<string>();
        for (const vm of this.oomVictims.splice(0)) {
          touched.add(vm);
          const record = this.lifecycle.findRecord(vm);
          if (record !== null && record.phase !== 'shutoff' && record.phase !== 'crashed') this.lifecycle.crash(vm, 'host-oom');
        }
        for (const e of this.lifecycle.takeEvents()) lifecycleEvents.push(e);
        if (lifecycleEvents.length > 0) {
          out = appendAll(out, lifecycleEvents);
          sources++;
        }
        // Only the VMs something happened to need reconciling: each event touches the VM it concerns.
        for (const e of lifecycleEvents) touched.add(e.vm);
        for (const vm of touched) if (this.entries.has(vm)) this.reconcile(vm);
      }
      const after = this.memory.advanceTo(next);
      if (after.length > 0) {
        out = appendAll(out, after);
        sources++;
      }
      if (next >= time) break;
    }
    if (out === null) return NO_EVENTS;
    if (sources <= 1) return out;
    return out.map((e, i) => ({ e, i })).sort((a, b) => a.e.time - b.e.time || a.i - b.i).map((x) => x.e);
  }

  defineVm(spec: HypervisorVmSpec): void {
    defineVm(this, spec);
  }

  start(name: string): void {
    const e = this.command(name, 'start');
    if (this.flavor(e) === 'libvirt') this.lifecycle.start(name);
    else this.lifecycle.firecracker(name, 'instance-start');
    this.reconcile(name);
  }

  shutdown(name: string): void {
    const e = this.command(name, 'shutdown');
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
    const e = this.command(name, 'suspend');
    if (this.flavor(e) === 'libvirt') this.lifecycle.suspend(name);
    else this.lifecycle.firecracker(name, 'pause');
    this.reconcile(name);
  }

  resume(name: string): void {
    const e = this.command(name, 'resume');
    if (this.flavor(e) === 'libvirt') this.lifecycle.resume(name);
    else this.lifecycle.firecracker(name, 'resume');
    this.reconcile(name);
  }

  crash(name: string, reason: 'host-failure' | 'guest-panic' | 'host-oom'): void {
    this.entry(name);
    requireOneOf('reason', reason, ['host-failure', 'guest-panic', 'host-oom']);
    this.lifecycle.crash(name, reason);
    this.reconcile(name);
  }

  beginMigration(name: string, opts: { readonly durationUs?: number } = {}): void {
    this.command(name, 'migrate');
    objectOrEmpty('opts', opts, '{ durationUs? }');
    this.lifecycle.beginMigration(name, opts.durationUs === undefined ? {} : { durationUs: opts.durationUs });
    this.reconcile(name);
  }

  endMigration(name: string, outcome: 'completed' | 'cancelled' | 'failed'): void {
    const e = this.command(name, 'end-migration');
    this.lifecycle.endMigration(name, outcome);
    this.settleDirty(e);
    e.port.setThrottle(0);
    this.reconcile(name);
  }

  setThrottle(name: string, throttlePercent: number): void {
    const e = this.command(name, 'throttle');
    if (!(Number.isFinite(throttlePercent) && throttlePercent >= 0 && throttlePercent < 100)) {
      throw new ValidationError(`throttlePercent must be a number within 0..99, got ${shownValue(throttlePercent)}`, { field: 'throttlePercent', vm: name });
    }
    this.settleDirty(e);
    e.port.setThrottle(throttlePercent);
  }

  submitBlock(name: string, drive: string, request: BlockRequest): void {
    this.command(name, 'submit-block');
    requireDeviceId('drive', drive, 'drive_id of one of its drives');
    this.devices.submitBlock(name, drive, request);
  }

  sendFrame(name: string, iface: string, frame: Frame): void {
    this.command(name, 'send-frame');
    requireDeviceId('iface', iface, 'iface_id of one of its network interfaces');
    this.devices.sendFrame(name, iface, frame);
  }

  receiveFrame(name: string, iface: string, frame: Frame): void {
    this.command(name, 'receive-frame');
    requireDeviceId('iface', iface, 'iface_id of one of its network interfaces');
    this.devices.receiveFrame(name, iface, frame);
  }

  undefine(name: string): void {
    const e = this.command(name, 'undefine');
    const view = this.lifecycleView(name);
    if (view === null) throw new NotFoundError('vm', name);
    if (view.phase !== 'shutoff') {
      throw new InvalidTransitionError(view.phase, 'undefine', { vm: name }, `VM '${name}' is ${view.phase}; destroy or shut it down before undefining it`);
    }
    if (this.flavor(e) === 'libvirt') this.lifecycle.undefine(name);
    else this.lifecycle.destroy(name);
    this.reconcile(name);
  }

  setVmCpu(name: string, patch: Partial<Omit<VmCpuSpec, 'vcpus'>>): void {
    setVmCpu(this, name, patch);
  }

  updateBalloon(name: string, update: BalloonUpdate): void {
    this.command(name, 'PATCH /balloon');
    updateBalloon(this, name, update);
  }

  updateBalloonStats(name: string, update: BalloonStatsUpdate): void {
    this.command(name, 'PATCH /balloon/statistics');
    updateBalloonStats(this, name, update);
  }

  updateDrive(name: string, drive: string, patch: Omit<DrivePatch, 'drive_id'>): void {
    this.command(name, 'PATCH /drives');
    requireDeviceId('drive', drive, 'drive_id of one of its drives');
    requireObject('patch', patch, '{ path_on_host?, rate_limiter? }');
    updateDrive(this, name, drive, patch);
  }

  updateNetworkInterface(name: string, iface: string, patch: Omit<NetworkInterfacePatch, 'iface_id'>): void {
    this.command(name, 'PATCH /network-interfaces');
    requireDeviceId('iface', iface, 'iface_id of one of its network interfaces');
    requireObject('patch', patch, '{ rx_rate_limiter?, tx_rate_limiter? }');
    updateNetworkInterface(this, name, iface, patch);
  }

  snapshotVm(name: string, opts: { readonly kind: 'full' | 'diff' }): VmSnapshot {
    return snapshotVm(this, name, opts);
  }

  loadSnapshot(spec: HypervisorVmSpec, snapshot: VmSnapshot, opts: { readonly resume?: boolean } = {}): void {
    loadSnapshot(this, spec, snapshot, opts);
  }

  outgoingState(name: string): VmCarriedState {
    return outgoingState(this, name);
  }

  dirtyModel(name: string): DirtyModel {
    return dirtyModel(this, name);
  }

  receiveMigration(spec: HypervisorVmSpec, opts: { readonly persistent?: boolean } = {}): void {
    receiveMigration(this, spec, opts);
  }

  completeIncoming(name: string, state?: VmCarriedState, opts: { readonly paused?: boolean } = {}): void {
    completeIncoming(this, name, state, opts);
  }

  abortIncoming(name: string): void {
    abortIncoming(this, name);
  }

  vm(name: string): HypervisorVmView {
    const e = this.entry(name);
    const lifecycle = this.lifecycleView(name);
    if (lifecycle === null) throw new NotFoundError('vm', name);
    const onHost = e.port.attached;
    const vcpus = onHost ? Array.from({ length: e.spec.vcpus }, (_, c) => this.host.vcpuStats(name, c)) : null;
    const totals = vcpuTotals(e, vcpus);
    const devices: Record<string, DeviceCounters> = {};
    for (const d of e.spec.drives ?? []) devices[`${d.drive_id}/blk`] = this.devices.counters(name, d.drive_id, 'blk');
    for (const n of e.spec.nics ?? []) {
      devices[`${n.iface_id}/tx`] = this.devices.counters(name, n.iface_id, 'tx');
      devices[`${n.iface_id}/rx`] = this.devices.counters(name, n.iface_id, 'rx');
    }
    const { vcpus: _vcpus, ...cpu } = e.cpu;
    return {
      name,
      lifecycle,
      onHost,
      vcpus,
      cpuTotals: sumStats(totals),
      vcpuTotals: totals,
      cpu,
      incoming: e.incoming,
      memory: this.memory.vm(name),
      devices,
      throttlePercent: e.port.throttlePercent,
    };
  }

  vms(): HypervisorVmView[] {
    return [...this.entries.keys()].map((n) => this.vm(n));
  }

  vmCpuTotals(name: string): { readonly hostCpuUsec: number; readonly stealUsec: number } {
    const e = this.entry(name);
    let hostCpuUsec = 0;
    let stealUsec = 0;
    const onHost = e.port.attached;
    for (let c = 0; c < e.totals.length; c++) {
      const t = e.totals[c]!;
      hostCpuUsec += t.hostCpuUsec;
      stealUsec += t.stealUsec;
      if (onHost) {
        const live = this.host.vcpuUsage(name, c);
        hostCpuUsec += live.hostCpuUsec;
        stealUsec += live.stealUsec;
      }
    }
    return { hostCpuUsec, stealUsec };
  }

  // ---- HypervisorCore ----

  entry(name: string): VmEntry {
    const e = this.entries.get(name);
    if (e === undefined) {
      requireName('name', name); // a name that is no string: ValidationError, not "vm 'undefined' does not exist"
      throw new NotFoundError('vm', name, { hint: 'defineVm first' });
    }
    return e;
  }

  lifecycleView(name: string): VmView | null {
    return this.lifecycle.find(name);
  }

  settleDirty(e: VmEntry): void {
    settleDirty(this, e);
  }

  reconcile(name: string): void {
    reconcile(this, name);
  }

  // ---- internals ----

  /** The VM's record for a command, refused while it is an incoming migration. */
  private command(name: string, op: string): VmEntry {
    const e = this.entry(name);
    refuseIfIncoming(e, name, op);
    return e;
  }

  private flavor(e: VmEntry): 'libvirt' | 'firecracker' {
    return e.spec.flavor ?? 'libvirt';
  }
}

/** Append without spreading (a spread of a long array overflows the stack). */
