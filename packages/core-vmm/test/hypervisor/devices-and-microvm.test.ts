import { describe, expect, it } from 'vitest';
import { createSchedulerGuest } from '../../src/host/index.ts';
import { createHypervisor } from '../../src/hypervisor/index.ts';
import { createHypervisor as fromPackage } from '../../src/index.ts';

const S = 1_000_000;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function guest(cpus = 1) {
  const g = createSchedulerGuest({ cpus, fidelity: 'fluid' });
  g.addTask('t0', '/');
  return g;
}

describe('hypervisor: devices and microVMs', () => {
  it('block requests go through the drive and the host disk; counters show in vm(name).devices', () => {
    const hv = createHypervisor({ host: { cpus: 1, memory: 1 * GiB, disk: { bytesPerSecond: 100 * MiB } }, fidelity: 'fluid' });
    hv.defineVm({
      name: 'fc',
      flavor: 'firecracker',
      vcpus: 1,
      memoryBytes: 128 * MiB,
      guest: guest(),
      drives: [{ drive_id: 'root', path_on_host: '/img', is_root_device: true }],
      nics: [{ iface_id: 'eth0', host_dev_name: 'tap0' }],
    });
    hv.start('fc');
    hv.advanceTo(125_000);
    hv.submitBlock('fc', 'root', { id: 'r1', type: 'read', bytes: 10 * MiB });
    const evs = hv.advanceTo(S);
    const done = evs.filter((e) => e.type === 'device.io_completed');
    expect(done).toHaveLength(1);
    expect(done[0]!.time).toBe(125_000 + 100_000); // 10 MiB at 100 MiB/s
    expect(hv.vm('fc').devices['root/blk']).toMatchObject({ requests: 1, bytes: 10 * MiB });
    expect(hv.vm('fc').devices['eth0/tx']).toMatchObject({ requests: 0, bytes: 0 });
    expect(() => hv.submitBlock('fc', 'nope', { id: 'r2', type: 'read', bytes: 1 })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
  });

  it('a microVM pauses and resumes through Firecracker; destroyed, it can be undefined and its memory is released', () => {
    const hv = createHypervisor({ host: { cpus: 1, memory: 256 * MiB }, fidelity: 'fluid', vmmOverheadBytes: 0 });
    const g = guest();
    hv.defineVm({ name: 'fc', flavor: 'firecracker', vcpus: 1, memoryBytes: 256 * MiB, guest: g });
    hv.start('fc');
    hv.advanceTo(S);
    hv.suspend('fc');
    expect(hv.vm('fc').lifecycle.firecracker).toBe('Paused');
    expect(hv.vm('fc').onHost).toBe(false);
    const w = g.scheduler.taskStats('t0').cpuUsec;
    hv.advanceTo(2 * S);
    expect(g.scheduler.taskStats('t0').cpuUsec).toBe(w);
    hv.resume('fc');
    hv.advanceTo(3 * S);
    expect(g.scheduler.taskStats('t0').cpuUsec).toBe(w + S);
    hv.destroy('fc'); // the Firecracker process ends: the microVM is gone from every part
    expect(hv.vms()).toEqual([]);
    expect(() => hv.undefine('fc')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    // the whole RAM is free again
    hv.defineVm({ name: 'next', vcpus: 1, memoryBytes: 256 * MiB, guest: createSchedulerGuest({ cpus: 1, start: 3 * S }) });
    expect(hv.vms().map((v) => v.name)).toEqual(['next']);
  });

  it("the README's example, through the package's index", () => {
    const hv = fromPackage({ host: { cpus: 2, memory: 8 * GiB }, fidelity: 'fluid' });
    const g = createSchedulerGuest({ cpus: 1 });
    g.addTask('t0', '/');
    hv.defineVm({ name: 'fc', flavor: 'firecracker', vcpus: 1, memoryBytes: 128 * MiB, guest: g });
    hv.start('fc');
    expect(hv.vm('fc').onHost).toBe(false);
    hv.advanceTo(125_000);
    expect(hv.vm('fc').onHost).toBe(true);
    hv.suspend('fc');
    expect(hv.vm('fc')).toMatchObject({ onHost: false, vcpus: null, throttlePercent: 0 });
  });
});

describe('hypervisor: a live migration leaving the host', () => {
  it('the guest runs while migrating, throttled by onThrottle; completed, its vCPUs and memory leave the host', () => {
    const hv = createHypervisor({ host: { cpus: 1, memory: 2 * GiB }, fidelity: 'fluid', libvirtTimings: { bootUs: 0 } });
    const g = guest();
    hv.defineVm({ name: 'a', vcpus: 1, memoryBytes: 1 * GiB, guest: g, workload: { bytes: 256 * MiB } });
    hv.start('a');
    hv.advanceTo(S);
    hv.beginMigration('a');
    expect(hv.vm('a').lifecycle.phase).toBe('migrating');
    expect(hv.vm('a').onHost).toBe(true);
    const onThrottle = (p: number) => hv.setThrottle('a', p);
    onThrottle(50);
    hv.advanceTo(2 * S);
    expect(g.scheduler.taskStats('t0').cpuUsec).toBeCloseTo(1.5 * S, -2);
    hv.endMigration('a', 'completed');
    const view = hv.vm('a');
    expect(view).toMatchObject({ onHost: false, throttlePercent: 0 });
    expect(view.lifecycle.libvirt).toEqual({ state: 'shutoff', reason: 'migrated' });
    expect(view.memory.phase).toBe('stopped');
    hv.advanceTo(3 * S);
    expect(g.scheduler.taskStats('t0').cpuUsec).toBeCloseTo(1.5 * S, -2);
  });

  it('a cancelled migration leaves the VM running here, unthrottled', () => {
    const hv = createHypervisor({ host: { cpus: 1, memory: 2 * GiB }, fidelity: 'fluid', libvirtTimings: { bootUs: 0 } });
    const g = guest();
    hv.defineVm({ name: 'a', vcpus: 1, memoryBytes: 1 * GiB, guest: g });
    hv.start('a');
    hv.advanceTo(0); // the boot (0 µs) ends: running
    hv.beginMigration('a');
    hv.setThrottle('a', 30);
    hv.advanceTo(S);
    hv.endMigration('a', 'cancelled');
    expect(hv.vm('a')).toMatchObject({ onHost: true, throttlePercent: 0 });
    expect(hv.vm('a').lifecycle.phase).toBe('running');
    hv.advanceTo(2 * S);
    expect(g.scheduler.taskStats('t0').cpuUsec).toBeCloseTo(0.7 * S + S, -2);
  });
});
