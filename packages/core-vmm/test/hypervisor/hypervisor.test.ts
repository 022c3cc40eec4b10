import { describe, expect, it } from 'vitest';
import { createSchedulerGuest, type SchedulerGuest } from '../../src/host/index.ts';
import { createHypervisor, type Hypervisor, type HypervisorOptions } from '../../src/hypervisor/index.ts';

const S = 1_000_000;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function busyGuest(cpus: number, busy = cpus, start = 0): SchedulerGuest {
  const g = createSchedulerGuest({ cpus, fidelity: 'fluid', start });
  for (let i = 0; i < busy; i++) g.addTask(`t${i}`, '/');
  return g;
}

function host(extra: Partial<HypervisorOptions> = {}): Hypervisor {
  return createHypervisor({ host: { cpus: 2, memory: 8 * GiB }, fidelity: 'fluid', ...extra });
}

const work = (g: SchedulerGuest, n: number) => Array.from({ length: n }, (_, i) => g.scheduler.taskStats(`t${i}`).cpuUsec).reduce((a, b) => a + b, 0);

function catchError(f: () => unknown): Error & { code?: string } {
  try {
    f();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

describe('hypervisor', () => {
  it('a microVM runs its guest 125 ms after start: its vCPU joins the host when the boot ends', () => {
    const hv = host();
    const g = busyGuest(1);
    hv.defineVm({ name: 'fc', flavor: 'firecracker', vcpus: 1, memoryBytes: 128 * MiB, guest: g });
    expect(hv.vm('fc').lifecycle.firecracker).toBe('Not started');
    hv.start('fc');
    expect(hv.vm('fc').lifecycle.phase).toBe('starting');
    expect(hv.vm('fc').onHost).toBe(false);
    expect(hv.vm('fc').memory.phase).toBe('running');
    expect(hv.nextEventTime()).toBe(125_000);
    const evs = hv.advanceTo(125_000);
    expect(evs.some((e) => e.type === 'vm.booted' && e.time === 125_000)).toBe(true);
    expect(hv.vm('fc').onHost).toBe(true);
    expect(work(g, 1)).toBe(0);
    hv.advanceTo(1 * S);
    expect(work(g, 1)).toBe(1 * S - 125_000);
    expect(hv.vm('fc').vcpus![0]!.hostCpuUsec).toBe(1 * S - 125_000);
  });

  it('the events of every part come out in time order', () => {
    const hv = host();
    hv.defineVm({ name: 'fc', flavor: 'firecracker', vcpus: 1, memoryBytes: 128 * MiB, guest: busyGuest(1) });
    hv.defineVm({ name: 'lv', vcpus: 1, memoryBytes: 256 * MiB, guest: busyGuest(1) });
    hv.start('lv');
    hv.start('fc');
    const evs = hv.advanceTo(10 * S);
    const times = evs.map((e) => e.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(evs.filter((e) => e.type === 'vm.booted').map((e) => (e as { vm?: string; name?: string }).vm ?? (e as { name?: string }).name)).toEqual(['fc', 'lv']);
  });

  it.each(['fluid', 'exact'] as const)('2 VMs × 2 busy vCPUs on 2 pCPUs through the facade (%s): 1 CPU of guest work per second each, steal half the time per vCPU', (fidelity) => {
    const hv = host({ libvirtTimings: { bootUs: 0 }, fidelity });
    const tol = fidelity === 'fluid' ? 0.001 : 0.01; // exact: whole 30 ms credit slices, 4 ms guest ticks
    const ga = createSchedulerGuest({ cpus: 2, fidelity });
    const gb = createSchedulerGuest({ cpus: 2, fidelity });
    for (const g of [ga, gb]) for (const t of ['t0', 't1']) g.addTask(t, '/');
    hv.defineVm({ name: 'a', vcpus: 2, memoryBytes: 1 * GiB, guest: ga });
    hv.defineVm({ name: 'b', vcpus: 2, memoryBytes: 1 * GiB, guest: gb });
    hv.start('a');
    hv.start('b');
    hv.advanceTo(0);
    expect(hv.vm('a').onHost && hv.vm('b').onHost).toBe(true);
    hv.advanceTo(10 * S);
    for (const [vm, g] of [['a', ga], ['b', gb]] as const) {
      expect(Math.abs(work(g, 2) / (10 * S) - 1)).toBeLessThan(2 * tol);
      for (const v of hv.vm(vm).vcpus!) {
        expect(Math.abs(v.stealUsec / (10 * S) - 0.5)).toBeLessThan(tol);
        expect(Math.abs(v.hostCpuUsec / (10 * S) - 0.5)).toBeLessThan(tol);
      }
    }
  });

  it('pause stops guest progress and steal; the peer gets the pCPUs; resume brings the vCPUs back', () => {
    const hv = host({ libvirtTimings: { bootUs: 0 } });
    const ga = busyGuest(2);
    const gb = busyGuest(2);
    hv.defineVm({ name: 'a', vcpus: 2, memoryBytes: 1 * GiB, guest: ga });
    hv.defineVm({ name: 'b', vcpus: 2, memoryBytes: 1 * GiB, guest: gb });
    hv.start('a');
    hv.start('b');
    hv.advanceTo(1 * S);
    hv.suspend('a');
    const view = hv.vm('a');
    expect(view.lifecycle.phase).toBe('paused');
    expect(view.onHost).toBe(false);
    expect(view.vcpus).toBeNull();
    expect(view.memory.phase).toBe('paused');
    const workAt1 = work(ga, 2);
    const totals = view.cpuTotals;
    hv.advanceTo(3 * S);
    expect(work(ga, 2)).toBe(workAt1); // no progress while paused
    expect(hv.vm('a').cpuTotals).toEqual(totals); // nor steal
    expect(work(gb, 2)).toBeCloseTo(1 * S + 2 * 2 * S, -2); // b had every pCPU for 2 s
    hv.resume('a');
    expect(hv.vm('a').onHost).toBe(true);
    hv.advanceTo(4 * S);
    expect(work(ga, 2) - workAt1).toBeCloseTo(1 * S, -2);
    expect(hv.vm('a').cpuTotals.stealUsec).toBeCloseTo(totals.stealUsec + 1 * S, -2);
    expect(hv.vmCpuTotals('a')).toEqual(hv.vm('a').cpuTotals);
    expect(hv.vmCpuTotals('b')).toEqual(hv.vm('b').cpuTotals);
    const err = catchError(() => hv.vmCpuTotals('nope'));
    expect(err.code).toBe('E_NOT_FOUND');
    expect(err.message).toContain('nope');
  });

  it('shutdown and destroy take the vCPUs off the host and free the host memory; the VM can start again', () => {
    const hv = host({ libvirtTimings: { bootUs: 0, shutdownUs: 1000 } });
    const g = busyGuest(1);
    hv.defineVm({ name: 'a', vcpus: 1, memoryBytes: 1 * GiB, guest: g, workload: { bytes: 512 * MiB } });
    hv.start('a');
    hv.advanceTo(S);
    expect(hv.vm('a').memory.inUseBytes).toBe(512 * MiB);
    hv.shutdown('a');
    hv.advanceTo(S + 1000);
    expect(hv.vm('a').lifecycle.phase).toBe('shutoff');
    expect(hv.vm('a').onHost).toBe(false);
    expect(hv.vm('a').memory.phase).toBe('stopped');
    const w = work(g, 1);
    hv.advanceTo(2 * S);
    expect(work(g, 1)).toBe(w);
    hv.start('a');
    hv.advanceTo(3 * S);
    expect(work(g, 1)).toBe(w + S);
    hv.destroy('a');
    expect(hv.vm('a').onHost).toBe(false);
    hv.undefine('a');
    expect(hv.vms()).toEqual([]);
  });

  it('a live migration throttle caps the vCPU demand', () => {
    const hv = host({ libvirtTimings: { bootUs: 0 } });
    const g = busyGuest(1);
    hv.defineVm({ name: 'a', vcpus: 1, memoryBytes: 1 * GiB, guest: g });
    hv.start('a');
    hv.advanceTo(S);
    hv.setThrottle('a', 20);
    hv.advanceTo(2 * S);
    expect(work(g, 1)).toBeCloseTo(S + 0.8 * S, -2);
    expect(hv.vm('a').throttlePercent).toBe(20);
    hv.setThrottle('a', 0);
    hv.advanceTo(3 * S);
    expect(work(g, 1)).toBeCloseTo(2.8 * S, -2);
  });

  it('host OOM: the largest VM crashes through the lifecycle (host-oom) and its vCPUs leave the host', () => {
    const hv = createHypervisor({ host: { cpus: 2, memory: 1 * GiB, overcommitRatio: 2 }, fidelity: 'fluid', libvirtTimings: { bootUs: 0 }, vmmOverheadBytes: 0 });
    const ga = busyGuest(1);
    const gb = busyGuest(1);
    hv.defineVm({ name: 'a', vcpus: 1, memoryBytes: 1 * GiB, guest: ga, workload: { bytes: 768 * MiB, bytesPerSecond: 256 * MiB } });
    hv.defineVm({ name: 'b', vcpus: 1, memoryBytes: 1 * GiB, guest: gb, workload: { bytes: 512 * MiB, bytesPerSecond: 256 * MiB } });
    hv.start('a');
    hv.start('b');
    const evs = hv.advanceTo(10 * S);
    const kill = evs.find((e) => e.type === 'vm.oom_killed');
    expect(kill).toMatchObject({ vm: 'a' });
    expect(evs.some((e) => e.type === 'vm.crashed' && e.time === kill!.time)).toBe(true);
    const a = hv.vm('a');
    expect(['crashed', 'shutoff']).toContain(a.lifecycle.phase);
    expect(a.onHost).toBe(false);
    expect(a.memory.phase).toBe('stopped');
    expect(hv.vm('b').onHost).toBe(true);
    const w = work(ga, 1);
    hv.advanceTo(11 * S);
    expect(work(ga, 1)).toBe(w);
  });

  it('refusals throw the typed error of the part that refused and change nothing', () => {
    const hv = createHypervisor({ host: { cpus: 2, memory: 2 * GiB }, fidelity: 'fluid', libvirtTimings: { bootUs: 0 } });
    hv.defineVm({ name: 'a', vcpus: 1, memoryBytes: 1 * GiB, guest: busyGuest(1) });
    hv.start('a');
    hv.advanceTo(S);
    const before = JSON.stringify({ vms: hv.vms(), next: hv.nextEventTime(), now: hv.now() });
    const refusals: [() => unknown, string][] = [
      [() => hv.defineVm({ name: 'b', vcpus: 1, memoryBytes: 2 * GiB, guest: busyGuest(1, 1, S) }), 'E_INSUFFICIENT_RESOURCES'],
      [() => hv.defineVm({ name: 'a', vcpus: 1, memoryBytes: 1 * MiB, guest: busyGuest(1, 1, S) }), 'E_CONFLICT'],
      [() => hv.defineVm({ name: 'c', vcpus: 2, memoryBytes: 1 * MiB, guest: busyGuest(1, 1, S) }), 'E_VALIDATION'],
      [() => hv.defineVm({ name: 'c', vcpus: 1, memoryBytes: 1 * MiB, cpu: { shares: 5 }, guest: busyGuest(1, 1, S) }), 'E_VALIDATION'],
      [() => hv.defineVm({ name: 'c', vcpus: 1, memoryBytes: 1 * MiB, drives: [{ drive_id: 'r', path_on_host: '/r', is_root_device: true }, { drive_id: 's', path_on_host: '/s', is_root_device: true }], guest: busyGuest(1, 1, S) }), 'E_VALIDATION'], // the devices part: a second root drive
      [() => hv.start('a'), 'E_INVALID_TRANSITION'],
      [() => hv.resume('a'), 'E_INVALID_TRANSITION'],
      [() => hv.undefine('a'), 'E_INVALID_TRANSITION'],
      [() => hv.start('nope'), 'E_NOT_FOUND'],
      [() => hv.setThrottle('a', 100), 'E_VALIDATION'],
    ];
    for (const [f, code] of refusals) {
      expect(catchError(f).code).toBe(code);
      expect(JSON.stringify({ vms: hv.vms(), next: hv.nextEventTime(), now: hv.now() })).toBe(before);
    }
    expect(hv.advanceTo(S).filter((e) => e.type === 'vm.defined')).toEqual([]);
  });
});
