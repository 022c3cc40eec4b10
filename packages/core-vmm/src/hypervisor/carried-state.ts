// The VM state the facade carries between hosts (snapshot load, live migration): reading it from the
// parts, and checking it against scratch parts before anything real changes.
import { ValidationError, shownValue } from '@strata/shared-types';
import { createDeviceModel } from '../devices/create-device-model.js';
import type { VmDevicesSnapshot } from '../devices/types.js';
import { createHostMemory } from '../memory/create-host-memory.js';
import type { VmMemorySnapshot } from '../memory/types.js';
import type { VcpuSnapshot, VmCpuSnapshot } from '../snapshots/types.js';
import { vcpuTotals, type HypervisorCore, type VmEntry } from './core.js';
import { checkCpuSnapshotShape } from './input-checks.js';

/** The VM's vCPU settings and accounting now (totals over every period on the host). */
export function cpuSnapshot(core: HypervisorCore, name: string, e: VmEntry): VmCpuSnapshot {
  const live = e.port.attached ? Array.from({ length: e.spec.vcpus }, (_, c) => core.host.vcpuStats(name, c)) : null;
  const { vcpus: _vcpus, ...spec } = e.cpu;
  return {
    policy: core.host.policy,
    spec,
    vcpus: vcpuTotals(e, live).map((t, i) => ({ hostCpuUsec: t.hostCpuUsec, stealUsec: t.stealUsec, demand: { ...e.port.demandOf(i) } })),
    throttlePercent: e.port.throttlePercent,
  };
}

/** Check a carried vCPU state against the VM's vCPU count. ValidationError names the field. */
export function checkCpuSnapshot(cpu: VmCpuSnapshot, vcpus: number): void {
  checkCpuSnapshotShape(cpu);
  const list: readonly VcpuSnapshot[] = cpu.vcpus;
  const length = Array.isArray(list) ? list.length : -1;
  if (length !== vcpus) throw new ValidationError(`cpu.vcpus must list ${vcpus} vCPUs (the machine's), got ${length < 0 ? 'none' : length}`, { path: 'cpu.vcpus' });
  list.forEach((v: VcpuSnapshot, i: number) => {
    for (const f of ['hostCpuUsec', 'stealUsec'] as const) {
      const x: number = v[f];
      if (!Number.isSafeInteger(x) || x < 0) throw new ValidationError(`cpu.vcpus[${i}].${f} must be an integer ≥ 0, got ${shownValue(x)}`, { path: `cpu.vcpus[${i}].${f}` });
    }
  });
  const p = cpu.throttlePercent;
  if (!(typeof p === 'number' && p >= 0 && p < 100)) throw new ValidationError(`cpu.throttlePercent must be within 0..99, got ${shownValue(p)}`, { path: 'cpu.throttlePercent' });
}

/**
 * Restore `memory` and `devices` into scratch parts at the hypervisor's now: they refuse (with the
 * parts' own errors) whatever the real restore would refuse, so the real one can follow safely.
 */
export function dryRunRestore(core: HypervisorCore, name: string, memory: VmMemorySnapshot, devices: VmDevicesSnapshot): void {
  const now = core.now();
  const scratchMemory = createHostMemory({ ramBytes: Math.max(1, memory.guestBytes), start: now, vmmOverheadBytes: 0 });
  scratchMemory.addVm(name, { memoryBytes: memory.guestBytes });
  scratchMemory.restoreVm(name, memory);
  const scratchDevices = createDeviceModel({ start: now });
  scratchDevices.addVm(name);
  scratchDevices.restoreVm(name, devices);
}

/** Put carried accounting into the facade's record (after the parts were restored). */
export function applyCpuSnapshot(e: VmEntry, cpu: VmCpuSnapshot): void {
  cpu.vcpus.forEach((v, i) => {
    e.totals[i] = { hostCpuUsec: v.hostCpuUsec, stealUsec: v.stealUsec };
  });
}
