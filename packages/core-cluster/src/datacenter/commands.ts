// `execute`: every command of the README's table. Each one checks everything it can first and acts
// only then; what a model refuses (libvirt's, Docker's rules) it refuses before it changes anything,
// so a refused command leaves the datacenter as it was.
import { ConflictError, InsufficientResourcesError, InvalidTransitionError, NotFoundError, ValidationError } from '@strata/shared-types';
import type { ClusterCommand, ContainerTemplate, VmBody } from '@strata/shared-types';
import { commandContainer, hostOfContainer, launchContainer, relaunchContainers, hasStack } from './container-ops.js';
import { failHost, repairHost } from './faults.js';
import { leaveHost } from './host-books.js';
import { defineVmOn, ensureHypervisor, touchHost } from './hosts.js';
import { containerInstanceName } from '../scenario/instances.js';
import type { Migrations } from './migrations.js';
import type { ContainerRec, DcState, HostRec, VmRec } from './state.js';
import { chooseHost, freshGuest, newVm, putVmOn, resolveHosts } from './vm-ops.js';
import { virshState } from './virsh-state.js';

type Command<D extends ClusterCommand['do']> = Extract<ClusterCommand, { do: D }>;

function vmOf(dc: DcState, name: string): VmRec {
  const vm = dc.vms.get(name);
  if (vm === undefined) throw new NotFoundError('vm', name, { hint: 'name a VM instance (vm-3)' });
  return vm;
}

function hostOf(dc: DcState, name: string): HostRec {
  const h = dc.hosts.get(name);
  if (h === undefined) throw new NotFoundError('host', name, { hint: 'name a host instance (h-0)' });
  return h;
}

function containerOf(dc: DcState, name: string): ContainerRec {
  const c = dc.containers.get(name);
  if (c === undefined) throw new NotFoundError('container', name, { hint: 'name a container instance (web-vm-3-0)' });
  return c;
}

function notWhileMigrating(vm: VmRec, command: string): void {
  if (vm.migrating) throw new ConflictError(`VM '${vm.name}' is migrating; wait for migration.completed or migration.failed before ${command}`, { vm: vm.name, command });
}

/** A VM's host with its hypervisor built, or the transition error of a VM on no host. */
function hostedVm(dc: DcState, vm: VmRec, command: string): HostRec {
  if (vm.host === null) {
    const from = vm.crashedOn === null ? 'shut off' : 'crashed';
    throw new InvalidTransitionError(from, command, { vm: vm.name }, `VM '${vm.name}' is ${from} on no host (its host failed); vm.start places it again`);
  }
  return dc.hosts.get(vm.host)!;
}

/** Apply one lifecycle operation through the VM's hypervisor (which refuses with libvirt's text and changes nothing). */
function lifecycle(dc: DcState, vm: VmRec, command: string, op: (name: string, hv: NonNullable<HostRec['hv']>) => void): void {
  notWhileMigrating(vm, command);
  const h = hostedVm(dc, vm, command);
  const hv = ensureHypervisor(dc, h);
  touchHost(dc, h, () => op(vm.name, hv));
}

/** Remove a VM and its containers (destroyed first when it runs). */
function deleteVm(dc: DcState, vm: VmRec): void {
  notWhileMigrating(vm, 'vm.delete');
  for (const c of vm.containers) dc.containers.delete(c);
  dc.layoutEpoch++;
  if (vm.host !== null) {
    const h = dc.hosts.get(vm.host)!;
    const hv = ensureHypervisor(dc, h);
    touchHost(dc, h, () => {
      const phase = hv.vm(vm.name).lifecycle.phase;
      if (phase !== 'shutoff') hv.destroy(vm.name);
      if (hv.vms().some((v) => v.name === vm.name)) {
        const totals = hv.vm(vm.name).cpuTotals;
        vm.pastCpuUsec += totals.hostCpuUsec;
        vm.pastStealUsec += totals.stealUsec;
        hv.undefine(vm.name);
      }
    });
    leaveHost(dc, h, vm);
    dc.placement.release(vm.name);
  }
  const stack = vm.guest.readStack();
  if (stack !== null) dc.retiredRequests.addKernel(stack.kernel); // its served requests stay in the report
  dc.vms.delete(vm.name);
  dc.layoutEpoch++;
  dc.sink.emit({ type: 'vm.deleted', time: dc.sim.now(), subject: `vm:${vm.name}` });
}

/** Place a VM that is on no host (shut off after a failure without HA, or never placed) and start it there (within its template's `host`). */
function startUnhosted(dc: DcState, vm: VmRec): void {
  const explanation = chooseHost(dc, vm.name, vm.body);
  const h = dc.hosts.get(explanation.host!)!;
  freshGuest(dc, vm);
  vm.placement = explanation;
  vm.crashedOn = null;
  vm.haWaiting = false;
  putVmOn(dc, vm, h, { start: true, light: false });
  relaunchContainers(dc, vm.containers.map((c) => dc.containers.get(c)!));
}

/**
 * `vm.start` of a VM on its host. A definition that booted in 0 µs (a VM declared running as the run
 * began) is replaced first by one with the lifecycle's real timings, so this boot, like every later
 * one, takes the flavor's boot time (libvirt 5 s): undefined (its CPU totals kept) and defined again.
 * Only a shut-off libvirt VM is redefined (a microVM's process ends with it); otherwise `start`
 * refuses with the hypervisor's text and nothing changed.
 */
function startDefined(dc: DcState, vm: VmRec, hv: NonNullable<HostRec['hv']>): void {
  if (vm.instantBoot && vm.body.flavor === 'libvirt' && hv.vms().some((v) => v.name === vm.name) && hv.vm(vm.name).lifecycle.phase === 'shutoff') {
    const totals = hv.vm(vm.name).cpuTotals;
    hv.undefine(vm.name);
    vm.pastCpuUsec += totals.hostCpuUsec;
    vm.pastStealUsec += totals.stealUsec;
    defineVmOn(hv, vm, { instantBoot: false });
  }
  hv.start(vm.name);
}

/** Create a VM by command: placed now, then defined and (autostart) booted with the lifecycle's timing. */
function createVm(dc: DcState, body: VmBody, hostRef: string | undefined, template: string): VmRec {
  if (dc.vms.has(body.name) || dc.hosts.has(body.name)) throw new ConflictError(`a VM or host named '${body.name}' exists; pick another name`, { vm: body.name });
  const explanation = chooseHost(dc, body.name, body, hostRef);
  const h = dc.hosts.get(explanation.host!)!;
  const vm = newVm(dc, body.name, template, body, false, explanation);
  dc.vms.set(vm.name, vm);
  dc.layoutEpoch++;
  try {
    putVmOn(dc, vm, h, { start: body.autostart, light: false });
  } catch (error) {
    dc.vms.delete(vm.name);
    dc.layoutEpoch++;
    dc.placement.release(vm.name);
    throw error;
  }
  return vm;
}

/** Where a container body's `on` puts it: one VM instance or one bare-metal host instance. */
function containerTarget(dc: DcState, on: string): { kind: 'vm'; vm: VmRec } | { kind: 'host'; host: HostRec } {
  const vm = dc.vms.get(on);
  if (vm !== undefined) {
    if (vm.host === null) throw new InvalidTransitionError('crashed', 'container.create', { vm: on }, `VM '${on}' is on no host (its host failed); start it first`);
    if (vm.guest.hasInner) throw new ValidationError(`VM '${on}' runs batch jobs (workloads); put containers in another VM`, { field: 'container.on', on });
    return { kind: 'vm', vm };
  }
  const h = dc.hosts.get(on);
  if (h !== undefined) {
    if (h.hypervisor !== 'none') throw new ValidationError(`host '${on}' runs a hypervisor: containers go in its VMs (name a VM) or on bare-metal hosts (hypervisor: none)`, { field: 'container.on', on });
    if (h.state === 'failed') throw new InvalidTransitionError('failed', 'container.create', { host: on }, `host '${on}' has failed; repair it first`);
    return { kind: 'host', host: h };
  }
  throw new NotFoundError('vm or host', on, { field: 'container.on', hint: 'name one VM instance or one bare-metal host instance' });
}

/** Create a container record and run it; on the engine's refusal nothing is kept. */
export function addContainer(dc: DcState, spec: Omit<ContainerTemplate, 'count'>, name: string, template: string): ContainerRec {
  if (dc.containers.has(name)) throw new ConflictError(`a container named '${name}' exists; pick another name`, { container: name });
  const target = containerTarget(dc, spec.on);
  const rec: ContainerRec = { name, template, on: spec.on, onKind: target.kind, spec, id: '' };
  launchContainer(dc, rec, 'run');
  dc.containers.set(name, rec);
  dc.layoutEpoch++;
  if (target.kind === 'vm') target.vm.containers.push(name);
  else target.host.containers.push(name);
  return rec;
}

function deleteContainer(dc: DcState, rec: ContainerRec): void {
  if (hasStack(dc, rec) && rec.id !== '' && hostOfContainer(dc, rec) !== null) commandContainer(dc, rec, (s) => s.engine.rm(rec.id, { force: true }));
  dc.containers.delete(rec.name);
  dc.layoutEpoch++;
  const list = rec.onKind === 'vm' ? dc.vms.get(rec.on)?.containers : dc.hosts.get(rec.on)?.containers;
  if (list !== undefined) list.splice(list.indexOf(rec.name), 1);
  dc.sink.emit({ type: 'container.deleted', time: dc.sim.now(), subject: `container:${rec.name}` });
}

/** A running engine for a container command, or the transition error of a container whose machine is down. */
function liveContainer(dc: DcState, name: string, command: string): ContainerRec {
  const rec = containerOf(dc, name);
  if (!hasStack(dc, rec) || rec.id === '' || hostOfContainer(dc, rec) === null || hostOfContainer(dc, rec)!.state === 'failed') {
    throw new InvalidTransitionError('down', command, { container: name }, `container '${name}' is on a machine that is down (${rec.on}); wait for it to come back`);
  }
  return rec;
}

/** `scale`: a VM template's instances (placed, booted; its container templates follow) or a container template's per target. */
function scale(dc: DcState, template: string, count: number): void {
  const vmTemplate = dc.scenario.vms.find((t) => t.name === template);
  if (vmTemplate !== undefined) {
    const current = [...dc.vms.values()].filter((v) => v.template === template);
    const have = new Set(current.map((v) => v.name));
    if (count < current.length) {
      const doomed = current.sort((a, b) => indexOf(b.name) - indexOf(a.name)).slice(0, current.length - count);
      for (const vm of doomed) notWhileMigrating(vm, 'scale');
      for (const vm of doomed) deleteVm(dc, vm);
      return;
    }
    const names: string[] = [];
    for (let i = 0; names.length < count - current.length; i++) if (!have.has(`${template}-${i}`) && !dc.vms.has(`${template}-${i}`)) names.push(`${template}-${i}`);
    const { count: _count, ...body } = vmTemplate;
    // Check that every new VM has a host before creating any: tentative allocations, released again.
    const tentative: string[] = [];
    try {
      for (const name of names) {
        const e = chooseHost(dc, name, { ...body, name });
        dc.placement.allocate(name, { ...body, name }, dc.hosts.get(e.host!)!);
        tentative.push(name);
      }
    } finally {
      for (const name of tentative) dc.placement.release(name);
    }
    const containerTemplates = dc.scenario.containers.filter((c) => c.on === template);
    for (const name of names) {
      createVm(dc, { ...body, name }, undefined, template);
      for (const ct of containerTemplates) {
        const { count: per, ...spec } = ct;
        for (let i = 0; i < per; i++) addContainer(dc, { ...spec, on: name }, containerInstanceName(ct, name, true, i), ct.name);
      }
    }
    return;
  }
  const ct = dc.scenario.containers.find((c) => c.name === template);
  if (ct === undefined) throw new NotFoundError('template', template, { field: 'template', hint: 'name a VM or container template of the scenario' });
  const targets = new Map<string, ContainerRec[]>();
  for (const rec of dc.containers.values()) if (rec.template === template) targets.set(rec.on, [...(targets.get(rec.on) ?? []), rec]);
  for (const [on, recs] of targets) {
    if (count < recs.length) {
      for (const rec of recs.slice(count)) deleteContainer(dc, rec);
      continue;
    }
    const { count: _c, ...spec } = ct;
    for (let i = recs.length; i < count; i++) {
      let name = `${ct.name}-${on}-${i}`;
      for (let k = i; dc.containers.has(name); k++) name = `${ct.name}-${on}-${k}`;
      addContainer(dc, { ...spec, on }, name, ct.name);
    }
  }
}

function indexOf(name: string): number {
  const m = /-(\d+)$/.exec(name);
  return m === null ? -1 : Number(m[1]);
}

/** Apply `command` now, fully, or throw a typed error having changed nothing. */
export function executeCommand(dc: DcState, migrations: Migrations, command: ClusterCommand): void {
  switch (command.do) {
    case 'vm.create':
      createVm(dc, command.vm, command.host, command.vm.name);
      return;
    case 'vm.delete':
      deleteVm(dc, vmOf(dc, command.vm));
      return;
    case 'vm.start': {
      const vm = vmOf(dc, command.vm);
      if (vm.host === null) {
        notWhileMigrating(vm, 'vm.start');
        startUnhosted(dc, vm);
      } else lifecycle(dc, vm, 'vm.start', (n, hv) => startDefined(dc, vm, hv));
      return;
    }
    case 'vm.shutdown':
      lifecycle(dc, vmOf(dc, command.vm), 'vm.shutdown', (n, hv) => hv.shutdown(n));
      return;
    case 'vm.destroy':
      lifecycle(dc, vmOf(dc, command.vm), 'vm.destroy', (n, hv) => hv.destroy(n));
      return;
    case 'vm.pause':
      lifecycle(dc, vmOf(dc, command.vm), 'vm.pause', (n, hv) => hv.suspend(n));
      return;
    case 'vm.resume':
      lifecycle(dc, vmOf(dc, command.vm), 'vm.resume', (n, hv) => hv.resume(n));
      return;
    case 'vm.update':
      updateVm(dc, vmOf(dc, command.vm), command);
      return;
    case 'vm.migrate':
      migrate(dc, migrations, command);
      return;
    case 'host.fail': {
      const h = hostOf(dc, command.host);
      if (h.state === 'failed') throw new InvalidTransitionError('failed', 'host.fail', { host: h.name }, `host '${h.name}' has already failed; host.repair brings it back`);
      failHost(dc, h, migrations);
      return;
    }
    case 'host.repair': {
      const h = hostOf(dc, command.host);
      if (h.state === 'up') throw new InvalidTransitionError('up', 'host.repair', { host: h.name }, `host '${h.name}' is up; only a failed host can be repaired`);
      repairHost(dc, h);
      return;
    }
    case 'container.create': {
      const { name, ...rest } = command.container;
      addContainer(dc, { name, ...rest }, name, name);
      return;
    }
    case 'container.delete':
      deleteContainer(dc, containerOf(dc, command.container));
      return;
    case 'container.start': {
      const rec = liveContainer(dc, command.container, 'container.start');
      commandContainer(dc, rec, (s) => s.engine.start(rec.id));
      return;
    }
    case 'container.stop': {
      const rec = liveContainer(dc, command.container, 'container.stop');
      commandContainer(dc, rec, (s) => s.engine.stop(rec.id, command.timeout === undefined ? {} : { timeout: command.timeout }));
      return;
    }
    case 'container.kill': {
      const rec = liveContainer(dc, command.container, 'container.kill');
      commandContainer(dc, rec, (s) => s.engine.kill(rec.id, command.signal));
      return;
    }
    case 'container.update': {
      const rec = liveContainer(dc, command.container, 'container.update');
      commandContainer(dc, rec, (s) => s.engine.update(rec.id, command.update));
      return;
    }
    case 'scale':
      scale(dc, command.template, command.count);
      return;
    default: {
      const never: never = command;
      throw new ValidationError(`unknown command ${JSON.stringify((never as { do?: unknown }).do)}`, { field: 'do' });
    }
  }
}

/** `vm.update`: the host policy's settings, through the hypervisor's `setVmCpu` (core-vmm). */
function updateVm(dc: DcState, vm: VmRec, command: Command<'vm.update'>): void {
  notWhileMigrating(vm, 'vm.update');
  const h = hostedVm(dc, vm, 'vm.update');
  const hv = ensureHypervisor(dc, h);
  const patch: Record<string, number> = {};
  for (const [k, v] of Object.entries(command.cpu)) if (typeof v === 'number') patch[k] = v;
  touchHost(dc, h, () => hv.setVmCpu(vm.name, patch));
  vm.body = { ...vm.body, cpu: { ...vm.body.cpu, ...command.cpu } };
}

/** `vm.migrate`: checks (VM running on an up host, not migrating; target up, another host, with room), then the live migration. */
function migrate(dc: DcState, migrations: Migrations, command: Command<'vm.migrate'>): void {
  const vm = vmOf(dc, command.vm);
  if (vm.body.flavor === 'firecracker') {
    throw new ValidationError(
      `VM '${vm.name}' is a Firecracker microVM, and Firecracker has no live migration (its route is snapshot and restore, which vm.migrate does not offer): vm.migrate accepts libvirt VMs (flavor: libvirt); to move a microVM, delete it and vm.create it on the target host`,
      { field: 'vm', vm: vm.name, flavor: 'firecracker', accepted: 'flavor: libvirt' },
    );
  }
  notWhileMigrating(vm, 'vm.migrate');
  const from = hostedVm(dc, vm, 'vm.migrate');
  const state = from.hv === null ? vm.lightState : virshState(from.hv.vm(vm.name).lifecycle.libvirt.state);
  if (state !== 'running') throw new InvalidTransitionError(state, 'vm.migrate', { vm: vm.name }, `VM '${vm.name}' is ${state}; only a running VM migrates live`);
  let to: HostRec;
  if (command.to !== undefined) {
    to = resolveHosts(dc, command.to, 'to').find((h) => h.name !== from.name) ?? hostOf(dc, command.to);
    if (to.name === from.name) throw new ConflictError(`VM '${vm.name}' is on '${from.name}' already; name another host`, { vm: vm.name, to: to.name });
    if (to.hypervisor === 'none') throw new ValidationError(`host '${to.name}' is bare metal (hypervisor: none) and takes no VMs`, { field: 'to', to: to.name });
    if (to.state === 'failed') throw new InvalidTransitionError('failed', 'vm.migrate', { host: to.name }, `target host '${to.name}' has failed`);
    if (!dc.placement.cluster.fits({ name: `\u0000probe:${vm.name}`, cpu: vm.body.vcpus * 1000, memory: vm.body.memory }, to.index)) {
      throw new InsufficientResourcesError(`host '${to.name}' has no room for VM '${vm.name}' (${vm.body.vcpus} vCPUs, ${vm.body.memory} bytes)`, { vm: vm.name, to: to.name });
    }
  } else {
    // Placement chooses among the other hosts, within the template's `host`.
    dc.placement.setAvailable(from, false);
    try {
      to = dc.hosts.get(chooseHost(dc, `\u0000probe:${vm.name}`, vm.body).host!)!;
    } catch (error) {
      if (vm.body.host === undefined) throw error;
      throw new InsufficientResourcesError(
        `VM '${vm.name}' is pinned to ${vm.body.host} by its template, and no other host of it is up with room (${vm.body.vcpus} vCPUs, ${vm.body.memory} bytes): name a target with to, or free one of them`,
        { vm: vm.name, host: vm.body.host, cause: (error as Error).message },
      );
    } finally {
      dc.placement.setAvailable(from, true);
    }
  }
  migrations.start(vm, from, to, {
    ...(command.downtimeLimit === undefined ? {} : { downtimeLimitUs: command.downtimeLimit }),
    ...(command.bandwidth === undefined ? {} : { maxBandwidth: command.bandwidth }),
  });
}
