// The whole live-migration flow between two hypervisors over one FlowNetwork, driven on a core-sim
// simulation with one pending event for the composition (network, both hosts, the migration) re-armed
// after every step: rounds as the analytic model gives them, the source suspended only for the
// stop-and-copy, the VM running on the target with its accounting continued, an abort leaving the VM
// on the source, and the same seed giving the same trace.
import { createFlowNetwork, type FlowNetwork } from '@strata/core-network';
import { createSimulation, hashingTraceSink, type EventKey } from '@strata/core-sim';
import { describe, expect, it } from 'vitest';
import { createSchedulerGuest, type SchedulerGuest } from '../../src/host/index.ts';
import { createHypervisor, createVmMigration, type Hypervisor, type HypervisorVmSpec, type VmMigration } from '../../src/hypervisor/index.ts';
import { estimateMigration } from '../../src/index.ts';

const S = 1_000_000;
const MiB = 1024 * 1024;
const GBIT = 125_000_000;

function busy(cpus: number, start = 0): SchedulerGuest {
  const g = createSchedulerGuest({ cpus, fidelity: 'fluid', start });
  for (let i = 0; i < cpus; i++) g.addTask(`t${i}`, '/');
  return g;
}

function vmSpec(guest: SchedulerGuest, dirtyBytesPerSecond: number): HypervisorVmSpec {
  return {
    name: 'web',
    vcpus: 2,
    memoryBytes: 1024 * MiB,
    guest,
    workload: { bytes: 1024 * MiB, dirtyBytesPerSecond, wssBytes: 256 * MiB },
    drives: [{ drive_id: 'root', path_on_host: '/img', is_root_device: true }],
  };
}

interface Run {
  readonly hash: string;
  readonly source: Hypervisor;
  readonly target: Hypervisor;
  readonly migration: VmMigration;
  /** µs the source's guest was off its vCPUs while the VM was on the source, and the switch-over time. */
  readonly sourceOffUs: number;
  readonly switchAt: number | null;
  readonly trace: string[];
}

function run(opts: { seed: number; dirty: number; maxRounds?: number; onMaxRounds?: 'abort' | 'stop-and-copy'; competing?: boolean }): Run {
  const sink = hashingTraceSink();
  const sim = createSimulation({ seed: opts.seed, trace: sink });
  const network: FlowNetwork = createFlowNetwork();
  network.addLink({ id: 'h1-h2', capacity: GBIT, latency: 0 });
  const source = createHypervisor({ host: { cpus: 2, memory: 4096 * MiB }, fidelity: 'fluid', libvirtTimings: { bootUs: 0 } });
  const target = createHypervisor({ host: { cpus: 2, memory: 2048 * MiB }, fidelity: 'fluid' });
  source.defineVm(vmSpec(busy(2), opts.dirty));
  source.start('web');
  // The target's guest is built when the migration starts (its clock must be the target's then).
  const migrate = (now: number): VmMigration =>
    createVmMigration({
      id: 'm1',
      source,
      target,
      spec: vmSpec(busy(2, now), opts.dirty),
      network,
      path: ['h1-h2'],
      ...(opts.maxRounds === undefined ? {} : { maxRounds: opts.maxRounds }),
      ...(opts.onMaxRounds === undefined ? {} : { onMaxRounds: opts.onMaxRounds }),
    });
  let migration: VmMigration | null = null;
  const trace: string[] = [];
  let sourceOffUs = 0;
  let switchAt: number | null = null;
  let armed: EventKey | null = null;
  const next = () => Math.min(network.nextEventTime(), source.nextEventTime(), target.nextEventTime(), migration?.nextEventTime() ?? Infinity);
  const step = (t: number): void => {
    const wasOn = source.vms().some((v) => v.name === 'web' && v.onHost);
    const from = source.now();
    network.advanceTo(t);
    const facts = [...source.advanceTo(t), ...target.advanceTo(t)];
    if (migration !== null) {
      if (!wasOn && migration.phase() === 'migrating') sourceOffUs += t - from;
      for (const e of migration.advanceTo(t)) facts.push(e as never);
      if (switchAt === null && (migration.phase() === 'switched' || migration.phase() === 'completed')) switchAt = t;
    }
    for (const e of facts) {
      sim.trace(e.type, { ...e });
      trace.push(`${e.time} ${e.type}`);
    }
  };
  const rearm = (): void => {
    if (armed !== null) sim.cancel(armed);
    armed = null;
    const t = next();
    if (t !== Infinity) {
      armed = sim.at(t, () => {
        armed = null;
        step(sim.now());
        rearm();
      });
    }
  };
  // The guest runs 1 s, then the migration starts (a seeded command time within the next second).
  const at = S + Math.floor(sim.rng('commands').float() * S);
  sim.at(at, () => {
    step(at);
    migration = migrate(at);
    for (const e of migration.start()) sim.trace(e.type, { ...e });
    if (opts.competing === true) network.startFlow({ id: 'bulk', path: ['h1-h2'], bytes: 2000 * MiB });
    rearm();
  });
  rearm();
  sim.runUntil(120 * S);
  step(120 * S);
  if (migration === null) throw new Error('the migration never started');
  return { hash: sink.hash(), source, target, migration, sourceOffUs, switchAt, trace };
}

describe('a live migration between two hypervisors, driven on core-sim', () => {
  it('converges as the analytic model says; the source pauses only for the stop-and-copy; the VM continues on the target', () => {
    const r = run({ seed: 7, dirty: 50 * MiB });
    expect(r.migration.phase()).toBe('completed');
    const report = r.migration.transfer.report();
    const model = estimateMigration({ memoryBytes: 1024 * MiB, wssBytes: 256 * MiB, dirtyBytesPerSecond: 50 * MiB, bandwidthBytesPerSecond: GBIT });
    // to µs rounding (a flow completes at the first whole µs; 50 MiB/s dirties 52 B per µs)
    expect(report.rounds).toHaveLength(model.rounds.length);
    report.rounds.forEach((x, i) => expect(Math.abs(x.bytes - model.rounds[i]!.bytes)).toBeLessThanOrEqual(200));
    expect(report.downtimeUs).toBeGreaterThan(0);
    // the guest stopped only for the final copy: its vCPUs were off the source exactly the downtime
    expect(r.sourceOffUs).toBe(report.downtimeUs);
    const src = r.source.vm('web');
    expect([src.lifecycle.libvirt, src.memory.footprintBytes, src.throttlePercent]).toEqual([{ state: 'shutoff', reason: 'migrated' }, 0, 0]);
    const dst = r.target.vm('web');
    expect([dst.lifecycle.libvirt, dst.onHost, dst.incoming, dst.memory.residentBytes]).toEqual([{ state: 'running', reason: 'migrated' }, true, false, 1024 * MiB]);
    // accounting continues: every µs the guest ran, on either host, 2 vCPUs busy on 2 pCPUs
    const ran = 120 * S - report.downtimeUs!;
    expect(dst.cpuTotals.hostCpuUsec).toBe(2 * ran);
    expect(r.trace.some((x) => x.endsWith('migration.completed'))).toBe(true);
    expect(r.trace.filter((x) => x.endsWith('vm.state_changed')).length).toBeGreaterThanOrEqual(3);
  });

  it('a migration that cannot converge and aborts after its round limit: the VM stays on the source, the target keeps nothing', () => {
    const r = run({ seed: 7, dirty: 200 * MiB, maxRounds: 2, onMaxRounds: 'abort' });
    expect(r.migration.phase()).toBe('failed');
    expect(r.target.vms()).toEqual([]);
    const src = r.source.vm('web');
    expect([src.lifecycle.phase, src.onHost, src.throttlePercent]).toEqual(['running', true, 0]);
    expect(src.cpuTotals.hostCpuUsec).toBe(2 * 120 * S);
  });

  it('sharing the link with a bulk flow it takes longer; same seed, same trace; another seed, another', () => {
    const alone = run({ seed: 3, dirty: 50 * MiB });
    const shared = run({ seed: 3, dirty: 50 * MiB, competing: true });
    expect(shared.migration.phase()).toBe('completed');
    expect(shared.migration.transfer.report().totalUs!).toBeGreaterThan(alone.migration.transfer.report().totalUs!);
    expect(run({ seed: 3, dirty: 50 * MiB, competing: true }).hash).toBe(shared.hash);
    expect(run({ seed: 4, dirty: 50 * MiB, competing: true }).hash).not.toBe(shared.hash);
  });
});
