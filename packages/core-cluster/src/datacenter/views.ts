// Queries: hosts, VMs and containers as `HostView` / `VmView` / `ContainerView` (each brought to now
// first, so a view is the state at `now()`), and the topology.
import { NotFoundError } from '@strata/shared-types';
import type { ContainerView, HostView, VmView } from '../types.js';
import { hostOfContainer, readStackOf } from './container-ops.js';
import { hostCpuUtilization } from './hosts.js';
import type { ContainerRec, DcState, HostRec, VmRec } from './state.js';
import { virshState } from './virsh-state.js';

/** A host as queries show it. */
export function hostView(dc: DcState, h: HostRec): HostView {
  h.slot?.sync();
  let vcpus = 0;
  let memory = 0;
  for (const name of h.vms) {
    const vm = dc.vms.get(name)!;
    vcpus += vm.body.vcpus;
    memory += vm.body.memory;
  }
  return {
    name: h.name,
    template: h.template,
    state: h.state,
    cpus: h.cpus,
    cpuMips: h.cpuMips,
    memory: h.memory,
    hypervisor: h.hypervisor,
    vms: [...h.vms],
    cpuUtilization: hostCpuUtilization(h),
    allocated: { vcpus, memory },
    powerWatts: dc.energy.watts(h.name),
  };
}

/** A VM's state word now, as `virsh domstate` prints it (`running`, `paused`, `shut off`, `in shutdown`, `crashed`). */
export function vmState(dc: DcState, vm: VmRec): string {
  if (vm.host === null) return vm.crashedOn === null ? 'shut off' : 'crashed';
  const h = dc.hosts.get(vm.host)!;
  if (h.hv === null) return vm.lightState;
  return virshState(h.hv.vm(vm.name).lifecycle.libvirt.state);
}

/** A VM's host CPU time and steal over its life, µs. */
export function vmCpu(dc: DcState, vm: VmRec): { cpuUsec: number; stealUsec: number } {
  let cpuUsec = vm.pastCpuUsec;
  let stealUsec = vm.pastStealUsec;
  const h = vm.host === null ? null : dc.hosts.get(vm.host)!;
  if (h?.hv != null) {
    const t = h.hv.vmCpuTotals(vm.name);
    cpuUsec += t.hostCpuUsec;
    stealUsec += t.stealUsec;
  }
  return { cpuUsec, stealUsec };
}

/** A VM as queries show it. */
export function vmView(dc: DcState, vm: VmRec): VmView {
  if (vm.host !== null) dc.hosts.get(vm.host)!.slot?.sync();
  return {
    name: vm.name,
    template: vm.template,
    state: vmState(dc, vm),
    host: vm.host,
    vcpus: vm.body.vcpus,
    memory: vm.body.memory,
    ...vmCpu(dc, vm),
    containers: [...vm.containers],
    migrations: vm.migrations,
    haRestarts: vm.haRestarts,
  };
}

/** A container's CPU time and memory now: its cgroup's cpu.stat usage_usec and memory.current, read as numbers (0 when it has none: not running). */
export function containerUsage(dc: DcState, rec: ContainerRec): { cpuUsec: number; memoryBytes: number } {
  const stack = readStackOf(dc, rec);
  if (stack === null || rec.id === '') return { cpuUsec: 0, memoryBytes: 0 };
  try {
    return stack.kernel.cgroupUsage(`/docker/${rec.id}`);
  } catch {
    return { cpuUsec: 0, memoryBytes: 0 };
  }
}

/** A container as queries show it (a container whose machine is down reads `exited`, with no CPU or memory). */
export function containerView(dc: DcState, rec: ContainerRec): ContainerView {
  hostOfContainer(dc, rec)?.slot?.sync();
  const stack = readStackOf(dc, rec);
  if (stack === null || rec.id === '') {
    return { name: rec.name, template: rec.template, on: rec.on, state: 'exited', cpuUsec: 0, memoryBytes: 0, restarts: 0, oomKilled: false };
  }
  const inspect = stack.engine.inspect(rec.id);
  const { cpuUsec, memoryBytes } = containerUsage(dc, rec);
  return {
    name: rec.name,
    template: rec.template,
    on: rec.on,
    state: inspect.State.Status,
    cpuUsec,
    memoryBytes,
    restarts: inspect.RestartCount,
    oomKilled: inspect.State.OOMKilled,
  };
}

/** The named record or NotFoundError. */
export function must<T>(value: T | undefined, kind: string, name: string): T {
  if (value === undefined) throw new NotFoundError(kind, name);
  return value;
}

/** Who is where: hosts with their VMs with their containers, bare-metal hosts with theirs, and the networks. */
export interface Topology {
  readonly hosts: readonly { readonly name: string; readonly state: 'up' | 'failed'; readonly vms: readonly { readonly name: string; readonly containers: readonly string[] }[]; readonly containers: readonly string[] }[];
  readonly networks: readonly string[];
}

export function topology(dc: DcState): Topology {
  return {
    hosts: dc.hostList.map((h) => ({
      name: h.name,
      state: h.state,
      vms: h.vms.map((v) => ({ name: v, containers: [...dc.vms.get(v)!.containers] })),
      containers: [...h.containers],
    })),
    networks: dc.scenario.networks.map((n) => n.name),
  };
}
