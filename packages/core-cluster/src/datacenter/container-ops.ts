// Containers on their stacks: where one runs (a VM's guest kernel or a bare-metal host's), running it
// from its spec, and Docker's restart policies when its machine comes back (a VM restarted by HA, a
// repaired host): `always`, `unless-stopped` and `on-failure` containers start again, as dockerd
// starts them at boot after a crash; `no` containers stay created.
import type { ContainerSpec } from '@strata/shared-types';
import type { ContainerStack } from './container-stack.js';
import { ensureHostStack, ensureVmStack, touchHost } from './hosts.js';
import type { ContainerRec, DcState, HostRec } from './state.js';

/** The host whose models a container's commands touch (its VM's host, or its bare-metal host); null when its VM has no host. */
export function hostOfContainer(dc: DcState, rec: ContainerRec): HostRec | null {
  if (rec.onKind === 'host') return dc.hosts.get(rec.on) ?? null;
  const vm = dc.vms.get(rec.on);
  return vm?.host == null ? null : (dc.hosts.get(vm.host) ?? null);
}

/** The stack a container lives on now, only to read it (null: its machine is down or has none yet). */
export function readStackOf(dc: DcState, rec: ContainerRec): ContainerStack | null {
  if (rec.onKind === 'host') return dc.hosts.get(rec.on)?.stack ?? null;
  return dc.vms.get(rec.on)?.guest.readStack() ?? null;
}

/** Whether the container's machine has a stack now (nothing is run or marked). */
export function hasStack(dc: DcState, rec: ContainerRec): boolean {
  if (rec.onKind === 'host') return (dc.hosts.get(rec.on)?.stack ?? null) !== null;
  return dc.vms.get(rec.on)?.guest.hasStack ?? false;
}

/** The stack a container lives on now, to command (null: its machine is down or has none yet). Its host must be at now (`touchHost`). */
export function stackOf(dc: DcState, rec: ContainerRec): ContainerStack | null {
  if (rec.onKind === 'host') return dc.hosts.get(rec.on)?.stack ?? null;
  return dc.vms.get(rec.on)?.guest.stack ?? null;
}

/** `docker run` words of a container record (its instance name as `--name`). */
export function specOf(rec: ContainerRec): ContainerSpec {
  const { name: _template, on: _on, ...spec } = rec.spec;
  return { ...spec, name: rec.name };
}

/** Create (and with `run`, start) a container on its machine at now. The engine's errors change nothing there. */
export function launchContainer(dc: DcState, rec: ContainerRec, mode: 'run' | 'create'): void {
  const h = hostOfContainer(dc, rec)!;
  touchHost(dc, h, () => {
    const stack = rec.onKind === 'vm' ? ensureVmStack(dc, dc.vms.get(rec.on)!) : ensureHostStack(dc, h);
    rec.id = mode === 'run' ? stack.engine.run(specOf(rec)) : stack.engine.create(specOf(rec));
    if (rec.onKind === 'vm') dc.vms.get(rec.on)!.guest.settle();
  });
}

/** After its machine came back (a fresh stack): start the containers whose restart policy says so, create the others. */
export function relaunchContainers(dc: DcState, recs: readonly ContainerRec[]): void {
  for (const rec of recs) {
    const name = rec.spec.restart?.name ?? 'no';
    launchContainer(dc, rec, name === 'no' ? 'create' : 'run');
  }
}

/** Apply an engine command to a container at now (its host brought to now, its guest's demand re-reported, the host re-armed). */
export function commandContainer(dc: DcState, rec: ContainerRec, command: (stack: ContainerStack) => void): void {
  const h = hostOfContainer(dc, rec)!;
  touchHost(dc, h, () => {
    const stack = stackOf(dc, rec)!;
    command(stack);
    if (rec.onKind === 'vm') dc.vms.get(rec.on)!.guest.settle();
  });
}
