import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStrataError } from '@strata/shared-types';
import { createHostMemory, DEFAULT_VMM_OVERHEAD_BYTES, type HostMemory } from '../../src/memory/index.ts';

const MiB = 1024 * 1024;

type Cmd =
  | { kind: 'advance'; dt: number }
  | { kind: 'workload'; vm: number; pct: number; rateMib: number | null }
  | { kind: 'balloon'; vm: number; pct: number }
  | { kind: 'start' | 'stop' | 'pause' | 'resume'; vm: number };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), dt: fc.integer({ min: 0, max: 3_000_000 }) }),
  fc.record({ kind: fc.constant('workload' as const), vm: fc.nat(3), pct: fc.integer({ min: 0, max: 110 }), rateMib: fc.option(fc.integer({ min: 1, max: 200 }), { nil: null }) }),
  fc.record({ kind: fc.constant('balloon' as const), vm: fc.nat(3), pct: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ kind: fc.constantFrom('start' as const, 'stop' as const, 'pause' as const, 'resume' as const), vm: fc.nat(3) }),
);

const scenario = fc.record({
  ramMib: fc.integer({ min: 64, max: 512 }),
  ratio: fc.constantFrom(1, 1.5, 3, 8),
  vms: fc.array(fc.record({ mib: fc.integer({ min: 8, max: 300 }), deflate: fc.boolean(), balloonMib: fc.integer({ min: 0, max: 64 }) }), { minLength: 1, maxLength: 4 }),
  cmds: fc.array(cmd, { maxLength: 60 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Run a scenario; typed refusals are part of the trace (a failed command must change nothing). */
function run(s: Scenario, check: (m: HostMemory) => void): string[] {
  const m = createHostMemory({ ramBytes: s.ramMib * MiB, overcommitRatio: s.ratio, balloonBytesPerSecond: 64 * MiB });
  const trace: string[] = [];
  const ids: string[] = [];
  s.vms.forEach((v, i) => {
    try {
      m.addVm(`vm${i}`, { memoryBytes: v.mib * MiB });
      m.putBalloon(`vm${i}`, { amount_mib: Math.min(v.balloonMib, v.mib), deflate_on_oom: v.deflate, stats_polling_interval_s: 1 });
      m.startVm(`vm${i}`);
      ids.push(`vm${i}`);
    } catch (e) {
      if (!isStrataError(e)) throw e;
      trace.push(`refused add vm${i}: ${e.code}`);
    }
  });
  for (const c of s.cmds) {
    const vm = ids[('vm' in c ? c.vm : 0) % Math.max(1, ids.length)];
    const before = JSON.stringify(ids.map((id) => m.vm(id)));
    try {
      if (c.kind === 'advance') trace.push(JSON.stringify(m.advanceTo(m.now() + c.dt)));
      else if (vm === undefined) continue;
      else if (c.kind === 'workload') m.setWorkload(vm, { bytes: Math.floor((m.vm(vm).guestBytes * c.pct) / 100 / 4096) * 4096, ...(c.rateMib === null ? {} : { bytesPerSecond: c.rateMib * MiB }) });
      else if (c.kind === 'balloon') m.patchBalloon(vm, { amount_mib: Math.floor((m.vm(vm).guestBytes / MiB) * c.pct / 100) });
      else if (c.kind === 'start') m.startVm(vm);
      else if (c.kind === 'stop') m.stopVm(vm);
      else if (c.kind === 'pause') m.pauseVm(vm);
      else m.resumeVm(vm);
    } catch (e) {
      if (!isStrataError(e)) throw e;
      expect(JSON.stringify(ids.map((id) => m.vm(id)))).toBe(before);
      trace.push(`refused ${c.kind}: ${e.code}`);
    }
    check(m);
  }
  trace.push(JSON.stringify(m.advanceTo(m.now() + 60_000_000)));
  check(m);
  return trace;
}

function invariants(m: HostMemory): void {
  for (const id of m.vmIds()) {
    const v = m.vm(id);
    expect(v.footprintBytes).toBeLessThanOrEqual(v.guestBytes + DEFAULT_VMM_OVERHEAD_BYTES);
    expect(v.inUseBytes + v.balloonBytes).toBeLessThanOrEqual(v.guestBytes);
    expect(v.residentBytes).toBeLessThanOrEqual(v.guestBytes - v.balloonBytes);
    expect(v.residentBytes).toBeGreaterThanOrEqual(v.inUseBytes);
  }
  const h = m.host();
  expect(h.usedBytes).toBeLessThanOrEqual(h.ramBytes);
  expect(h.allocatedBytes).toBeLessThanOrEqual(h.allocationLimitBytes);
  expect(m.nextEventTime()).toBeGreaterThanOrEqual(m.now());
}

describe('host memory properties', () => {
  it('footprint ≤ guest memory + overhead, balloon + in use ≤ guest, host use ≤ RAM after OOM handling, refusals change nothing', () => {
    const seen = { oom: 0, reached: 0, deflated: 0, refused: 0 };
    fc.assert(
      fc.property(scenario, (s) => {
        const trace = run(s, invariants).join('\n');
        seen.oom += trace.split('vm.oom_killed').length - 1;
        seen.reached += trace.split('balloon.target_reached').length - 1;
        seen.deflated += trace.split('balloon.deflated_on_oom').length - 1;
        seen.refused += trace.split('refused').length - 1;
      }),
      { seed: 424242, numRuns: 300 },
    );
    // The generator reaches every path the invariants guard.
    expect(Math.min(seen.oom, seen.reached, seen.deflated, seen.refused)).toBeGreaterThan(0);
  });

  it('facts come out in time order, within the advanced interval', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const m = createHostMemory({ ramBytes: s.ramMib * MiB, overcommitRatio: s.ratio });
        s.vms.forEach((v, i) => {
          if (m.host().allocatedBytes + v.mib * MiB > m.host().allocationLimitBytes) return;
          m.addVm(`v${i}`, { memoryBytes: v.mib * MiB });
          m.startVm(`v${i}`);
          m.setWorkload(`v${i}`, { bytes: v.mib * MiB, bytesPerSecond: (i + 1) * MiB });
        });
        let t = 0;
        for (const c of s.cmds) {
          if (c.kind !== 'advance') continue;
          const from = m.now();
          const evs = m.advanceTo(from + c.dt);
          for (const e of evs) {
            expect(e.time).toBeGreaterThanOrEqual(Math.max(t, from));
            expect(e.time).toBeLessThanOrEqual(from + c.dt);
            t = e.time;
          }
          expect(m.host().usedBytes).toBeLessThanOrEqual(m.host().ramBytes);
        }
      }),
      { seed: 99, numRuns: 200 },
    );
  });

  it('determinism: the same scenario gives the same trace', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(run(s, () => {})).toEqual(run(s, () => {}));
      }),
      { seed: 5, numRuns: 100 },
    );
  });
});
