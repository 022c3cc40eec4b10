// Hosts as the datacenter drives them: a hypervisor built on first need (until then its VMs are idle
// guests and cost nothing), or bare metal with a kernel and engine on the host's CPUs; the container
// stacks of VMs and bare-metal hosts; each host one passive model behind one ModelSlot.
import { createHypervisor } from '@strata/core-vmm';
import type { Hypervisor, HypervisorVmSpec } from '@strata/core-vmm';
import type { GuestLink } from './kernel-guest.js';
import { hypervisorEvent } from './cluster-events.js';
import { createContainerStack } from './container-stack.js';
import type { ContainerStack } from './container-stack.js';
import { profiled } from './layer-profiler.js';
import { ModelSlot } from './model-slot.js';
import type { DcState, HostRec, VmRec } from './state.js';

/** Address of network host `i` (a VM or bare-metal host with containers): 100.64.0.0/10, RFC 6598 space, clear of Docker's pools. */
function networkHostAddress(i: number): string {
  const n = 0x64400000 + i + 1;
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Define `vm` on hypervisor `hv` (its guest brought to the hypervisor's now first). */
export function defineVmOn(hv: Hypervisor, vm: VmRec, opts: { readonly instantBoot: boolean }): void {
  vm.instantBoot = opts.instantBoot;
  if (!vm.guest.hasStack) vm.guest.advanceTo(hv.now());
  const link = vm.guest.link();
  vm.guest.activate(link);
  hv.defineVm(vmSpec(vm, link, opts));
}

/** The hypervisor's spec of `vm` with its guest behind `link`. */
export function vmSpec(vm: VmRec, link: GuestLink, opts: { readonly instantBoot: boolean }): HypervisorVmSpec {
  const b = vm.body;
  return {
    name: vm.name,
    vcpus: b.vcpus,
    memoryBytes: b.memory,
    flavor: b.flavor,
    guest: link,
    ...(b.cpu === undefined ? {} : { cpu: cpuSpec(b.cpu) }),
    ...(opts.instantBoot ? { timings: { bootUs: 0 } } : {}),
  };
}

/** The scenario's VM cpu settings in core-vmm's words (period/quota are already µs). */
function cpuSpec(cpu: NonNullable<VmRec['body']['cpu']>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(cpu)) if (typeof v === 'number') out[k] = v;
  return out;
}

/** The host's hypervisor, built now if it was not: its VMs defined (declared ones boot in 0 µs) and started as they were. */
export function ensureHypervisor(dc: DcState, h: HostRec): Hypervisor {
  if (h.hv !== null) return h.hv;
  if (h.hypervisor === 'none') throw new Error(`host ${h.name} is bare metal`);
  const now = dc.sim.now();
  const hv = createHypervisor({
    host: { cpus: h.cpus, speed: h.speed, memory: h.memory, overcommitRatio: h.overcommit },
    policy: h.hypervisor,
    fidelity: dc.fidelity,
    start: now,
  });
  for (const name of h.vms) {
    const vm = dc.vms.get(name)!;
    // Declared VMs are running as the run begins: their definition boots in 0 µs (not one declared with autostart: false).
    defineVmOn(hv, vm, { instantBoot: vm.declared && vm.lightState === 'running' });
    if (vm.lightState === 'running') hv.start(name);
  }
  // The VMs were already running: the 0 µs boots' facts are not news.
  hv.advanceTo(now);
  h.hv = hv;
  const advance = profiled(dc.profile, 'host', hypervisorAdvance(dc, h, hv));
  h.slot = new ModelSlot(dc.sim, { nextEventTime: () => hv.nextEventTime(), advanceTo: advance }, `host:${h.name}`, 0, dc.lane);
  readAtSamples(dc, h);
  h.slot.rearm();
  return hv;
}

/** The host slot's advance: the hypervisor's events mapped and emitted in time order, then the host's power from then on (made once per host: no closure per step). */
function hypervisorAdvance(dc: DcState, h: HostRec, hv: Hypervisor): (t: number) => void {
  let target = 0;
  const step = (): void => {
    // An indexed loop: `for…of` over the frozen empty list and fresh lists alike allocates an iterator per step.
    const events = hv.advanceTo(target);
    for (let i = 0; i < events.length; i++) {
      const ce = hypervisorEvent(h.name, events[i]!);
      if (ce !== null) dc.sink.emit(ce);
    }
  };
  return (t: number) => {
    target = t;
    dc.sink.collect(step);
    recordPower(dc, h, t);
  };
}

/** Tell the energy meter the host's utilization from `time` on. */
export function recordPower(dc: DcState, h: HostRec, time: number): void {
  if (h.state === 'failed') return;
  dc.energy.record(h.name, time, hostCpuUtilization(h));
}

/** Apply `command` to a host's models at now: brought to now first, its facts out at once, its event re-armed. */
export function touchHost<T>(dc: DcState, h: HostRec, command: () => T): T {
  h.slot?.sync();
  const out = command();
  if (dc.deferredHosts !== null) {
    dc.deferredHosts.add(h);
    return out;
  }
  h.slot?.flush();
  h.slot?.rearm();
  recordPower(dc, h, dc.sim.now());
  return out;
}

/**
 * The network model's host of a stack: a bare-metal host is one itself (its NIC the uplink); a VM is
 * one riding on its hypervisor host's NIC (`physicalNic`, set again whenever the VM's stack is built
 * on a host: an HA restart), its vNIC as fast as the scenario's fastest NIC, so the physical NIC under
 * it is what limits it; a live migration moves it (`moveVmNetwork`).
 */
function networkFor(dc: DcState, hostName: string, nic: number, under?: HostRec): { model: DcState['network']; host: string } | undefined {
  if (dc.scenario.networks.length === 0) return undefined;
  const physicalNic = under === undefined ? undefined : { name: under.name, capacity: under.nic, latency: 0 };
  if (!dc.networkHosts.has(hostName)) {
    const uplink = { capacity: under === undefined ? nic : Math.max(...dc.hostList.map((h) => h.nic)), latency: 0 };
    dc.network.addHost({ name: hostName, address: networkHostAddress(dc.networkHosts.size), uplink, ...(physicalNic === undefined ? {} : { physicalNic }) });
    dc.networkHosts.add(hostName);
  } else if (physicalNic !== undefined) dc.network.setPhysicalNic(hostName, physicalNic);
  return { model: dc.network, host: hostName };
}

/** A VM that is a network host now runs on `h`: its containers' traffic crosses `h`'s NIC from now on. */
export function moveVmNetwork(dc: DcState, vm: VmRec, h: HostRec): void {
  if (dc.networkHosts.has(vm.name)) dc.network.setPhysicalNic(vm.name, { name: h.name, capacity: h.nic, latency: 0 });
}

/** The container stack inside `vm` (built now if it was not: the host's hypervisor too). The host must be synced. */
export function ensureVmStack(dc: DcState, vm: VmRec): ContainerStack {
  if (vm.guest.stack !== null) return vm.guest.stack;
  const h = dc.hosts.get(vm.host!)!;
  const hv = ensureHypervisor(dc, h);
  h.slot!.sync();
  const guest = vm.guest;
  guest.advanceTo(hv.now());
  const net = networkFor(dc, vm.name, h.nic, h);
  const stack = createContainerStack({
    on: vm.name,
    cpus: vm.body.vcpus,
    memory: vm.body.memory,
    fidelity: dc.fidelity,
    start: hv.now(),
    seed: `${String(dc.scenario.seed)}/vm/${vm.name}/${++dc.counters.stacks}`,
    nested: { capacities: guest.currentCapacities(), onDemandChange: () => guest.report() },
    emit: (e) => dc.sink.emit(e),
    ...(net === undefined ? {} : { network: net }),
  });
  if (dc.profile !== null && !Object.hasOwn(guest, 'advanceTo')) guest.advanceTo = dc.profile.wrap('guest', guest.advanceTo.bind(guest));
  guest.attach(stack, () => dc.sim.now());
  return stack;
}

/** A bare-metal host's container stack (built now if it was not, with its own ModelSlot). */
export function ensureHostStack(dc: DcState, h: HostRec): ContainerStack {
  if (h.stack !== null) return h.stack;
  const net = networkFor(dc, h.name, h.nic);
  const stack = createContainerStack({
    on: h.name,
    cpus: h.cpus,
    memory: h.memory,
    fidelity: dc.fidelity,
    start: dc.sim.now(),
    seed: `${String(dc.scenario.seed)}/host/${h.name}/${++dc.counters.stacks}`,
    cpuSpeed: h.speed,
    emit: (e) => dc.sink.emit(e),
    ...(net === undefined ? {} : { network: net }),
  });
  h.stack = stack;
  // Bare metal: the host's own kernel is the guest layer of a profile.
  const advance = profiled(dc.profile, 'guest', (t: number) => {
    dc.sink.collect(() => void stack.engine.advanceTo(t));
    recordPower(dc, h, t);
  });
  h.slot = new ModelSlot(dc.sim, { nextEventTime: () => stack.engine.nextEventTime(), advanceTo: advance }, `host:${h.name}`, 0, dc.lane);
  readAtSamples(dc, h);
  return stack;
}

/** In a lane, the host's slot reads it at the sampling instants the lane takes it past (`DcState.sampleHost`). */
function readAtSamples(dc: DcState, h: HostRec): void {
  if (dc.lane !== null) h.slot!.onSample = (time) => dc.sampleHost?.(h, time);
}

/**
 * Fraction of the host's CPUs busy now (0..1). With a hypervisor: Σ of what its guests' CPUs are
 * given (rate × speed, so ÷ speed is pCPU time), summed over the host's `delivered` array that its
 * guests write (`host-books.ts`), so the energy meter can follow every host event without visiting
 * every guest.
 */
export function hostCpuUtilization(h: HostRec): number {
  if (h.state === 'failed') return 0;
  if (h.hv !== null) {
    let busy = 0;
    const delivered = h.delivered;
    for (let i = 0; i < delivered.length; i++) busy += delivered[i]!;
    return Math.min(1, busy / h.speed / h.cpus);
  }
  if (h.stack !== null) {
    const wanted = h.stack.cpus?.wantedCpus() ?? 0;
    return Math.min(1, wanted / h.cpus);
  }
  return 0;
}
