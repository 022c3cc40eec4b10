// Across two hypervisor instances: a microVM driven by random commands (guest tasks blocking and
// waking, rate-limited I/O, balloon targets, weights, throttles), paused, snapshotted through JSON
// and loaded on a hypervisor whose clock is elsewhere, shows the same view; resumed on both, the same
// inputs give the same facts (times moved by the offset) and the same views at every step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSchedulerGuest, type SchedulerGuest } from '../../src/host/index.ts';
import { createHypervisor, type Hypervisor, type HypervisorEvent, type HypervisorVmSpec } from '../../src/hypervisor/index.ts';
import type { VmSnapshot } from '../../src/index.ts';

const MiB = 1024 * 1024;

type Step =
  | { readonly t: 'advance'; readonly us: number }
  | { readonly t: 'io'; readonly bytes: number }
  | { readonly t: 'balloon'; readonly mib: number }
  | { readonly t: 'weight'; readonly weight: number }
  | { readonly t: 'throttle'; readonly pct: number }
  | { readonly t: 'toggle'; readonly task: 't0' | 't1' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('advance' as const), us: fc.integer({ min: 1, max: 2_000_000 }) }), weight: 3 },
  fc.record({ t: fc.constant('io' as const), bytes: fc.integer({ min: 1, max: 4 * MiB }) }),
  fc.record({ t: fc.constant('balloon' as const), mib: fc.integer({ min: 0, max: 128 }) }),
  fc.record({ t: fc.constant('weight' as const), weight: fc.integer({ min: 1, max: 65535 }) }),
  fc.record({ t: fc.constant('throttle' as const), pct: fc.integer({ min: 0, max: 99 }) }),
  fc.record({ t: fc.constant('toggle' as const), task: fc.constantFrom('t0' as const, 't1' as const) }),
);

function spec(guest: SchedulerGuest): HypervisorVmSpec {
  return {
    name: 'fc',
    flavor: 'firecracker',
    vcpus: 2,
    memoryBytes: 256 * MiB,
    guest,
    workload: { bytes: 160 * MiB, bytesPerSecond: 40 * MiB, dirtyBytesPerSecond: 8 * MiB },
    balloon: { amount_mib: 0, deflate_on_oom: true, stats_polling_interval_s: 1 },
    drives: [{ drive_id: 'root', path_on_host: '/img', is_root_device: true, rate_limiter: { bandwidth: { size: 4 * MiB, refill_time: 100 }, ops: { size: 50, refill_time: 1000 } } }],
    nics: [{ iface_id: 'eth0', host_dev_name: 'tap0', tx_rate_limiter: { bandwidth: { size: MiB, refill_time: 100 } } }],
  };
}

function guest(start: number, blocked: ReadonlySet<string> = new Set()): SchedulerGuest {
  const g = createSchedulerGuest({ cpus: 2, fidelity: 'fluid', start });
  for (const t of ['t0', 't1']) g.addTask(t, '/', { runnable: !blocked.has(t) });
  return g;
}

function hypervisor(start: number): Hypervisor {
  return createHypervisor({ host: { cpus: 1, memory: 1024 * MiB, disk: { bytesPerSecond: 200 * MiB } }, fidelity: 'fluid', start });
}

/** Request ids per hypervisor, so both sides name their requests alike. */
const seqs = new WeakMap<Hypervisor, number>();
/** Apply a step; the facts of an advance with times moved back by `offset`. */
function apply(hv: Hypervisor, g: SchedulerGuest, s: Step, offset: number): string {
  switch (s.t) {
    case 'advance':
      return JSON.stringify(hv.advanceTo(hv.now() + s.us).map((e) => shift(e, offset)));
    case 'io': {
      const n = seqs.get(hv) ?? 0;
      seqs.set(hv, n + 1);
      hv.submitBlock('fc', 'root', { id: `r${n}`, type: 'write', bytes: s.bytes });
      hv.sendFrame('fc', 'eth0', { id: `f${n}`, bytes: Math.min(s.bytes, 65_536) });
      return '';
    }
    case 'balloon':
      hv.updateBalloon('fc', { amount_mib: s.mib });
      return '';
    case 'weight':
      hv.setVmCpu('fc', { weight: s.weight });
      return '';
    case 'throttle':
      hv.setThrottle('fc', s.pct);
      return '';
    case 'toggle':
      if (g.scheduler.taskStats(s.task).state === 'blocked') g.wake(s.task);
      else g.block(s.task);
      return '';
    default: {
      const never: never = s;
      return never;
    }
  }
}

function shift(e: HypervisorEvent, offset: number): unknown {
  const x = { ...e, time: e.time - offset } as Record<string, unknown>;
  if (typeof x.admittedAt === 'number') x.admittedAt -= offset;
  return x;
}

function observable(hv: Hypervisor): unknown {
  const v = hv.vm('fc');
  return { phase: v.lifecycle.phase, fc: v.lifecycle.firecracker, onHost: v.onHost, vcpus: v.vcpus, cpuTotals: v.cpuTotals, vcpuTotals: v.vcpuTotals, cpu: v.cpu, memory: v.memory, devices: v.devices, throttle: v.throttlePercent };
}

describe('hypervisor snapshots across two instances', () => {
  it('save → JSON → load elsewhere: the same view; resumed, the same facts and views under the same inputs', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 15 }), fc.array(step, { minLength: 1, maxLength: 15 }), fc.integer({ min: 0, max: 50_000_000 }), (before, after, offsetRaw) => {
        const a = hypervisor(0);
        const ga = guest(0);
        a.defineVm(spec(ga));
        a.start('fc');
        a.advanceTo(125_000);
        for (const s of before) apply(a, ga, s, 0);
        a.suspend('fc');
        const snapshot = JSON.parse(JSON.stringify(a.snapshotVm('fc', { kind: 'full' }))) as VmSnapshot;
        const start = a.now() + offsetRaw;
        const blocked = new Set(['t0', 't1'].filter((t) => ga.scheduler.taskStats(t).state === 'blocked'));
        const b = hypervisor(start);
        seqs.set(b, seqs.get(a) ?? 0);
        const gb = guest(start, blocked);
        b.loadSnapshot(spec(gb), snapshot);
        expect(observable(b)).toEqual(observable(a));
        // The facts of the save and of the load differ (vm.saved here; vm.defined, vm.restored there): report them first.
        a.advanceTo(a.now());
        b.advanceTo(b.now());
        a.resume('fc');
        b.resume('fc');
        const offset = b.now() - a.now();
        for (const s of after) {
          expect(apply(b, gb, s, offset)).toBe(apply(a, ga, s, 0));
          expect(observable(b)).toEqual(observable(a));
        }
      }),
      { seed: 20261127, numRuns: 120 },
    );
  });
});
