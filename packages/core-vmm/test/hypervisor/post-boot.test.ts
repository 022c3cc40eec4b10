// Post-boot changes through the facade: scheduling settings (schedinfo) on a running and a paused VM
// with hand-computed shares, balloon and rate limiter PATCHes with Firecracker's phase rule and texts,
// and refusals that leave every view as it was.
import { describe, expect, it } from 'vitest';
import { createSchedulerGuest, type SchedulerGuest } from '../../src/host/index.ts';
import { createHypervisor, type Hypervisor } from '../../src/hypervisor/index.ts';
import { FC_NOT_SUPPORTED_BEFORE_START, FC_STATS_STATE_CHANGE } from '../../src/index.ts';

const S = 1_000_000;
const MiB = 1024 * 1024;

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

function microVm(hv: Hypervisor, extra: Record<string, unknown> = {}): void {
  hv.defineVm({
    name: 'fc',
    flavor: 'firecracker',
    vcpus: 1,
    memoryBytes: 256 * MiB,
    guest: busy(1),
    drives: [{ drive_id: 'root', path_on_host: '/img', is_root_device: true, rate_limiter: { bandwidth: { size: 1_000_000, refill_time: 100 } } }],
    nics: [{ iface_id: 'eth0', host_dev_name: 'tap0', tx_rate_limiter: { bandwidth: { size: 100_000, refill_time: 100 } } }],
    balloon: { amount_mib: 0, deflate_on_oom: false, stats_polling_interval_s: 1 },
    ...extra,
  });
}

describe('hypervisor: post-boot changes', () => {
  it('setVmCpu on running VMs: equal weights share 1:1, then 768:256 shares 3:1 (credit, fluid)', () => {
    const hv = createHypervisor({ host: { cpus: 2, memory: 4096 * MiB }, fidelity: 'fluid', libvirtTimings: { bootUs: 0 } });
    hv.defineVm({ name: 'a', vcpus: 2, memoryBytes: 512 * MiB, guest: busy(2) });
    hv.defineVm({ name: 'b', vcpus: 2, memoryBytes: 512 * MiB, guest: busy(2) });
    hv.start('a');
    hv.start('b');
    hv.advanceTo(10 * S);
    expect(hv.vm('a').cpuTotals.hostCpuUsec).toBeCloseTo(10 * S, -1);
    expect(hv.vm('b').cpuTotals.hostCpuUsec).toBeCloseTo(10 * S, -1);
    hv.setVmCpu('a', { weight: 768 });
    expect(hv.vm('a').cpu).toEqual({ weight: 768 });
    hv.advanceTo(20 * S);
    expect(hv.vm('a').cpuTotals.hostCpuUsec - 10 * S).toBeCloseTo(15 * S, -1);
    expect(hv.vm('b').cpuTotals.hostCpuUsec - 10 * S).toBeCloseTo(5 * S, -1);
    // steal per vCPU: a's vCPUs run 0.75 of the time, b's 0.25
    expect(hv.vm('b').vcpuTotals[0]!.stealUsec).toBeCloseTo(5 * S + 7.5 * S, -1);
  });

  it('setVmCpu under cfs: a per-vCPU quota of 25 ms per 100 ms on a running VM, then both vCPUs pinned to pCPU 0', () => {
    const hv = createHypervisor({ host: { cpus: 2, memory: 4096 * MiB }, policy: 'cfs', fidelity: 'fluid', libvirtTimings: { bootUs: 0 } });
    hv.defineVm({ name: 'a', vcpus: 2, memoryBytes: 512 * MiB, guest: busy(2) });
    hv.start('a');
    hv.advanceTo(10 * S);
    expect(hv.vm('a').cpuTotals.hostCpuUsec).toBe(20 * S);
    hv.setVmCpu('a', { period: 100_000, quota: 25_000 });
    hv.advanceTo(20 * S);
    expect(hv.vm('a').cpuTotals.hostCpuUsec - 20 * S).toBeCloseTo(5 * S, -3);
    hv.setVmCpu('a', { quota: undefined, period: undefined, pin: [[0], [0]] });
    hv.advanceTo(30 * S);
    expect(hv.vm('a').cpuTotals.hostCpuUsec - 25 * S).toBeCloseTo(10 * S, -3); // one pCPU between them
    expect(hv.vm('a').cpu).toEqual({ pin: [[0], [0]] });
  });

  it('setVmCpu on a paused VM is kept and applies when its vCPUs come back (cap 50: half a pCPU)', () => {
    const hv = createHypervisor({ host: { cpus: 2, memory: 4096 * MiB }, fidelity: 'fluid', libvirtTimings: { bootUs: 0 } });
    hv.defineVm({ name: 'a', vcpus: 1, memoryBytes: 512 * MiB, guest: busy(1) });
    hv.start('a');
    hv.advanceTo(1 * S);
    hv.suspend('a');
    hv.setVmCpu('a', { cap: 50 });
    expect(hv.vm('a').onHost).toBe(false);
    hv.advanceTo(2 * S);
    hv.resume('a');
    hv.advanceTo(12 * S);
    expect(hv.vm('a').cpuTotals.hostCpuUsec).toBeCloseTo(1 * S + 5 * S, -3);
  });

  it('setVmCpu refusals: the policy validator and vcpus, with nothing changed', () => {
    const hv = createHypervisor({ host: { cpus: 2, memory: 4096 * MiB }, fidelity: 'fluid', libvirtTimings: { bootUs: 0 } });
    hv.defineVm({ name: 'a', vcpus: 2, memoryBytes: 512 * MiB, guest: busy(2), cpu: { weight: 300 } });
    hv.start('a');
    hv.advanceTo(S);
    const before = snap(hv);
    for (const patch of [{ weight: 0 }, { shares: 100 }, { cap: 500 }, { pin: [[7], null] }, { vcpus: 3 } as never]) {
      expect(thrown(() => hv.setVmCpu('a', patch)).code).toBe('E_VALIDATION');
      expect(snap(hv)).toBe(before);
    }
    expect(thrown(() => hv.setVmCpu('nope', { weight: 1 })).code).toBe('E_NOT_FOUND');
  });

  it('updateBalloon / updateBalloonStats: after boot only (Firecracker texts); the balloon inflates 64 MiB', () => {
    const hv = createHypervisor({ host: { cpus: 1, memory: 1024 * MiB }, fidelity: 'fluid' });
    microVm(hv);
    const before = snap(hv);
    const e = thrown(() => hv.updateBalloon('fc', { amount_mib: 64 }));
    expect([e.code, e.message]).toEqual(['E_INVALID_TRANSITION', FC_NOT_SUPPORTED_BEFORE_START]);
    expect(thrown(() => hv.updateBalloonStats('fc', { stats_polling_interval_s: 5 })).message).toBe(FC_NOT_SUPPORTED_BEFORE_START);
    expect(snap(hv)).toBe(before);
    hv.start('fc');
    hv.advanceTo(125_000);
    hv.updateBalloon('fc', { amount_mib: 64 });
    const events = hv.advanceTo(2 * S);
    // 64 messages of 256 pages, each ⌈1 MiB / 128 MiB/s⌉ = 7,813 µs
    expect(events.filter((x) => x.type === 'balloon.target_reached').map((x) => x.time)).toEqual([125_000 + 64 * 7813]);
    expect(hv.vm('fc').memory.balloonBytes).toBe(64 * MiB);
    const mid = snap(hv);
    expect(thrown(() => hv.updateBalloonStats('fc', { stats_polling_interval_s: 0 })).message).toBe(FC_STATS_STATE_CHANGE);
    expect(thrown(() => hv.updateBalloon('fc', { amount_mib: 257 })).code).toBe('E_VALIDATION');
    expect(snap(hv)).toBe(mid);
    hv.updateBalloonStats('fc', { stats_polling_interval_s: 5 });
  });

  it('updateDrive: removing the limiter after boot lets the next request through at once (a twin without the PATCH waits)', () => {
    const run = (patch: boolean) => {
      const hv = createHypervisor({ host: { cpus: 1, memory: 1024 * MiB }, fidelity: 'fluid' });
      microVm(hv);
      if (patch) {
        const e = thrown(() => hv.updateDrive('fc', 'root', { rate_limiter: { bandwidth: { size: 0, refill_time: 0 } } }));
        expect([e.code, e.message]).toEqual(['E_INVALID_TRANSITION', FC_NOT_SUPPORTED_BEFORE_START]);
      }
      hv.start('fc');
      hv.advanceTo(125_000);
      // Firecracker's lazy refill: the bucket was last refilled at boot, so two 600 kB reads pass now and leave 400 kB.
      hv.submitBlock('fc', 'root', { id: 'r0', type: 'read', bytes: 600_000 });
      hv.submitBlock('fc', 'root', { id: 'r1', type: 'read', bytes: 600_000 });
      hv.advanceTo(126_000);
      if (patch) {
        const before = snap(hv);
        expect(thrown(() => hv.updateDrive('fc', 'root', { is_read_only: true } as never)).message).toBe('unknown field `is_read_only`, expected one of `drive_id`, `path_on_host`, `rate_limiter`');
        expect(thrown(() => hv.updateDrive('fc', 'nope', { path_on_host: '/x' })).code).toBe('E_NOT_FOUND');
        expect(snap(hv)).toBe(before);
        hv.updateDrive('fc', 'root', { rate_limiter: { bandwidth: { size: 0, refill_time: 0 } } });
      }
      hv.submitBlock('fc', 'root', { id: 'r2', type: 'read', bytes: 600_000 });
      return hv.advanceTo(2 * S).filter((x) => x.type === 'device.io_completed').map((x) => x.time);
    };
    expect(run(true)).toEqual([126_000]);
    // 410 kB < 600 kB: refused, the queue retries when the 100 ms timer ends
    expect(run(false)).toEqual([226_000]);
  });

  it('updateNetworkInterface: a bigger tx bucket after boot admits a frame the old one refused', () => {
    const hv = createHypervisor({ host: { cpus: 1, memory: 1024 * MiB }, fidelity: 'fluid' });
    microVm(hv);
    expect(thrown(() => hv.updateNetworkInterface('fc', 'eth0', { tx_rate_limiter: { bandwidth: { size: 1_000_000, refill_time: 100 } } })).message).toBe(FC_NOT_SUPPORTED_BEFORE_START);
    hv.start('fc');
    hv.advanceTo(125_000);
    hv.sendFrame('fc', 'eth0', { id: 'f0', bytes: 100_000 });
    hv.updateNetworkInterface('fc', 'eth0', { tx_rate_limiter: { bandwidth: { size: 1_000_000, refill_time: 100 } } });
    hv.sendFrame('fc', 'eth0', { id: 'f1', bytes: 100_000 });
    expect(hv.advanceTo(126_000).filter((x) => x.type === 'device.io_completed').map((x) => x.time)).toEqual([125_000, 125_000]);
    expect(hv.vm('fc').devices['eth0/tx']).toEqual({ requests: 2, bytes: 200_000 });
  });
});
