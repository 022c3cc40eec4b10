// VMs on hosts: placing one (policy or named host), putting it on its host (light while the host has
// no hypervisor built), taking it off (its CPU totals kept), and restarting it elsewhere after its
// host failed (HA: placement again, a fresh guest whose containers follow their restart policies).
import { InsufficientResourcesError, NotFoundError } from '@strata/shared-types';
import type { VmBody } from '@strata/shared-types';
import { relaunchContainers } from './container-ops.js';
import { defineVmOn, ensureHypervisor, touchHost } from './hosts.js';
import { joinHost, leaveHost, rebindGuest } from './host-books.js';
import { KernelGuest } from './kernel-guest.js';
import type { DcState, HostRec, VmRec } from './state.js';
import type { PlacementExplanation } from './vm-placement.js';

/** Hosts a name denotes: an instance, or every instance of a template (in host order). NotFoundError otherwise. */
export function resolveHosts(dc: DcState, ref: string, field: string): HostRec[] {
  const one = dc.hosts.get(ref);
  if (one !== undefined) return [one];
  const all = dc.hostList.filter((h) => h.template === ref);
  if (all.length === 0) throw new NotFoundError('host', ref, { field, hint: 'name a host instance (h-0) or a host template (h)' });
  return all;
}

/**
 * Where `vm` would go now (no change). InsufficientResourcesError when no host takes it. `hostRef`
 * (a command's host) overrides the template's `host`; otherwise the template's `host` is a constraint
 * on every placement (the first, HA restarts, `vm.start` of a VM on no host, `vm.migrate` without
 * `to`). (A VM's `labels` are its own, for affinity: the scenario has no host selector for VMs.)
 */
export function chooseHost(dc: DcState, vm: string, body: VmBody, hostRef?: string): PlacementExplanation {
  const ref = hostRef ?? body.host;
  const pinned = ref === undefined ? undefined : resolveHosts(dc, ref, hostRef === undefined ? 'vm.host' : 'host');
  const explanation = dc.placement.choose(vm, body, dc.hostList, pinned);
  if (explanation.host === null) {
    throw new InsufficientResourcesError(`no host can take VM '${vm}' (${body.vcpus} vCPUs, ${body.memory} bytes): ${explanation.reason}; add hosts, free some, or ask for less`, { vm, vcpus: body.vcpus, memory: body.memory, placement: explanation.policy });
  }
  return explanation;
}

/** The hosts a VM's template pins it to (`host`), or null when it is not pinned. */
export function pinnedHosts(dc: DcState, body: VmBody): HostRec[] | null {
  return body.host === undefined ? null : resolveHosts(dc, body.host, 'vm.host');
}

/** A VM record, not yet on a host. */
export function newVm(dc: DcState, name: string, template: string, body: VmBody, declared: boolean, placement: PlacementExplanation): VmRec {
  return {
    name,
    template,
    body,
    host: null,
    lightState: body.autostart ? 'running' : 'shut off',
    declared,
    guest: new KernelGuest(body.vcpus, dc.sim.now()),
    meterSlot: -1,
    containers: [],
    migrations: 0,
    haRestarts: 0,
    placement,
    pastCpuUsec: 0,
    pastStealUsec: 0,
    migrating: false,
    crashedOn: null,
    instantBoot: false,
    haWaiting: false,
    batch: null,
  };
}

/**
 * Put `vm` on host `h` (placement allocated). A declared VM on a host without a hypervisor stays light
 * (running at once, nothing built); otherwise it is defined on the host's hypervisor and, with
 * `start`, started there: boot time and events as the lifecycle has them.
 */
export function putVmOn(dc: DcState, vm: VmRec, h: HostRec, opts: { readonly start: boolean; readonly light: boolean }): void {
  dc.placement.allocate(vm.name, vm.body, h);
  vm.guest.setVcpuShare(vcpuShare(vm, h));
  if (opts.light && h.hv === null) {
    joinHost(dc, h, vm);
    vm.host = h.name;
    return;
  }
  const hv = ensureHypervisor(dc, h);
  touchHost(dc, h, () => {
    defineVmOn(hv, vm, { instantBoot: false });
    if (opts.start) hv.start(vm.name);
  });
  joinHost(dc, h, vm);
  vm.host = h.name;
}

/** The most of `h`'s CPU one of `vm`'s vCPUs can use: min(1, vcpuMips / cpuMips). */
export function vcpuShare(vm: VmRec, h: HostRec): number {
  return Math.min(1, (vm.body.vcpuMips ?? h.cpuMips) / h.cpuMips);
}

/** Take `vm` off its host's books (placement released, CPU totals kept); the hypervisor part is the caller's. */
export function takeVmOff(dc: DcState, vm: VmRec, opts: { readonly keepTotals: boolean } = { keepTotals: true }): void {
  const h = vm.host === null ? null : dc.hosts.get(vm.host)!;
  if (h !== null) {
    if (h.hv !== null && opts.keepTotals) {
      try {
        const totals = h.hv.vm(vm.name).cpuTotals;
        vm.pastCpuUsec += totals.hostCpuUsec;
        vm.pastStealUsec += totals.stealUsec;
      } catch {
        // already gone from the hypervisor (a microVM whose process ended)
      }
    }
    leaveHost(dc, h, vm);
  }
  dc.placement.release(vm.name);
  vm.host = null;
}

/**
 * A new guest for a VM that starts again after a crash (the guest OS boots afresh). A batch VM's
 * guest runs its batch jobs again: those submitted from now on (the ones it ran were lost with it).
 */
export function freshGuest(dc: DcState, vm: VmRec): void {
  // The old guest's kernel goes: its served requests stay in the run's report.
  const old = vm.guest.readStack();
  if (old !== null) dc.retiredRequests.addKernel(old.kernel);
  vm.guest.bindMeter(null, -1);
  vm.guest = new KernelGuest(vm.body.vcpus, dc.sim.now());
  if (vm.batch !== null) vm.guest.runInner(vm.batch.guest);
  rebindGuest(vm.host === null ? null : (dc.hosts.get(vm.host) ?? null), vm);
}

/**
 * Restart a VM whose host failed on another host (placement again; HA), within its template's
 * `host`. Its guest starts afresh (the guest OS booted again): containers with a restart policy
 * start, the others are created. Returns the new host, or null when none takes it: a VM pinned to
 * hosts that are all down waits for one to be repaired (`vm.ha_waiting`; `repairHost` restarts it
 * there), any other VM gives up (`vm.ha_failed`) and stays on no host until `vm.start`.
 */
export function restartElsewhere(dc: DcState, vm: VmRec, from: string): string | null {
  let explanation: PlacementExplanation;
  try {
    explanation = chooseHost(dc, vm.name, vm.body);
  } catch (error) {
    const pinned = pinnedHosts(dc, vm.body);
    if (pinned !== null && pinned.every((h) => h.state === 'failed')) {
      vm.crashedOn = from;
      vm.haWaiting = true;
      dc.sink.emit({ type: 'vm.ha_waiting', time: dc.sim.now(), subject: `vm:${vm.name}`, from, hosts: pinned.map((h) => h.name), reason: `its template pins it to ${vm.body.host} (${pinned.map((h) => h.name).join(', ')}), and every such host is down: it restarts when one is repaired` });
      return null;
    }
    vm.haWaiting = false;
    dc.sink.emit({ type: 'vm.ha_failed', time: dc.sim.now(), subject: `vm:${vm.name}`, from, reason: (error as Error).message });
    return null;
  }
  const h = dc.hosts.get(explanation.host!)!;
  freshGuest(dc, vm);
  vm.placement = explanation;
  vm.crashedOn = null;
  vm.haWaiting = false;
  putVmOn(dc, vm, h, { start: true, light: false });
  vm.haRestarts++;
  dc.counters.haRestarts++;
  dc.sink.emit({ type: 'vm.ha_restarted', time: dc.sim.now(), subject: `vm:${vm.name}`, from, to: h.name });
  relaunchContainers(dc, vm.containers.map((c) => dc.containers.get(c)!));
  return h.name;
}
