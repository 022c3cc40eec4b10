// Snapshots through the facade: Firecracker's phase rules and texts, the vCPU state and device counters
// a snapshot carries, loading on another hypervisor, the dirty-rate model of diff snapshots, and
// refusals that change nothing.
import { describe, expect, it } from 'vitest';
import { createSchedulerGuest, type SchedulerGuest } from '../../src/host/index.ts';
import { createHypervisor, type Hypervisor, type HypervisorVmSpec } from '../../src/hypervisor/index.ts';
import { applyDiff, type VmSnapshot } from '../../src/index.ts';

const S = 1_000_000;
const MiB = 1024 * 1024;
const SNAP_RUNNING = 'Create snapshot error: Cannot save the microVM state: Operation not allowed: save/restore unavailable while running';
const BEFORE = 'The requested operation is not supported before starting the microVM.';

function busy(cpus: number, start = 0): SchedulerGuest {
  const g = createSchedulerGuest({ cpus, fidelity: 'fluid', start });
  for (let i = 0; i < cpus; i++) g.addTask(`t${i}`, '/');
  return g;
}

function thrown(f: () => unknown): Error & { code?: string } {
  try {
    f();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

const snap = (hv: Hypervisor) => JSON.stringify({ vms: hv.vms(), next: hv.nextEventTime() });

function spec(guest: SchedulerGuest, extra: Partial<HypervisorVmSpec> = {}): HypervisorVmSpec {
  return {
    name: 'fc',
    flavor: 'firecracker',
    vcpus: 2,
    memoryBytes: 256 * MiB,
    guest,
    cpu: { weight: 512 },
    workload: { bytes: 64 * MiB, dirtyBytesPerSecond: 16 * MiB, wssBytes: 32 * MiB },
    drives: [{ drive_id: 'root', path_on_host: '/img', is_root_device: true }],
    nics: [{ iface_id: 'eth0', host_dev_name: 'tap0' }],
    ...extra,
  };
}

function hostAt(start = 0, memory = 2048 * MiB): Hypervisor {
  return createHypervisor({ host: { cpus: 1, memory }, fidelity: 'fluid', start, snapshotDiskBytesPerSecond: 64 * MiB });
}

/** A booted microVM (2 busy vCPUs on 1 pCPU: 50 % steal each), some I/O served, then paused at 2 s. */
function pausedVm(): Hypervisor {
  const a = hostAt();
  a.defineVm(spec(busy(2)));
  expect(thrown(() => a.snapshotVm('fc', { kind: 'full' })).message).toBe(BEFORE);
  a.start('fc');
  a.advanceTo(125_000);
  a.submitBlock('fc', 'root', { id: 'r0', type: 'write', bytes: 4 * MiB });
  a.sendFrame('fc', 'eth0', { id: 'f0', bytes: 1500 });
  a.advanceTo(2 * S);
  const before = snap(a);
  const e = thrown(() => a.snapshotVm('fc', { kind: 'full' }));
  expect([e.code, e.message]).toEqual(['E_INVALID_TRANSITION', SNAP_RUNNING]);
  expect(snap(a)).toBe(before);
  a.suspend('fc');
  return a;
}

/** What must be the same on the saving and the loading host. */
function observable(hv: Hypervisor) {
  const v = hv.vm('fc');
  return { phase: v.lifecycle.phase, fc: v.lifecycle.firecracker, onHost: v.onHost, vcpus: v.vcpus, cpuTotals: v.cpuTotals, vcpuTotals: v.vcpuTotals, cpu: v.cpu, memory: v.memory, devices: v.devices, throttle: v.throttlePercent };
}

describe('hypervisor: snapshots', () => {
  it('a full snapshot carries the vCPU accounting, the settings and the device counters', () => {
    const a = pausedVm();
    const s = a.snapshotVm('fc', { kind: 'full' });
    const view = a.vm('fc');
    expect(view.cpuTotals.hostCpuUsec).toBe(2 * S - 125_000);
    expect(view.vcpuTotals[0]!.stealUsec).toBe((2 * S - 125_000) / 2);
    expect(s.cpu).toEqual({
      policy: 'credit',
      spec: { weight: 512 },
      vcpus: view.vcpuTotals.map((t) => ({ ...t, demand: { runnable: true, demand: 1 } })),
      throttlePercent: 0,
    });
    expect(s.devices.queues?.find((q) => q.device === 'root')?.served).toEqual({ requests: 1, bytes: 4 * MiB });
    expect(s.memory.residentBytes).toBe(64 * MiB);
    expect(s.sizeBytes).toBe(64 * MiB);
    expect(s.createSeconds).toBe(1);
  });

  it('loaded on another hypervisor (another clock) the VM shows the same state, Paused; resumed, the same future', () => {
    const a = pausedVm();
    const s = JSON.parse(JSON.stringify(a.snapshotVm('fc', { kind: 'full' }))) as VmSnapshot;
    const b = hostAt(7 * S);
    b.loadSnapshot(spec(busy(2, 7 * S)), s);
    expect(observable(b)).toEqual(observable(a));
    expect(b.vm('fc').lifecycle.reason).toBe('from_snapshot');
    a.resume('fc');
    b.resume('fc');
    a.advanceTo(5 * S);
    b.advanceTo(10 * S);
    expect(observable(b)).toEqual(observable(a));
    expect(b.vm('fc').cpuTotals.hostCpuUsec).toBe(2 * S - 125_000 + 3 * S);
  });

  it('load with resume: Running at once, the vCPUs on the host', () => {
    const a = pausedVm();
    const s = a.snapshotVm('fc', { kind: 'full' });
    const b = hostAt(2 * S);
    b.loadSnapshot(spec(busy(2, 2 * S)), s, { resume: true });
    expect(b.vm('fc').lifecycle.firecracker).toBe('Running');
    expect(b.vm('fc').onHost).toBe(true);
    expect(b.vm('fc').memory.phase).toBe('running');
  });

  it('diff snapshots: new touches plus the workload rewriting its working set (D = 16 MiB/s, W = 32 MiB), throttle included', () => {
    const a = pausedVm();
    const full = a.snapshotVm('fc', { kind: 'full' });
    a.resume('fc');
    a.advanceTo(3 * S);
    a.suspend('fc');
    const d1 = a.snapshotVm('fc', { kind: 'diff' });
    expect([d1.base, d1.dirtiedBytes, d1.sizeBytes]).toEqual([full.id, 16 * MiB, 16 * MiB]);
    a.advanceTo(4 * S); // paused: nothing dirtied
    a.resume('fc');
    a.advanceTo(14 * S);
    a.suspend('fc');
    expect(a.snapshotVm('fc', { kind: 'diff' }).dirtiedBytes).toBe(32 * MiB); // at most the working set
    a.resume('fc');
    a.setThrottle('fc', 50);
    a.advanceTo(15 * S);
    a.suspend('fc');
    expect(a.snapshotVm('fc', { kind: 'diff' }).dirtiedBytes).toBe(8 * MiB);
    // the merged chain loads
    const b = hostAt(a.now());
    b.loadSnapshot(spec(busy(2, a.now())), applyDiff(full, d1));
    expect(b.vm('fc').memory.residentBytes).toBe(64 * MiB);
  });

  it('load refusals change nothing: a booted VM, a diff, a size mismatch, a libvirt flavor, overcommit, a name in use', () => {
    const a = pausedVm();
    const full = a.snapshotVm('fc', { kind: 'full' });
    a.resume('fc');
    a.advanceTo(3 * S);
    a.suspend('fc');
    const diff = a.snapshotVm('fc', { kind: 'diff' });
    const b = hostAt(3 * S, 1024 * MiB);
    b.defineVm(spec(busy(2, 3 * S), { name: 'other', memoryBytes: 900 * MiB, workload: undefined }));
    const before = snap(b);
    const cases: [() => void, string][] = [
      [() => b.loadSnapshot(spec(busy(2, 3 * S)), diff), 'E_VALIDATION'],
      [() => b.loadSnapshot(spec(busy(2, 3 * S), { vcpus: 1, guest: busy(1, 3 * S) }), full), 'E_VALIDATION'],
      [() => b.loadSnapshot(spec(busy(2, 3 * S), { flavor: 'libvirt' }), full), 'E_VALIDATION'],
      [() => b.loadSnapshot(spec(busy(2, 3 * S)), full), 'E_INSUFFICIENT_RESOURCES'],
      [() => b.loadSnapshot(spec(busy(2, 3 * S), { name: 'other' }), full), 'E_CONFLICT'],
      [() => b.loadSnapshot(spec(busy(2, 3 * S), { cpu: { shares: 5 } }), full), 'E_VALIDATION'],
      [() => b.loadSnapshot(spec(busy(2, 3 * S)), { ...full, version: 2 } as never), 'E_VALIDATION'],
      [() => b.loadSnapshot(spec(busy(2, 3 * S)), { ...full, cpu: { ...full.cpu!, vcpus: [] } }), 'E_VALIDATION'],
    ];
    for (const [f, code] of cases) {
      expect(thrown(f).code).toBe(code);
      expect(snap(b)).toBe(before);
      expect(b.nextEventTime()).toBe(Infinity);
    }
    // a snapshot of a libvirt VM is refused by the facade
    const c = hostAt();
    c.defineVm({ name: 'lv', vcpus: 1, memoryBytes: 128 * MiB, guest: busy(1) });
    expect(thrown(() => c.snapshotVm('lv', { kind: 'full' })).code).toBe('E_VALIDATION');
  });
});
