import { describe, expect, it } from 'vitest';
import { isWorkBudgetError } from '@strata/core-scheduler';
import { ValidationError } from '@strata/shared-types';
import { createSchedulerGuest, fidelityGaps, largestGap, runNestedExperiment, type NestedExperimentResult } from '../../src/index.js';

const FIDELITIES = ['exact', 'fluid'] as const;
const busy = (n: number) => ({ tasks: Array.from({ length: n }, (_, i) => ({ name: `spin${i}` })) });
const vm = (r: NestedExperimentResult, name: string) => r.vms.find((v) => v.name === name)!;

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return ((e as ValidationError).details as { issues: { path: string; message: string }[] }).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ValidationError');
}

describe.each(FIDELITIES)("nested host experiment, the issue's known answers (%s)", (fidelity) => {
  it('2 VMs × 2 busy vCPUs on 2 pCPUs, equal weights: each guest gets 1 CPU and sees 50% steal on each vCPU', () => {
    const r = runNestedExperiment({ cpus: 2, duration: '20s', fidelity, vms: [{ name: 'a', vcpus: 2, guest: busy(2) }, { name: 'b', vcpus: 2, guest: busy(2) }] });
    for (const name of ['a', 'b']) {
      const v = vm(r, name);
      expect(v.hostFraction).toBeCloseTo(1, 2);
      for (const c of v.vcpus) {
        expect(c.stealFraction).toBeCloseTo(0.5, 2);
        expect(Math.abs(c.stealTicks - 1000)).toBeLessThanOrEqual(2);
      }
      for (const t of v.tasks) expect(t.fraction).toBeCloseTo(0.5, 2);
    }
  });

  it('a credit cap of 50 over one busy vCPU: the guest gets 0.5 CPU and 50% steal', () => {
    const r = runNestedExperiment({ cpus: 2, duration: '20s', fidelity, vms: [{ name: 'c', vcpus: 1, cap: 50, guest: busy(1) }] });
    expect(vm(r, 'c').tasks[0]!.fraction).toBeCloseTo(0.5, 2);
    expect(vm(r, 'c').vcpus[0]!.stealFraction).toBeCloseTo(0.5, 2);
  });

  it('4 vCPUs and one busy guest task use exactly 1 pCPU; an idle VM uses nothing', () => {
    const r = runNestedExperiment({ cpus: 4, duration: '5s', fidelity, vms: [{ name: 'one', vcpus: 4, guest: busy(1) }, { name: 'idle', vcpus: 2 }] });
    expect(vm(r, 'one').hostCpuUsec).toBe(5_000_000);
    expect(vm(r, 'one').stealUsec).toBe(0);
    expect(vm(r, 'idle').hostCpuUsec).toBe(0);
    expect(vm(r, 'idle').stealUsec).toBe(0);
    expect(vm(r, 'idle').tasks).toEqual([]);
  });
});

describe.each(FIDELITIES)('nested host experiment, guest workloads (%s)', (fidelity) => {
  it('a task of 2 ms bursts every 8 ms uses a quarter of a CPU; its vCPU halts between them and earns no steal', () => {
    const r = runNestedExperiment({
      cpus: 1,
      duration: '2s',
      fidelity,
      vms: [{ name: 'io', vcpus: 1, guest: { tasks: [{ name: 'req', bursts: [{ run: '2ms', sleep: '6ms' }] }] } }],
    });
    const v = vm(r, 'io');
    expect(v.tasks[0]!.fraction).toBeCloseTo(0.25, 2);
    expect(v.hostFraction).toBeCloseTo(0.25, 2);
    expect(v.stealUsec).toBe(0);
  });

  it('start and stop bound a task: busy from 1 s to 3 s of 4 s is half a CPU', () => {
    const r = runNestedExperiment({ cpus: 1, duration: '4s', fidelity, vms: [{ name: 'w', vcpus: 2, guest: { tasks: [{ name: 'job', start: '1s', stop: '3s' }] } }] });
    expect(vm(r, 'w').tasks[0]!.cpuUsec).toBe(2_000_000);
  });

  it("a guest quota of 50% caps its group's tasks; the guest's root task takes the rest of its vCPUs", () => {
    const r = runNestedExperiment({
      cpus: 2,
      duration: '10s',
      fidelity,
      vms: [{ name: 'g', vcpus: 2, guest: { tasks: [{ name: 'free' }], groups: [{ name: 'q', cpu: { quota: '50ms', period: '100ms' }, tasks: [{ name: 'x' }, { name: 'y' }] }] } }],
    });
    const [free, x, y] = vm(r, 'g').tasks;
    expect(free!.group).toBe('/');
    expect(x!.group).toBe('/q');
    expect(x!.fraction + y!.fraction).toBeCloseTo(0.5, 2);
    expect(free!.fraction).toBeCloseTo(1, 2);
  });

  it('a VM weighted 2:1 under credit gets two thirds of a contended pCPU', () => {
    const r = runNestedExperiment({ cpus: 1, duration: '20s', fidelity, vms: [{ name: 'heavy', vcpus: 1, weight: 512, guest: busy(1) }, { name: 'light', vcpus: 1, guest: busy(1) }] });
    expect(vm(r, 'heavy').hostFraction).toBeCloseTo(2 / 3, 2);
    expect(vm(r, 'light').vcpus[0]!.stealFraction).toBeCloseTo(2 / 3, 2);
  });
});

describe('nested host experiment, runs', () => {
  const spec = {
    cpus: 2,
    policy: 'cfs',
    duration: '3s',
    vms: [
      { name: 'a', vcpus: 2, shares: 200, pin: ['0', null], guest: { tasks: [{ name: 'io', bursts: [{ run: '3ms', sleep: '5ms' }] }, { name: 'spin' }] } },
      { name: 'b', vcpus: 3, quota: '30ms', guest: busy(3) },
    ],
  };

  it('is deterministic: the same spec gives the same result, in either fidelity', () => {
    for (const fidelity of FIDELITIES) expect(runNestedExperiment(spec, { fidelity })).toEqual(runNestedExperiment(spec, { fidelity }));
  });

  it("reports the spec's fidelity unless overridden, and the host's slice (credit 30 ms, cfs 4 ms, or the spec's)", () => {
    expect(runNestedExperiment({ ...spec, duration: '10ms' }).fidelity).toBe('fluid');
    expect(runNestedExperiment({ ...spec, duration: '10ms' }, { fidelity: 'exact' }).fidelity).toBe('exact');
    expect(runNestedExperiment({ ...spec, duration: '10ms', fidelity: 'exact' }).hostTick).toBe(4_000);
    expect(runNestedExperiment({ cpus: 1, duration: '10ms', vms: [{ name: 'x', vcpus: 1 }] }).hostTick).toBe(30_000);
    expect(runNestedExperiment({ ...spec, duration: '10ms', tick: '1ms' }).hostTick).toBe(1_000);
  });

  it('the host never gives more than its pCPUs, nor a vCPU more than the duration', () => {
    for (const fidelity of FIDELITIES) {
      const r = runNestedExperiment(spec, { fidelity });
      expect(r.vms.reduce((s, v) => s + v.hostCpuUsec, 0)).toBeLessThanOrEqual(2 * r.duration + 5);
      for (const v of r.vms) for (const c of v.vcpus) expect(c.hostCpuUsec + c.stealUsec).toBeLessThanOrEqual(r.duration + 1);
    }
  });

  it('stops with the work-budget error when its steps exceed maxSteps, and reports progress before', () => {
    const seen: number[] = [];
    let error: unknown;
    try {
      runNestedExperiment({ ...spec, duration: '60s' }, { fidelity: 'exact', maxSteps: 200_000, progressEvery: 50_000, onProgress: (p) => seen.push(p.fraction) });
    } catch (e) {
      error = e;
    }
    expect(isWorkBudgetError(error)).toBe(true);
    const details = (error as { details: { when: string; remedies: string[]; reason: string } }).details;
    expect(details.when).toBe('exhausted');
    expect(details.remedies).toEqual(['fidelity', 'duration', 'tick', 'bursts', 'maxSteps']);
    expect(details.reason).toMatch(/exact fidelity simulated .* of 1m of 2 VMs with 5 vCPUs on 2 pCPUs/);
    expect(seen.length).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it("counts a guest's own demand bookkeeping in its steps: many bursty tasks in one guest spend the budget, not unbudgeted time", () => {
    const tasks = Array.from({ length: 2_000 }, (_, k) => ({ name: `t${k}`, bursts: [{ run: '1ms', sleep: '1ms' }] }));
    let error: unknown;
    try {
      runNestedExperiment({ cpus: 4, duration: '20s', vms: [{ name: 'v', vcpus: 8, guest: { tasks } }] }, { maxSteps: 5_000_000 });
    } catch (e) {
      error = e;
    }
    expect(isWorkBudgetError(error)).toBe(true);
    const g = createSchedulerGuest({ cpus: 2 });
    for (let k = 0; k < 100; k++) g.addTask(`t${k}`, '/');
    g.connect(() => undefined);
    const before = g.steps();
    g.block('t0');
    expect(g.steps() - before).toBeGreaterThanOrEqual(99);
  });

  it.each(['exact', 'fluid'] as const)('checks the budget inside a costly host instant too (%s): 64 VMs of 16 vCPUs under cfs quotas stop near the budget', (fidelity) => {
    // Each instant recomputes a tree of 64 VM groups and 1,024 quota groups; the budget used to be
    // checked only every few host events, so fluid finished 1 s over a budget of 300,000 steps and
    // exact stopped at 1.8 million.
    const vms = Array.from({ length: 64 }, (_, i) => ({ name: `v${i}`, vcpus: 16, quota: '1ms', guest: { tasks: [{ name: 't' }] } }));
    let error: unknown;
    try {
      runNestedExperiment({ cpus: 64, policy: 'cfs', fidelity, duration: '1s', vms }, { maxSteps: 300_000 });
    } catch (e) {
      error = e;
    }
    expect(isWorkBudgetError(error)).toBe(true);
    const steps = (error as { details: { steps: number } }).details.steps;
    expect(steps).toBeGreaterThan(300_000);
    expect(steps).toBeLessThan(300_000 + 100_000);
  });

  it('warns of guest cpu.shares the kernel clamps', () => {
    const r = runNestedExperiment({ cpus: 1, duration: '10ms', vms: [{ name: 'x', vcpus: 1, guest: { groups: [{ name: 'g', cpu: { shares: 1 } }] } }] });
    expect(r.warnings).toEqual(['vms[0].guest.groups[0].cpu.shares: 1 is outside 2..262144; the kernel clamps it to 2']);
  });
});

describe('nested host experiment, bad input', () => {
  const base = { cpus: 2, duration: '1s', vms: [{ name: 'a', vcpus: 2 }] };

  it("names a setting of another policy, the pCPU a pin names that does not exist, and a guest cpuset beyond the VM's vCPUs", () => {
    const issues = issuesOf(() =>
      runNestedExperiment({
        cpus: 2,
        policy: 'cfs',
        duration: '1s',
        vms: [{ name: 'a', vcpus: 2, cap: 50, pin: ['3', null], guest: { groups: [{ name: 'g', cpu: { cpus: '0-2' } }] } }],
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^vms\[0\]\.cap: is not a setting of the cfs policy \(its settings: vcpus, shares, period, quota, globalPeriod, globalQuota, pin\)$/),
        expect.stringMatching(/^vms\[0\]\.pin\[0\]: pCPU 3 does not exist: the host has pCPUs 0-1$/),
        expect.stringMatching(/^vms\[0\]\.guest\.groups\[0\]\.cpu\.cpus: CPU 2 does not exist/),
      ]),
    );
  });

  it('names duplicate VMs, a cap above 100 × vcpus, more pins than vCPUs, and a missing duration', () => {
    expect(issuesOf(() => runNestedExperiment({ cpus: 1, vms: [{ name: 'a', vcpus: 1 }] }))).toEqual(['duration: expected a quantity like 20s, got undefined']);
    const issues = issuesOf(() => runNestedExperiment({ cpus: 1, duration: '1s', vms: [{ name: 'a', vcpus: 1, cap: 150, pin: [null, null] }, { name: 'a', vcpus: 1 }] }));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^vms\[0\]\.cap: expected at most 100 × vcpus = 100/),
        expect.stringMatching(/^vms\[0\]\.pin: expected at most one entry per vCPU \(1\), got 2$/),
        expect.stringMatching(/^vms\[1\]\.name: duplicate VM name "a"$/),
      ]),
    );
  });

  it('refuses a guest tree nested too deep as a ValidationError, not a stack overflow', () => {
    let node: Record<string, unknown> = { name: 'leaf' };
    for (let i = 0; i < 5_000; i++) node = { name: `g${i}`, groups: [node] };
    const issues = issuesOf(() => runNestedExperiment({ ...base, vms: [{ name: 'a', vcpus: 1, guest: { groups: [node] } }] }));
    expect(issues.join('\n')).toMatch(/vms\[0\]\.guest\.groups\[0\](\.groups\[0\])+: expected groups nested at most 64 deep/);
  });

  it('refuses a bad fidelity override and a bad budget before running', () => {
    expect(() => runNestedExperiment(base, { fidelity: 'both' as never })).toThrow(/invalid fidelity "both": expected exact or fluid/);
    expect(() => runNestedExperiment(base, { maxSteps: 0 })).toThrow(/invalid maxSteps 0/);
    expect(() => runNestedExperiment(base, { onProgress: 3 as never })).toThrow(/invalid onProgress number/);
  });
});

describe('fidelityGaps', () => {
  const spec = { cpus: 2, duration: '2s', vms: [{ name: 'a', vcpus: 2, guest: busy(2) }, { name: 'b', vcpus: 1, cap: 30, guest: busy(1) }] };

  it('pairs each guest task of an exact and a fluid run, flags gaps of 1% of a CPU or more, and names the largest', () => {
    const exact = runNestedExperiment(spec, { fidelity: 'exact' });
    const fluid = runNestedExperiment(spec, { fidelity: 'fluid' });
    const gaps = fidelityGaps(exact, fluid);
    expect(gaps.map((g) => `${g.vm} ${g.group} ${g.task}`)).toEqual(['a / spin0', 'a / spin1', 'b / spin0']);
    for (const g of gaps) {
      expect(g.gap).toBe(Math.abs(g.exact - g.fluid));
      expect(g.flagged).toBe(g.gap >= 0.01);
    }
    expect(largestGap(gaps)?.gap).toBe(Math.max(...gaps.map((g) => g.gap)));
    expect(largestGap([])).toBeNull();
  });

  it('refuses two runs of different specs', () => {
    const one = runNestedExperiment(spec);
    const other = runNestedExperiment({ ...spec, vms: [spec.vms[1]!, spec.vms[0]!] });
    expect(() => fidelityGaps(one, other)).toThrow(ValidationError);
  });
});
