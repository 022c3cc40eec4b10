// A microVM on one host's three parts (lifecycle, memory, devices), driven together as a VMM would.
import { createDeviceModel, createHostMemory, createSnapshotter, createVmLifecycles } from '../../src/index.js';
import type { DeviceModel, HostMemory, Snapshotter, VmLifecycles, VmSnapshot } from '../../src/index.js';

export const MIB = 1024 * 1024;
export const AFTER = 'The requested operation is not supported after starting the microVM.';
export const BEFORE = 'The requested operation is not supported before starting the microVM.';
export const SNAP_RUNNING = 'Create snapshot error: Cannot save the microVM state: Operation not allowed: save/restore unavailable while running';
export const LOAD = 'Load snapshot error: Loading a microVM snapshot not allowed after configuring boot-specific resources.';

export interface Host {
  readonly lifecycles: VmLifecycles;
  readonly memory: HostMemory;
  readonly devices: DeviceModel;
  readonly snapshots: Snapshotter;
}

export function newHost(start = 0): Host {
  const lifecycles = createVmLifecycles({ startTime: start });
  const memory = createHostMemory({ ramBytes: 8192 * MIB, start });
  const devices = createDeviceModel({ start, hostDisk: { bytesPerSecond: 200 * MIB } });
  return { lifecycles, memory, devices, snapshots: createSnapshotter({ lifecycles, memory, devices, diskBytesPerSecond: 100 * MIB }) };
}

const LIMITER = { bandwidth: { size: 4 * MIB, refill_time: 100 }, ops: { size: 100, refill_time: 1000 } };

/** Configure and boot `vm` (2 vCPUs, `memMib`, a balloon, a rate-limited root drive and a NIC) and run to the end of its boot. */
export function bootVm(h: Host, vm: string, memMib = 256): void {
  h.lifecycles.createMicroVm(vm);
  h.lifecycles.firecracker(vm, 'put-machine-config', { vcpu_count: 2, mem_size_mib: memMib });
  h.lifecycles.firecracker(vm, 'put-boot-source');
  h.lifecycles.firecracker(vm, 'put-balloon', { amount_mib: 0 });
  h.lifecycles.firecracker(vm, 'put-drive');
  h.lifecycles.firecracker(vm, 'put-network-interface');
  h.memory.addVm(vm, { memoryBytes: memMib * MIB });
  h.memory.putBalloon(vm, { amount_mib: 0, deflate_on_oom: true, stats_polling_interval_s: 1 });
  h.devices.addVm(vm);
  h.devices.putDrive(vm, { drive_id: 'rootfs', path_on_host: '/img/rootfs.ext4', is_root_device: true, rate_limiter: LIMITER });
  h.devices.putNetworkInterface(vm, { iface_id: 'eth0', host_dev_name: `tap-${vm}`, tx_rate_limiter: { bandwidth: { size: MIB, refill_time: 100 } } });
  h.lifecycles.firecracker(vm, 'instance-start');
  h.memory.startVm(vm);
  h.devices.startVm(vm);
  advance(h, h.lifecycles.now() + 125_000);
}

/** Run every part to `t`; the memory and device facts, as JSON. */
export function advance(h: Host, t: number): string {
  h.lifecycles.advanceTo(t);
  return JSON.stringify([h.memory.advanceTo(t), h.devices.advanceTo(t)]);
}

export function pause(h: Host, vm: string): void {
  h.lifecycles.firecracker(vm, 'pause');
  h.memory.pauseVm(vm);
}

export function resume(h: Host, vm: string): void {
  h.lifecycles.firecracker(vm, 'resume');
  h.memory.resumeVm(vm);
}

/** A fresh host at `start` with `vm` created (no boot resource) and registered with memory and devices: what a load needs. */
export function freshFor(snapshot: VmSnapshot, start: number): Host {
  const h = newHost(start);
  h.lifecycles.createMicroVm(snapshot.vm);
  h.memory.addVm(snapshot.vm, { memoryBytes: snapshot.memory.guestBytes });
  h.devices.addVm(snapshot.vm);
  return h;
}

/** What the parts show of a VM: lifecycle phase and machine, memory, balloon, devices. */
export function observe(h: Host, vm: string): unknown {
  const l = h.lifecycles.inspect(vm);
  return {
    phase: l.phase,
    firecracker: l.firecracker,
    vcpus: (l.live ?? l.config).vcpus,
    memoryBytes: (l.live ?? l.config).memoryBytes,
    memory: h.memory.vm(vm),
    host: h.memory.host(),
    balloon: h.memory.balloonStatistics(vm),
    devices: h.devices.saveVm(vm),
    // blockedUntil ≤ now means "not blocked" (DriveState's contract), whatever the past instant.
    rootfs: { ...h.devices.drive(vm, 'rootfs'), blockedUntil: Math.max(h.devices.drive(vm, 'rootfs').blockedUntil, h.devices.now()) },
    eth0: h.devices.networkInterface(vm, 'eth0'),
    nextMemoryEvent: h.memory.nextEventTime(),
  };
}

export function thrown(f: () => unknown): Error & { code?: string } {
  try {
    f();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}
