// Changes to a defined VM the way libvirt and Firecracker allow them: scheduling settings in any phase
// (`virsh schedinfo` / `vcpupin`, live and config), balloon and rate limiter PATCHes after boot. Each
// goes to the part that owns it, which validates first and refuses with its own typed error and text.
import { ValidationError } from '@strata/shared-types';
import type { DrivePatch, NetworkInterfacePatch } from '../devices/types.js';
import type { VmCpuSpec } from '../host/types.js';
import { validateVmCpuSpec } from '../host/vcpu-policy.js';
import type { BalloonStatsUpdate, BalloonUpdate } from '../memory/types.js';
import type { HypervisorCore } from './core.js';
import { requireObject } from '../input-checks.js';

/** `setVmCpu`: validated as a whole spec for this host's policy, then applied to the host scheduler while the vCPUs are on it. */
export function setVmCpu(core: HypervisorCore, name: string, patch: Partial<Omit<VmCpuSpec, 'vcpus'>>): void {
  const e = core.entry(name);
  requireObject('patch', patch, `of scheduling settings (the ${core.host.policy} policy's)`);
  const next: VmCpuSpec = { ...e.cpu, ...patch, vcpus: e.cpu.vcpus };
  const vcpus = (patch as { vcpus?: unknown }).vcpus;
  if (vcpus !== undefined) throw new ValidationError(`vm ${name}: vcpus cannot change on a defined VM`, { path: 'vcpus', value: vcpus });
  validateVmCpuSpec(core.host.policy, next, core.host.cpus);
  if (e.port.attached) core.host.setVmCpu(name, patch);
  e.cpu = next;
}

/** `updateBalloon`: PATCH /balloon through the memory part (after boot only; Firecracker's texts). */
export function updateBalloon(core: HypervisorCore, name: string, update: BalloonUpdate): void {
  core.entry(name);
  core.memory.patchBalloon(name, update);
}

/** `updateBalloonStats`: PATCH /balloon/statistics through the memory part. */
export function updateBalloonStats(core: HypervisorCore, name: string, update: BalloonStatsUpdate): void {
  core.entry(name);
  core.memory.patchBalloonStatistics(name, update);
}

/** `updateDrive`: PATCH /drives/{drive} through the devices part (after boot only). */
export function updateDrive(core: HypervisorCore, name: string, drive: string, patch: Omit<DrivePatch, 'drive_id'>): void {
  core.entry(name);
  core.devices.patchDrive(name, { ...patch, drive_id: drive });
}

/** `updateNetworkInterface`: PATCH /network-interfaces/{iface} through the devices part (after boot only). */
export function updateNetworkInterface(core: HypervisorCore, name: string, iface: string, patch: Omit<NetworkInterfacePatch, 'iface_id'>): void {
  core.entry(name);
  core.devices.patchNetworkInterface(name, { ...patch, iface_id: iface });
}
