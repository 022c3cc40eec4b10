// The hypervisor as core-cluster drives it: one pending core-sim event at its next-event time,
// re-armed after every command; seeded commands (suspend/resume, guest wake/block, throttle); the trace hash.
import { createSimulation, hashingTraceSink, type EventKey } from '@strata/core-sim';
import { describe, expect, it } from 'vitest';
import { createSchedulerGuest, type SchedulerGuest } from '../../src/host/index.ts';
import { createHypervisor } from '../../src/hypervisor/index.ts';

const MiB = 1024 * 1024;

function drive(seed: number) {
  const sink = hashingTraceSink();
  const sim = createSimulation({ seed, trace: sink });
  const hv = createHypervisor({ host: { cpus: 2, memory: 1024 * MiB, overcommitRatio: 2 }, fidelity: 'fluid', policy: 'cfs' });
  const guests: SchedulerGuest[] = [];
  for (let v = 0; v < 3; v++) {
    const g = createSchedulerGuest({ cpus: 2, fidelity: 'fluid' });
    g.addTask('t0', '/');
    g.addTask('t1', '/', { runnable: false });
    hv.defineVm({ name: `vm${v}`, flavor: v === 0 ? 'firecracker' : 'libvirt', vcpus: 2, memoryBytes: 512 * MiB, cpu: { shares: 100 * (v + 1) }, guest: g, workload: { bytes: 300 * MiB, bytesPerSecond: 64 * MiB } });
    guests.push(g);
  }
  let armed: EventKey | null = null;
  const rearm = (): void => {
    if (armed !== null) sim.cancel(armed);
    armed = null;
    const t = hv.nextEventTime();
    if (t !== Infinity) {
      armed = sim.at(t, () => {
        armed = null;
        for (const e of hv.advanceTo(sim.now())) sim.trace(e.type, { ...e });
        rearm();
      });
    }
  };
  for (let v = 0; v < 3; v++) hv.start(`vm${v}`);
  rearm();
  const rng = sim.rng('commands');
  sim.every(250_000, () => {
    hv.advanceTo(sim.now());
    const v = Math.floor(rng.float() * 3);
    const name = `vm${v}`;
    const r = rng.float();
    try {
      if (r < 0.2) hv.suspend(name);
      else if (r < 0.4) hv.resume(name);
      else if (r < 0.5) hv.setThrottle(name, Math.floor(rng.float() * 90));
      else {
        const g = guests[v]!;
        const task = rng.float() < 0.5 ? 't0' : 't1';
        if (g.scheduler.taskStats(task).state === 'runnable') g.block(task);
        else g.wake(task);
      }
    } catch (e) {
      sim.trace('refused', { vm: name, code: (e as { code?: string }).code ?? 'unknown' });
    }
    rearm();
  });
  sim.runUntil(20_000_000);
  hv.advanceTo(20_000_000);
  const views = hv.vms();
  for (const view of views) sim.trace('vm', { vm: view.name, phase: view.lifecycle.phase, cpu: view.cpuTotals.hostCpuUsec, steal: view.cpuTotals.stealUsec });
  return { hash: sink.hash(), used: views.reduce((a, v) => a + v.cpuTotals.hostCpuUsec, 0), phases: views.map((v) => v.lifecycle.phase) };
}

describe('hypervisor driven on core-sim', () => {
  it('same seed, same trace hash; another seed, another trace; never more than the pCPUs', () => {
    const one = drive(1);
    expect(one.used).toBeGreaterThan(0);
    expect(one.used).toBeLessThanOrEqual(2 * 20_000_000 + 6);
    expect(drive(1)).toEqual(one);
    expect(drive(2).hash).not.toBe(one.hash);
  });
});
