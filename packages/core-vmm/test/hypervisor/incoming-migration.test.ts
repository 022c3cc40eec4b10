// The destination side of a live migration through the facade: an incoming VM is PAUSED/MIGRATION
// with its memory allocated and nothing running; completing runs it with the source's carried state;
// aborting leaves nothing; refusals (overcommit, the job lock, wrong phase) change nothing.
import { describe, expect, it } from 'vitest';
import { createSchedulerGuest, type SchedulerGuest } from '../../src/host/index.ts';
import { createFlowNetwork } from '@strata/core-network';
import { createHypervisor, createVmMigration, INCOMING_LOCK_MESSAGE, type Hypervisor, type HypervisorVmSpec } from '../../src/hypervisor/index.ts';

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

const snap = (hv: Hypervisor) => JSON.stringify({ vms: hv.vms(), next: hv.nextEventTime(), mem: hv.vms().map((v) => v.memory) });

function host(memory = 2048 * MiB, start = 0): Hypervisor {
  return createHypervisor({ host: { cpus: 2, memory }, fidelity: 'fluid', start, libvirtTimings: { bootUs: 0 } });
}

function spec(guest: SchedulerGuest, extra: Partial<HypervisorVmSpec> = {}): HypervisorVmSpec {
  return {
    name: 'web',
    vcpus: 2,
    memoryBytes: 1024 * MiB,
    guest,
    cpu: { weight: 512 },
    workload: { bytes: 300 * MiB, dirtyBytesPerSecond: 20 * MiB, wssBytes: 100 * MiB },
    drives: [{ drive_id: 'root', path_on_host: '/img', is_root_device: true }],
    ...extra,
  };
}

describe('hypervisor: incoming live migration', () => {
  it('receiveMigration: PAUSED/MIGRATION, memory allocated (nothing committed), vCPUs off the host, events', () => {
    const b = host();
    b.receiveMigration(spec(busy(2)));
    const v = b.vm('web');
    expect([v.lifecycle.phase, v.lifecycle.libvirt, v.incoming, v.onHost]).toEqual(['paused', { state: 'paused', reason: 'migration' }, true, false]);
    expect([v.memory.phase, v.memory.footprintBytes]).toEqual(['stopped', 0]);
    const events = b.advanceTo(S);
    expect(events.map((e) => [e.type, (e as { reason?: string }).reason])).toEqual([
      ['vm.defined', undefined],
      ['vm.state_changed', 'migration'],
    ]);
    expect(b.nextEventTime()).toBe(Infinity);
  });

  it('overcommit on the destination: InsufficientResourcesError, nothing changed', () => {
    const b = host(1536 * MiB);
    b.defineVm(spec(busy(2), { name: 'resident', memoryBytes: 1024 * MiB }));
    const before = snap(b);
    const e = thrown(() => b.receiveMigration(spec(busy(2))));
    expect(e.code).toBe('E_INSUFFICIENT_RESOURCES');
    expect(e.message).toContain("cannot allocate 1024 MiB of guest memory to VM 'web'");
    expect(snap(b)).toBe(before);
    expect(thrown(() => b.receiveMigration(spec(busy(2), { name: 'resident' }))).code).toBe('E_CONFLICT');
    expect(thrown(() => b.receiveMigration(spec(busy(2), { flavor: 'firecracker' }))).code).toBe('E_VALIDATION');
    expect(snap(b)).toBe(before);
  });

  it('an incoming VM refuses other commands (the migration job holds the lock) and changes nothing', () => {
    const b = host();
    b.receiveMigration(spec(busy(2)));
    const before = snap(b);
    for (const f of [() => b.start('web'), () => b.resume('web'), () => b.suspend('web'), () => b.shutdown('web'), () => b.setThrottle('web', 10), () => b.undefine('web'), () => b.beginMigration('web')]) {
      const e = thrown(f);
      expect([e.code, e.message]).toEqual(['E_INVALID_TRANSITION', INCOMING_LOCK_MESSAGE]);
      expect(snap(b)).toBe(before);
    }
    const e = thrown(() => b.completeIncoming('web', { vm: 'other' } as never));
    expect(e.code).toBe('E_VALIDATION');
    expect(snap(b)).toBe(before);
  });

  it('completeIncoming without carried state: RUNNING/MIGRATED, the vCPUs join, memory starts afresh', () => {
    const b = host();
    b.receiveMigration(spec(busy(2)));
    b.advanceTo(S);
    b.completeIncoming('web');
    const v = b.vm('web');
    expect([v.lifecycle.libvirt, v.onHost, v.incoming, v.memory.phase, v.memory.residentBytes]).toEqual([{ state: 'running', reason: 'migrated' }, true, false, 'running', 300 * MiB]);
    expect(b.advanceTo(2 * S).filter((e) => e.type === 'vm.state_changed')).toEqual([{ type: 'vm.state_changed', time: S, vm: 'web', from: 'paused', to: 'running', reason: 'migrated' }]);
    expect(b.vm('web').cpuTotals.hostCpuUsec).toBe(2 * S);
    // not incoming any more
    const e = thrown(() => b.completeIncoming('web'));
    expect([e.code, e.message]).toEqual(['E_INVALID_TRANSITION', "Requested operation is not valid: domain 'web' is not an incoming migration"]);
    expect(thrown(() => b.abortIncoming('web')).code).toBe('E_INVALID_TRANSITION');
  });

  it('abortIncoming: gone from every part, its allocation released, the name free again (transient and persistent)', () => {
    for (const persistent of [false, true]) {
      const b = host(1024 * MiB);
      b.receiveMigration(spec(busy(2)), { persistent });
      b.abortIncoming('web');
      expect(b.vms()).toEqual([]);
      expect(thrown(() => b.vm('web')).code).toBe('E_NOT_FOUND');
      b.receiveMigration(spec(busy(2))); // the whole host's memory is free again
      expect(b.vm('web').incoming).toBe(true);
    }
  });

  it('the switch-over by hand: the source suspends, hands its state over and ends; the destination continues its accounting', () => {
    const a = host();
    const b = host();
    a.defineVm(spec(busy(2)));
    a.start('web');
    a.advanceTo(2 * S);
    a.submitBlock('web', 'root', { id: 'r0', type: 'read', bytes: MiB });
    a.advanceTo(3 * S);
    expect(thrown(() => a.outgoingState('web')).code).toBe('E_INVALID_TRANSITION'); // not migrating
    a.beginMigration('web');
    b.receiveMigration(spec(busy(2, 0), { cpu: undefined }));
    a.advanceTo(4 * S);
    b.advanceTo(4 * S);
    expect(thrown(() => a.outgoingState('web')).code).toBe('E_INVALID_TRANSITION'); // still running
    expect(a.vm('web').onHost).toBe(true); // a live migration keeps the guest running
    a.suspend('web'); // the stop-and-copy
    expect([a.vm('web').onHost, a.vm('web').memory.phase]).toEqual([false, 'paused']);
    const state = JSON.parse(JSON.stringify(a.outgoingState('web'))) as ReturnType<Hypervisor['outgoingState']>;
    const atSwitch = a.vm('web');
    a.endMigration('web', 'completed');
    b.completeIncoming('web', state);
    expect(a.vm('web').lifecycle.libvirt).toEqual({ state: 'shutoff', reason: 'migrated' });
    expect(a.vm('web').memory.footprintBytes).toBe(0);
    const v = b.vm('web');
    expect(v.lifecycle.libvirt).toEqual({ state: 'running', reason: 'migrated' });
    expect([v.cpuTotals, v.vcpuTotals, v.memory.residentBytes, v.devices, v.cpu]).toEqual([atSwitch.cpuTotals, atSwitch.vcpuTotals, atSwitch.memory.residentBytes, atSwitch.devices, { weight: 512 }]);
    expect(atSwitch.cpuTotals.hostCpuUsec).toBe(2 * 4 * S);
    b.advanceTo(5 * S);
    expect(b.vm('web').cpuTotals.hostCpuUsec).toBe(2 * 5 * S);
  });

  it('createVmMigration.start refused: by the target (overcommit) nothing changes; by the source (shut off) the target forgets the VM', () => {
    const network = createFlowNetwork();
    network.addLink({ id: 'l', capacity: 125_000_000, latency: 0 });
    const a = host();
    a.defineVm(spec(busy(2)));
    const small = host(512 * MiB);
    const before = snap(small);
    const tooBig = createVmMigration({ id: 'm0', source: a, target: small, spec: spec(busy(2)), network, path: ['l'] });
    expect(thrown(() => tooBig.start()).code).toBe('E_INSUFFICIENT_RESOURCES');
    expect([snap(small), tooBig.phase()]).toEqual([before, 'ready']);
    const b = host();
    const m = createVmMigration({ id: 'm1', source: a, target: b, spec: spec(busy(2)), network, path: ['l'] });
    const e = thrown(() => m.start());
    expect([e.code, e.message]).toEqual(['E_INVALID_TRANSITION', 'Requested operation is not valid: domain is not running']);
    expect([b.vms(), m.phase(), a.vm('web').lifecycle.phase]).toEqual([[], 'ready', 'shutoff']);
  });
});
