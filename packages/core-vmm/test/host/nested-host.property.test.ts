import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { GroupFidelity } from '@strata/core-scheduler';
import { CLASSES, S, classArb, compare, gap, run } from './nested-setups.ts';

describe('nested host properties', () => {
  it('exact and fluid agree within 1% of a CPU per guest task over 20 s on random nested setups (busy guests)', () => {
    fc.assert(
      fc.property(classArb(CLASSES.busy), (setup) => {
        expect(gap(setup, 20)).toBeLessThan(0.01);
      }),
      { numRuns: 60, seed: 20261127 },
    );
  });

  it('fluid is the limit of exact: with 1 ms host slices, busy guests with credit caps agree within 0.1% of a CPU', () => {
    // At the policies' own slices (credit 30 ms) a cap's 100 ms period meets whole slices, which moves
    // a share by a few % on some setups (README "Gaps, stated"); with slices 30 times finer the slices
    // vanish and the two fidelities meet (on 400 setups of seeds 1234 and 777: worst 0.01%; 2 were
    // beyond 1%, 3.33% and 1.23%, while fluid took the phases of two caps on one period grid as
    // independent; these 100 fixed setups hold either way: core-scheduler's known answer holds that).
    fc.assert(
      fc.property(classArb(CLASSES.busy), (setup) => {
        expect(compare(setup, 20, { hostTick: 1000 }).gap).toBeLessThan(0.001);
      }),
      { numRuns: 100, seed: 20261202 },
    );
  });

  it('… and without credit caps, on more setups (busy guests): the class agrees on every setup measured', () => {
    // The setups of this class beyond 1% elsewhere all had a credit cap (README: 200 setups each of
    // seeds 1234 and 777 without caps, none beyond 1%; one was 16.3% before a stuck busy task took a
    // running vCPU at once in the exact scheduler).
    fc.assert(
      fc.property(classArb(CLASSES['busy-no-caps']), (setup) => {
        expect(gap(setup, 20)).toBeLessThan(0.01);
      }),
      { numRuns: 100, seed: 20261201 },
    );
  });

  it('… and with random vCPU pins and credit caps (busy guests): fluid serves cpusets CPU by CPU, and a binding cap on and off, as exact does', () => {
    // Credit caps were left out until the fluid model averaged a binding cap's on and off phases
    // (core-scheduler's quota-phases.ts): a capped VM of several vCPUs runs on all of them while it
    // has credit, then none, and its pinned neighbour cannot absorb the off phase (up to 4.9% here
    // with a steady cap: a 0.5-capped VM's vCPU beside a one-vCPU VM on its pCPU, 0.75 where exact
    // gives 0.8).
    fc.assert(
      fc.property(classArb(CLASSES['busy-pins']), (setup) => {
        expect(gap(setup, 20)).toBeLessThan(0.01);
      }),
      { numRuns: 60, seed: 20261128 },
    );
  });

  it('… and with capped guest tasks (demands 0.25, 0.5, 1) and random vCPU pins, one VM per host', () => {
    // Several VMs with capped tasks: a stated gap (README "Gaps, stated": bursty vCPUs on an exact host).
    fc.assert(
      fc.property(classArb(CLASSES['capped-one-vm']), (setup) => {
        expect(gap(setup, 20)).toBeLessThan(0.01);
      }),
      { numRuns: 60, seed: 20261129 },
    );
  });

  it('capped guest tasks with guest quotas and pins, several VMs: within 1% on most setups, never far off (the stated gap, measured)', () => {
    // Not the 1% property: README "Gaps, stated" gives the figures and the causes. Held to what was
    // measured on these 40 setups, so that a regression shows: 39 within 1%, the other 2.34%
    // (priority, a bursty higher level and a guest quota's on phase). Each earlier figure, and the
    // change that moved it, is in docs/nested-agreement-history.md (35 within 1% and a worst of 30.3%
    // before the fluid guest pooled its vCPUs' capacities).
    const setups = fc.sample(classArb(CLASSES.mixed), { numRuns: 40, seed: 20261130 });
    const gaps = setups.map((setup) => gap(setup, 20));
    expect(gaps.filter((g) => g < 0.01).length).toBeGreaterThanOrEqual(39);
    expect(Math.max(...gaps)).toBeLessThan(0.025);
    // About 5 s alone; 31 s once on a loaded 2-core machine, past the default 30 s.
  }, 120_000);

  it('no over-allocation: the host never delivers more than its pCPUs, nor a vCPU more than its guest asks', () => {
    fc.assert(
      fc.property(classArb(CLASSES.mixed), fc.constantFrom<GroupFidelity>('fluid', 'exact'), (setup, fidelity) => {
        const { tasks } = run(setup, fidelity, 5);
        const total = tasks.reduce((a, b) => a + b, 0);
        expect(total).toBeLessThanOrEqual(setup.cpus * 5 * S + tasks.length); // fluid rounds each task to the µs
        let i = 0;
        for (const vm of setup.vms) {
          const want = Math.min(vm.vcpus, vm.tasks.reduce((a, b) => a + b, 0));
          const got = vm.tasks.reduce((a, _, t) => a + tasks[i + t]!, 0);
          i += vm.tasks.length;
          expect(got).toBeLessThanOrEqual(want * 5 * S * 1.01 + 1);
        }
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('determinism: the same setup gives identical results, run after run', () => {
    fc.assert(
      fc.property(classArb(CLASSES.mixed), (setup) => {
        expect(run(setup, 'exact', 2)).toEqual(run(setup, 'exact', 2));
        expect(run(setup, 'fluid', 2)).toEqual(run(setup, 'fluid', 2));
      }),
      { numRuns: 20, seed: 3 },
    );
  });
});
