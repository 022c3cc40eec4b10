// How the facade keeps its parts in step: `defineVm` adds a VM to every part (undoing on a refusal),
// `reconcile` brings memory, devices and the host scheduler to what the VM's lifecycle phase implies,
// and the dirty log integrates the workload's write rate over the time its memory runs.
import { checkVmSpec, guestRuns, memoryPhaseOf, newEntry, type HypervisorCore, type VmEntry } from './core.js';
import { GuestPort } from './guest-port.js';
import { checkSpecShape } from './input-checks.js';
import type { HypervisorVmSpec } from './types.js';

const MIB = 1024 * 1024;

/** PUT the spec's drives and NICs on the devices part (before boot). */
export function putDevices(core: HypervisorCore, spec: HypervisorVmSpec): void {
  for (const d of spec.drives ?? []) core.devices.putDrive(spec.name, d);
  for (const n of spec.nics ?? []) core.devices.putNetworkInterface(spec.name, n);
}

/** `defineVm`: each part checks and adds in turn; a refusal undoes the parts already done (none has emitted anything yet). */
export function defineVm(core: HypervisorCore, spec: HypervisorVmSpec): void {
  checkSpecShape(core, spec);
  const flavor = spec.flavor ?? 'libvirt';
  const name = spec.name;
  const cpu = checkVmSpec(core, spec, flavor);
  core.memory.addVm(name, { memoryBytes: spec.memoryBytes });
  try {
    if (spec.balloon !== undefined) core.memory.putBalloon(name, spec.balloon);
    core.devices.addVm(name);
    try {
      putDevices(core, spec);
      const timings = spec.timings === undefined ? {} : { timings: spec.timings };
      if (flavor === 'libvirt') core.lifecycle.define(name, { vcpus: spec.vcpus, memoryBytes: spec.memoryBytes, ...timings });
      else {
        core.lifecycle.createMicroVm(name, timings);
        try {
          core.lifecycle.firecracker(name, 'put-machine-config', { vcpu_count: spec.vcpus, mem_size_mib: spec.memoryBytes / MIB });
          core.lifecycle.firecracker(name, 'put-boot-source');
        } catch (err) {
          core.lifecycle.destroy(name);
          throw err;
        }
      }
    } catch (err) {
      core.devices.removeVm(name);
      throw err;
    }
  } catch (err) {
    core.memory.removeVm(name);
    throw err;
  }
  core.entries.set(name, newEntry(spec, cpu, new GuestPort(spec.guest)));
  core.reconcile(name);
}

/** Fold the dirty log up to now: D·(1 − throttle/100) over the time since it last counted, if the memory ran. */
export function settleDirty(core: HypervisorCore, e: VmEntry): void {
  const now = core.now();
  if (e.dirtySince !== null) {
    const d = e.spec.workload?.dirtyBytesPerSecond ?? 0;
    e.rewritten += (d * (100 - e.port.throttlePercent) * (now - e.dirtySince)) / 100 / 1e6;
  }
  e.dirtySince = core.memory.phaseOf(e.spec.name) === 'running' ? now : null;
}

/** The dirty log's rewrites of `vm` since its last clear, at most its writable working set. */
export function rewrittenBytes(core: HypervisorCore, vm: string): number {
  const e = core.entries.get(vm);
  if (e === undefined) return 0;
  settleDirty(core, e);
  const w = e.spec.workload;
  return Math.min(w?.wssBytes ?? w?.bytes ?? 0, Math.round(e.rewritten));
}

const unwatched = (): void => {};

/**
 * A guest off the host keeps the hypervisor's time: one that can follow a clock follows ours (it runs
 * itself to now when read or commanded). Every guest off the host is still asked its next event and
 * advanced at every event of the hypervisor (`detached`): at capacity 0 it does no CPU work, but its
 * own timers go on (a container kernel restarts a container after its back-off while the VM boots).
 */
function offHost(core: HypervisorCore, e: VmEntry): void {
  if (e.port.follow !== undefined) e.port.follow({ now: () => core.now(), changed: unwatched });
  core.detached.add(e);
}

/** Bring memory, devices and the host scheduler to what the VM's lifecycle phase implies. */
export function reconcile(core: HypervisorCore, name: string): void {
  const e = core.entry(name);
  const view = core.lifecycle.findRecord(name);
  if (view !== null && e.incoming) {
    // Nothing runs here until completeIncoming; the guest's clock keeps up with the host's.
    offHost(core, e);
    return;
  }
  settleDirty(core, e);
  const want = view === null ? 'stopped' : memoryPhaseOf(view);
  const runs = view !== null && guestRuns(view);
  if (!runs && e.port.attached) {
    for (let c = 0; c < e.spec.vcpus; c++) {
      const s = core.host.vcpuUsage(name, c);
      e.totals[c]!.hostCpuUsec += s.hostCpuUsec;
      e.totals[c]!.stealUsec += s.stealUsec;
    }
    core.host.removeVm(name);
    e.port.detach();
  }
  const have = core.memory.phaseOf(name);
  if (have !== want) {
    if (want === 'stopped') {
      core.memory.stopVm(name);
      if (e.devicesStarted) {
        // The devices start afresh at the next boot: their queues and buckets go with the VMM process.
        core.devices.removeVm(name);
        core.devices.addVm(name);
        putDevices(core, e.spec);
        e.devicesStarted = false;
      }
    } else {
      if (have === 'stopped') {
        core.memory.startVm(name);
        const w = e.spec.workload;
        if (w !== undefined) core.memory.setWorkload(name, w.bytesPerSecond === undefined ? { bytes: w.bytes } : { bytes: w.bytes, bytesPerSecond: w.bytesPerSecond });
        if (!e.devicesStarted) {
          core.devices.startVm(name);
          e.devicesStarted = true;
        }
      }
      if (want === 'paused' && core.memory.phaseOf(name) === 'running') core.memory.pauseVm(name);
      if (want === 'running' && core.memory.phaseOf(name) === 'paused') core.memory.resumeVm(name);
    }
  }
  if (runs && !e.port.attached) core.host.addVm(name, e.cpu, e.port);
  if (e.port.attached) core.detached.delete(e);
  else offHost(core, e);
  if (view === null) {
    // The lifecycle forgot the VM (a Firecracker process killed or ended, a transient VM off): it is gone from every part.
    core.devices.removeVm(name);
    core.memory.removeVm(name);
    core.entries.delete(name);
    core.detached.delete(e);
    e.port.follow?.(null);
    return;
  }
  settleDirty(core, e);
}
