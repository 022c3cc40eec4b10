// The README's two-hypervisor live migration example, run as written, with its printed values checked.
import { createFlowNetwork } from '@strata/core-network';
import { expect, it } from 'vitest';
import { createHypervisor, createSchedulerGuest, createVmMigration } from '../../src/index.ts';

it('README example: a VM migrated between two hypervisors over a 1 Gbit/s link', () => {
  const MiB = 2 ** 20;
  const guest = (start: number) => {
    const g = createSchedulerGuest({ cpus: 1, start });
    g.addTask('t0', '/');
    return g;
  };
  const web = { name: 'web', vcpus: 1, memoryBytes: 1024 * MiB, workload: { bytes: 1024 * MiB, dirtyBytesPerSecond: 50 * MiB, wssBytes: 256 * MiB } };
  const network = createFlowNetwork();
  network.addLink({ id: 'h1-h2', capacity: 125_000_000, latency: 0 });
  const a = createHypervisor({ host: { cpus: 2, memory: 4096 * MiB } });
  const b = createHypervisor({ host: { cpus: 2, memory: 4096 * MiB } });
  a.defineVm({ ...web, guest: guest(0) });
  a.start('web');
  for (const part of [a, b, network]) part.advanceTo(10_000_000); // booted and running for 5 s
  const m = createVmMigration({ id: 'm1', source: a, target: b, spec: { ...web, guest: guest(10_000_000) }, network, path: ['h1-h2'] });
  m.start(); // b.receiveMigration, a.beginMigration, round 0
  const next = () => Math.min(network.nextEventTime(), a.nextEventTime(), b.nextEventTime(), m.nextEventTime());
  while (m.phase() !== 'completed') {
    const t = next();
    network.advanceTo(t);
    a.advanceTo(t);
    b.advanceTo(t);
    m.advanceTo(t); // stop-and-copy: a.suspend; then a.outgoingState → a.endMigration → b.completeIncoming
  }
  const r = m.transfer.report();
  console.log(r.rounds.length, r.totalUs, r.downtimeUs, a.vm('web').lifecycle.libvirt, b.vm('web').lifecycle.libvirt, b.vm('web').cpuTotals.hostCpuUsec);
  // prints: 4 12174387 158457 { state: 'shutoff', reason: 'migrated' } { state: 'running', reason: 'migrated' } 17015930
  expect([r.rounds.length, r.totalUs, r.downtimeUs]).toEqual([4, 12_174_387, 158_457]);
  expect([a.vm('web').lifecycle.libvirt, b.vm('web').lifecycle.libvirt]).toEqual([
    { state: 'shutoff', reason: 'migrated' },
    { state: 'running', reason: 'migrated' },
  ]);
  // the guest ran from its boot (5 s) to now, on either host, except during the downtime
  expect(b.vm('web').cpuTotals.hostCpuUsec).toBe(5_000_000 + r.totalUs! - r.downtimeUs!);
  expect(b.vm('web').cpuTotals.hostCpuUsec).toBe(17_015_930);
});
