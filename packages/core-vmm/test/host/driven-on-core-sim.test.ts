// The nested host as core-cluster drives it: one pending core-sim event at its next-event time,
// re-armed after every command; guests' tasks woken and blocked by seeded events; the trace hash.
import { createSimulation, hashingTraceSink, type EventKey } from '@strata/core-sim';
import { describe, expect, it } from 'vitest';
import { createNestedHost, createSchedulerGuest, type SchedulerGuest } from '../../src/host/index.ts';

function drive(seed: number, fidelity: 'fluid' | 'exact') {
  const sink = hashingTraceSink();
  const sim = createSimulation({ seed, trace: sink });
  const host = createNestedHost({ cpus: 2, fidelity, policy: 'cfs' });
  const guests: SchedulerGuest[] = [];
  for (let v = 0; v < 3; v++) {
    const g = createSchedulerGuest({ cpus: 2, fidelity });
    g.addTask('t0', '/');
    g.addTask('t1', '/', { runnable: false });
    host.addVm(`vm${v}`, { vcpus: 2, shares: 100 * (v + 1) }, g);
    guests.push(g);
  }
  let armed: EventKey | null = null;
  const rearm = (): void => {
    if (armed !== null) sim.cancel(armed);
    armed = null;
    const t = host.nextEventTime();
    if (t !== Infinity) {
      armed = sim.at(t, () => {
        armed = null;
        for (const e of host.advanceTo(sim.now())) sim.trace(e.type, { ...e });
        rearm();
      });
    }
  };
  const rng = sim.rng('guest-load');
  sim.every(100_000, () => {
    host.advanceTo(sim.now());
    const g = guests[Math.floor(rng.float() * guests.length)]!;
    const task = rng.float() < 0.5 ? 't0' : 't1';
    if (g.scheduler.taskStats(task).state === 'runnable') g.block(task);
    else g.wake(task);
    rearm();
  });
  rearm();
  sim.runUntil(10_000_000);
  host.advanceTo(10_000_000);
  const stats = host.listVms().flatMap((vm) => [0, 1].map((c) => host.vcpuStats(vm, c)));
  for (const s of stats) sim.trace('vcpu', { vm: s.vm, vcpu: s.vcpu, cpu: s.hostCpuUsec, steal: s.stealUsec });
  return { hash: sink.hash(), used: stats.reduce((a, s) => a + s.hostCpuUsec, 0), steal: stats.reduce((a, s) => a + s.stealUsec, 0) };
}

describe('nested host driven on core-sim', () => {
  it.each(['fluid', 'exact'] as const)('%s: same seed, same trace hash; another seed, another trace; never more than the pCPUs', (fidelity) => {
    const one = drive(1, fidelity);
    expect(one.used).toBeLessThanOrEqual(2 * 10_000_000 + 6);
    expect(one.steal).toBeGreaterThan(0);
    expect(drive(1, fidelity)).toEqual(one);
    expect(drive(2, fidelity).hash).not.toBe(one.hash);
  });
});
