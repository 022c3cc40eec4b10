// Known answers behind the exact ↔ fluid agreement of nested setups: each case is one cause of a gap
// that the property test found (README "Hosts and nested scheduling", exact ↔ fluid agreement), with
// the answer a real guest gets, held in both fidelities.
import { describe, expect, it } from 'vitest';
import type { GroupFidelity } from '@strata/core-scheduler';
import { createNestedHost, createSchedulerGuest, type NestedHost, type NestedHostOptions, type SchedulerGuest, type VmCpuSpec } from '../../src/host/index.ts';

const S = 1_000_000;
const FIDELITIES: readonly GroupFidelity[] = ['fluid', 'exact'];

interface GuestSetup {
  readonly spec: VmCpuSpec;
  /** Groups to add first (path → limits). */
  readonly groups?: Readonly<Record<string, { quota?: number; period?: number }>>;
  /** Tasks: [group, demand]. */
  readonly tasks: readonly (readonly [string, number])[];
}

/** Each guest task's CPU fraction over `seconds`, by VM, in task order. */
function shares(opts: NestedHostOptions, vms: readonly GuestSetup[], seconds = 20, inspect?: (host: NestedHost) => void): number[][] {
  const host = createNestedHost(opts);
  const guests: SchedulerGuest[] = vms.map((vm, i) => {
    const g = createSchedulerGuest({ cpus: vm.spec.vcpus, fidelity: opts.fidelity ?? 'fluid' });
    for (const [path, limits] of Object.entries(vm.groups ?? {})) g.addGroup(path, limits);
    vm.tasks.forEach(([group, demand], t) => g.addTask(`t${t}`, group, { demand }));
    host.addVm(`vm${i}`, vm.spec, g);
    return g;
  });
  host.advanceTo(seconds * S);
  inspect?.(host);
  return vms.map((vm, i) => vm.tasks.map((_, t) => guests[i]!.scheduler.taskStats(`t${t}`).cpuUsec / (seconds * S)));
}

/** Every task's share within the tolerance of `fidelity` (fluid is exact to 0.1%, exact's slices to 1%) of what is wanted. */
function expectShares(got: readonly (readonly number[])[], want: readonly (readonly number[])[], fidelity: GroupFidelity): void {
  const tol = fidelity === 'fluid' ? 0.001 : 0.01;
  got.forEach((vm, i) => vm.forEach((x, t) => expect(Math.abs(x - want[i]![t]!), `vm${i} t${t}: ${x} vs ${want[i]![t]}`).toBeLessThan(tol)));
}

describe.each(FIDELITIES)('exact ↔ fluid agreement, known answers (%s)', (fidelity) => {
  it('vCPUs sharing one pCPU are one pool to their guest: a busy root task beside a group gets half, not a third', () => {
    // 1 pCPU, 3 vCPUs: the vCPUs take turns on the pCPU and the guest moves its tasks to whichever
    // runs, so its scheduler shares 1 CPU among the root task and the group (½ each), not three
    // vCPUs of ⅓ each (where the root task could never get more than one vCPU's third).
    const got = shares({ cpus: 1, policy: 'cfs', fidelity }, [{ spec: { vcpus: 3 }, groups: { '/q': {} }, tasks: [['/q', 1], ['/', 1], ['/q', 0.25]] }]);
    expectShares(got, [[0.25, 0.5, 0.25]], fidelity);
  });
});

describe.each(FIDELITIES)('exact ↔ fluid agreement, moving work between vCPUs (%s)', (fidelity) => {
  it('capped work on a vCPU its host serves short moves to a vCPU with a free pCPU; both pCPUs fill', () => {
    // 2 pCPUs, rr. vm0: vCPU 0 pinned to pCPU 0, vCPU 1 free, tasks 0.25 and 0.5. vm1: vCPUs pinned
    // to pCPUs 0, 1, 0, tasks 0.5, 0.5, 0.25. 2 CPUs are asked of 2 pCPUs: every task gets its demand.
    // Laid in order without moving, pCPU 0 was asked 1.75 and pCPU 1 0.25 (vm1's tasks 0.194 each).
    const got = shares({ cpus: 2, policy: 'rr', fidelity }, [
      { spec: { vcpus: 2, pin: [[0], null] }, tasks: [['/', 0.25], ['/', 0.5]] },
      { spec: { vcpus: 3, pin: [[0], [1], [0]] }, tasks: [['/', 0.5], ['/', 0.5], ['/', 0.25]] },
    ]);
    expectShares(got, [[0.25, 0.5], [0.5, 0.5, 0.25]], fidelity);
  });

  it('beside capped tasks, a busy task moves too: the higher priority VM gets its pinned pCPU whole', () => {
    // 3 pCPUs, priority. vm0 (level 2): vCPU 0 pinned to pCPU 0, vCPU 2 to pCPU 2, tasks 0.5, 1,
    // 0.25, 0.25 (2 CPUs). vm1 (level 0): one vCPU pinned to pCPU 0, tasks 0.5, 0.25, 0.5 (1 CPU).
    // The capped tasks keep vm0's other vCPUs awake, so its work leaves pCPU 0 to vm1: every task
    // gets its demand (fluid gave vm0's busy task 0.42 and vm1's tasks 0.22 while only capped work moved).
    const got = shares({ cpus: 3, policy: 'priority', fidelity }, [
      { spec: { vcpus: 3, priority: 2, pin: [[0], null, [2]] }, tasks: [['/', 0.5], ['/', 1], ['/', 0.25], ['/', 0.25]] },
      { spec: { vcpus: 1, priority: 0, pin: [[0]] }, tasks: [['/', 0.5], ['/', 0.25], ['/', 0.5]] },
    ]);
    expectShares(got, [[0.5, 1, 0.25, 0.25], [0.375, 0.25, 0.375]], fidelity);
  });

  it('a lone busy task on a vCPU that shares its pCPU moves to a halted vCPU with a pCPU of its own', () => {
    // 3 pCPUs, rr: vm0's one vCPU pinned to pCPU 1; vm1's vCPU 0 pinned to pCPU 1, its vCPUs 1 and 2
    // free, one busy task. This known answer was 0.5 each (the task stayed on vCPU 0: the exact guest
    // moved nothing while nothing woke, fluid moved nothing in a guest of busy tasks only). A Linux
    // guest's vCPU 0, its capacity halved by steal, kicks an idle vCPU for a nohz balance, and
    // `need_active_balance` moves a lone task when its CPU's capacity × 117 < the idle CPU's × 100:
    // the task goes to vCPU 1, which gets a pCPU of its own, and vm0 keeps pCPU 1: 1 each.
    const got = shares({ cpus: 3, policy: 'rr', fidelity }, [
      { spec: { vcpus: 1, pin: [[1]] }, tasks: [['/', 1]] },
      { spec: { vcpus: 3, pin: [[1], null, null] }, tasks: [['/', 1]] },
    ]);
    expectShares(got, [[1], [1]], fidelity);
  });

  it('under credit\'s 30 ms slices too: a lone busy task leaves a vCPU descheduled half the time for a halted vCPU with a pCPU of its own', () => {
    // 2 pCPUs, credit. vm0: vCPU 0 pinned to pCPU 0, vCPU 1 to pCPU 1, one busy task; vm1 busy on
    // pCPU 0. On vCPU 0 the task gets 0.5 (steal 50%); the halted vCPU 1 has no steal, so the task
    // moves there (0.5 × 117 < 100) and gets pCPU 1 whole; vm1 gets pCPU 0 (was 0.5 / 0.5).
    const got = shares({ cpus: 2, policy: 'credit', fidelity }, [
      { spec: { vcpus: 2, pin: [[0], [1]] }, tasks: [['/', 1]] },
      { spec: { vcpus: 1, pin: [[0]] }, tasks: [['/', 1]] },
    ]);
    expectShares(got, [[1], [1]], fidelity);
  });

  it('two busy tasks of a guest share its vCPUs evenly when the host takes each vCPU in turn', () => {
    // 2 pCPUs, cfs: vm0 (shares 200) one vCPU of three busy tasks, vm1 (shares 1024) two vCPUs of two
    // busy tasks: vm1 gets 2 × 1024/1224 = 1.673, 0.837 per task; vm0 0.327, 0.109 per task. Exact
    // gave vm1's tasks 1.0 and 0.67: the guest's tick put the most-owed task on the less stolen
    // vCPU, which the host descheduled next, and it waited there a whole tick every time.
    const got = shares({ cpus: 2, policy: 'cfs', fidelity }, [
      { spec: { vcpus: 1, shares: 200 }, tasks: [['/', 1], ['/', 1], ['/', 1]] },
      { spec: { vcpus: 2, shares: 1024 }, tasks: [['/', 1], ['/', 1]] },
    ]);
    const vm0 = (2 * 200) / 1224 / 3;
    const vm1 = 1024 / 1224;
    expectShares(got, [[vm0, vm0, vm0], [vm1, vm1]], fidelity);
  });

  it('a lone task queued on a vCPU its host never runs waits there: no vCPU of its guest runs to balance it', () => {
    // 2 pCPUs, priority: vm0 (level 0) busy on a vCPU pinned to pCPU 0; vm1 (level 1) has one busy
    // task and three vCPUs, vCPU 0 pinned to pCPU 0, vCPU 1 free. The task wakes on vCPU 0, which the
    // level above keeps off pCPU 0 for ever; a Linux guest balances from a running CPU's tick, and
    // none of vm1's runs, so the task waits on vCPU 0 (as the exact guest's does). Fluid used to hand
    // it to vCPU 1 (1.0 against exact's 0: 50% on a busy-pins setup of seed 777).
    const got = shares({ cpus: 2, policy: 'priority', fidelity }, [
      { spec: { vcpus: 1, priority: 0, pin: [[0]] }, tasks: [['/', 1]] },
      { spec: { vcpus: 3, priority: 1, pin: [[0], null, null] }, tasks: [['/', 1]] },
    ]);
    expectShares(got, [[1], [0]], fidelity);
  });

  it('once its vCPU has run, a lone task leaves it when the level above takes its pCPU for good', () => {
    // The same VMs, but vm0's task starts after 1 s: vm1's task ran on vCPU 0 meanwhile (pCPU 0 was
    // free), so the exact guest ticks with the task on it and moves it to the halted vCPU 1 when the
    // steal shows; fluid moves it from a vCPU that has run. 1 s at 1, then 1 of the 19 s left.
    const host = createNestedHost({ cpus: 2, policy: 'priority', fidelity });
    const hog = createSchedulerGuest({ cpus: 1, fidelity });
    const guest = createSchedulerGuest({ cpus: 3, fidelity });
    guest.addTask('t0', '/', {});
    host.addVm('vm0', { vcpus: 1, priority: 0, pin: [[0]] }, hog);
    host.addVm('vm1', { vcpus: 3, priority: 1, pin: [[0], null, null] }, guest);
    host.advanceTo(S);
    hog.addTask('t0', '/', {});
    host.advanceTo(20 * S);
    expectShares([[hog.scheduler.taskStats('t0').cpuUsec / (20 * S)], [guest.scheduler.taskStats('t0').cpuUsec / (20 * S)]], [[19 / 20], [1]], fidelity);
  });

  it('a pinned vCPU does not wait behind a free one while another pCPU idles: the free one moves', () => {
    // 2 pCPUs, rr. vm0: vCPU 0 pinned to pCPU 1, vCPU 1 free, tasks 1, 1, 0.25. vm1: one vCPU pinned
    // to pCPU 0, a task of 0.5 under a guest quota of 50%. pCPU 1 is vm0's vCPU 0's, pCPU 0 serves
    // vm1's 0.5 and vm0's vCPU 1 the rest: vm0 gets 1.5, its capped task 0.25 and each busy one
    // 0.625. The exact host gave 0.541 each, letting the free vCPU take pCPU 1 while vCPU 0 waited
    // there and pCPU 0 idled (Linux moves the free one: the woken pinned vCPU preempts it and the idle
    // pCPU pulls it).
    const got = shares({ cpus: 2, policy: 'rr', fidelity }, [
      { spec: { vcpus: 2, pin: [[1], null] }, tasks: [['/', 1], ['/', 1], ['/', 0.25]] },
      { spec: { vcpus: 1, pin: [[0]] }, groups: { '/q': { quota: 50_000, period: 100_000 } }, tasks: [['/q', 0.5]] },
    ]);
    expectShares(got, [[0.625, 0.625, 0.25], [0.5]], fidelity);
  });
});

describe.each(FIDELITIES)('exact ↔ fluid agreement, quotas on and off (%s)', (fidelity) => {
  it('a busy guest task beside a throttled guest quota group loses what the group takes while it runs', () => {
    // 2 pCPUs, rr, one VM of 2 vCPUs (vCPU 0 pinned to pCPU 1): a busy task, a 0.25 task, and a guest
    // quota of 50% over two 0.5 tasks. The guest kernel throttles the group on and off: unthrottled it
    // gets 0.875 beside the busy task (on 2 CPUs), so it runs 4/7 of the time, and the busy task gets
    // 4/7 × 0.875 + 3/7 × 1 = 13/14 (exact 0.930; fluid gave 1.0 with the quota as a steady cap).
    const got = shares({ cpus: 2, policy: 'rr', fidelity }, [
      { spec: { vcpus: 2, pin: [[1], null] }, groups: { '/q': { quota: 50_000, period: 100_000 } }, tasks: [['/q', 0.5], ['/', 1], ['/q', 0.5], ['/', 0.25]] },
    ]);
    expectShares(got, [[0.25, 13 / 14, 0.25, 0.25]], fidelity);
  });

  it('inside a guest quota group, a busy task and a 0.5 task split the quota evenly', () => {
    // 2 pCPUs, cfs, one VM of 3 vCPUs (vCPU 2 pinned to pCPU 0): a 50% guest quota over a busy task
    // and a 0.5 task, beside root tasks of 0.25 and 0.5. Both quota tasks always have work (the 0.5
    // task's backlog), so they share the group's 0.5 evenly. Exact gave 0.27 / 0.23: the group runs
    // ahead of its lag reference in its on phases, both lags reach the clamp, and the tie went to the
    // task added first every time; it now goes to the least CPU time per weight (EEVDF's vruntime).
    const got = shares({ cpus: 2, policy: 'cfs', fidelity }, [
      { spec: { vcpus: 3, shares: 1024, pin: [null, null, [0]] }, groups: { '/q': { quota: 50_000, period: 100_000 } }, tasks: [['/q', 1], ['/', 0.25], ['/q', 0.5], ['/', 0.5]] },
    ]);
    expectShares(got, [[0.25, 0.25, 0.25, 0.5]], fidelity);
  });

  it('a credit cap on a VM of two pinned vCPUs is on and off: its pinned neighbour gets the pCPU while it is off', () => {
    // 3 pCPUs, credit. vm0 (weight 512, cap 50, vCPUs pinned to pCPUs 2 and 1) with two busy tasks;
    // vm1 (weight 128, cap 100) one vCPU pinned to pCPU 1 with a busy task. While vm0 has credit its
    // vCPUs run at 1 and 0.8 (pCPU 1 split 4 : 1 by weight), so it spends its 0.5 in 0.5 / 1.8 of the
    // time; vm1 gets 0.2 then and 1 the rest: 0.8. A steady cap gave vm1 0.75 (vm0's 0.5 split evenly).
    const got = shares({ cpus: 3, policy: 'credit', fidelity }, [
      { spec: { vcpus: 2, weight: 512, cap: 50, pin: [[2], [1]] }, tasks: [['/', 1], ['/', 1]] },
      { spec: { vcpus: 1, weight: 128, cap: 100, pin: [[1]] }, tasks: [['/', 1]] },
    ]);
    expectShares(got, [[0.25, 0.25], [0.8]], fidelity);
  });
});

describe.each(FIDELITIES)('exact ↔ fluid agreement, steal and quotas under a contended host (%s)', (fidelity) => {
  it('a vCPU that shares its pCPU with a bursty higher level counts as stolen: two busy tasks split the pool evenly', () => {
    // 2 pCPUs, priority. vm0 (level 2): two free vCPUs, two busy tasks. vm1 (level 0): a 0.5 task on
    // a vCPU pinned to pCPU 0. vm0 has 1.5 pCPUs, one vCPU descheduled whenever vm1's runs; its
    // guest moves its tasks to whichever vCPU runs: 0.75 each. Exact gave 0.699 / 0.801: the guest's
    // tick moved the task off the descheduled vCPU at the instant it came back, before its steal was
    // counted, so that vCPU looked unstolen and took the most-owed task at every tick (by CPU order).
    const got = shares({ cpus: 2, policy: 'priority', fidelity }, [
      { spec: { vcpus: 2, priority: 2 }, tasks: [['/', 1], ['/', 1]] },
      { spec: { vcpus: 2, priority: 0, pin: [[0], null] }, tasks: [['/', 0.5]] },
    ]);
    expectShares(got, [[0.75, 0.75], [0.5]], fidelity);
  });

  it("a guest quota's on phase at the capacity its host gives: the busy task beside it loses what the group takes while it runs", () => {
    // 3 pCPUs, credit. vm0 (weight 64; vCPU 0 pinned to pCPU 0, which it shares with vm1's capped
    // vCPUs): a busy root task beside a 50% guest quota over a 0.5 and a busy task. vm0 asks 1.5 and
    // gets it (0.8 on its pinned vCPU, short of the 1 it asks, and 0.7 on a free one), but its host
    // could not give the quota's on phase the 2.5 CPUs it would use at full capacity: at the 1.5 it
    // has, the group runs at 0.75 beside the busy task's 0.75 for 2/3 of each period, and the busy
    // task has 1 the rest: 5/6 (fluid gave 1.0, the phases at full capacity; exact 0.818, whose
    // vCPUs the group's tasks take in its on phase).
    const got = shares({ cpus: 3, policy: 'credit', fidelity }, [
      { spec: { vcpus: 3, weight: 64, pin: [[0], null, null] }, groups: { '/q': { quota: 50_000, period: 100_000 } }, tasks: [['/q', 0.5], ['/', 1], ['/q', 1]] },
      { spec: { vcpus: 3, weight: 256, cap: 30, pin: [[2], [0], [0]] }, groups: { '/q': { quota: 50_000, period: 100_000 } }, tasks: [['/q', 1], ['/', 0.25], ['/q', 1]] },
      { spec: { vcpus: 3, weight: 64, pin: [[1], [2], [1]] }, tasks: [['/', 0.25], ['/', 0.25], ['/', 0.5]] },
    ]);
    // Exact within 2% here (the rest of the on phase's cause: README "Gaps, stated").
    const tol = fidelity === 'fluid' ? 0.001 : 0.02;
    expect(Math.abs(got[0]![1]! - 5 / 6), `busy task: ${got[0]![1]}`).toBeLessThan(tol);
    expectShares([got[0]!.filter((_, t) => t !== 1), got[1]!, got[2]!], [[0.25, 0.25], [0.075, 0.15, 0.075], [0.25, 0.25, 0.5]], fidelity);
  });
});

describe.each(FIDELITIES)('exact ↔ fluid agreement, whole tasks leave vCPUs of reduced capacity (%s)', (fidelity) => {
  it('two busy tasks on two vCPUs that share a pCPU: one moves to the halted vCPU on a free pCPU', () => {
    // 2 pCPUs, one VM: vCPUs 0 and 1 pinned to pCPU 0, vCPU 2 to pCPU 1; two busy tasks. They start on
    // vCPUs 0 and 1, each stolen half the time; a Linux guest's busy vCPU of reduced capacity kicks
    // the idle one for a nohz balance, which pulls its task (need_active_balance). 1 each; both
    // fidelities gave 0.5 each (only a lone task moved; the exact guest saw no steal on a vCPU whose
    // task had moved to the vCPU its host ran).
    const got = shares({ cpus: 2, policy: 'cfs', fidelity }, [{ spec: { vcpus: 3, pin: [[0], [0], [1]] }, tasks: [['/', 1], ['/', 1]] }]);
    expectShares(got, [[1, 1]], fidelity);
  });
});

describe.each(FIDELITIES)('exact ↔ fluid agreement, capped tasks beside busy ones (%s)', (fidelity) => {
  it('two 0.5 tasks take turns on the third vCPU while two busy tasks keep theirs: every vCPU full', () => {
    // 3 pCPUs, one VM of 3 vCPUs (1 and 2 pinned, 0 free), tasks 0.5, 0.5, 1, 1: 3 CPUs of demand on
    // 3. The two 0.5 tasks resumed at one tick with every lag 0, so every deadline tied, and the tie
    // went to the least CPU time: both capped tasks took a CPU, a busy one waited a tick, then both
    // halted together and a vCPU idled (exact: 0.875 for each busy task). Equal deadlines now go to
    // the task that uses a whole CPU first: a capped task that waits keeps its backlog and runs when
    // its peer halts.
    const got = shares({ cpus: 3, policy: 'rr', fidelity }, [{ spec: { vcpus: 3, pin: [null, [1], [0]] }, tasks: [['/', 0.5], ['/', 0.5], ['/', 1], ['/', 1]] }]);
    expectShares(got, [[0.5, 0.5, 1, 1]], fidelity);
  });
});

describe.each(FIDELITIES)('exact ↔ fluid agreement, strict priority with pins (%s)', (fidelity) => {
  it('a level pinned to one pCPU leaves the other to the next level (levels used to see Σ pCPUs)', () => {
    // 2 pCPUs. vm0 (level 0): two busy vCPUs both pinned to pCPU 0, so it can take 1 pCPU, not the 2
    // it asks. vm1 (level 1): one busy free vCPU. Linux's RT placement runs each pCPU's highest
    // priority task among those allowed there: pCPU 1 is vm1's. The levels compared vm0's 2 with the
    // 2 pCPUs, found none left and held vm1 while pCPU 1 idled (0).
    const got = shares({ cpus: 2, policy: 'priority', fidelity }, [
      { spec: { vcpus: 2, priority: 0, pin: [[0], [0]] }, tasks: [['/', 1], ['/', 1]] },
      { spec: { vcpus: 1, priority: 1 }, tasks: [['/', 1]] },
    ]);
    expectShares(got, [[0.5, 0.5], [1]], fidelity);
  });

  it('a level whose pinned pCPUs are full is held, and a later level takes the free pCPU', () => {
    // 2 pCPUs. vm0 (level 0): one busy vCPU pinned to pCPU 0. vm1 (level 1): two busy vCPUs pinned to
    // pCPU 0, which vm0 fills: held, nothing for it. vm2 (level 2): one busy free vCPU, pCPU 1 whole.
    // The levels saw 1 of 2 pCPUs left for vm1's 2, served it in part at weight 1 and held vm2 (0).
    const got = shares({ cpus: 2, policy: 'priority', fidelity }, [
      { spec: { vcpus: 1, priority: 0, pin: [[0]] }, tasks: [['/', 1]] },
      { spec: { vcpus: 2, priority: 1, pin: [[0], [0]] }, tasks: [['/', 1], ['/', 1]] },
      { spec: { vcpus: 1, priority: 2 }, tasks: [['/', 1]] },
    ]);
    expectShares(got, [[1], [0, 0], [1]], fidelity);
  });

  it('a level served in part by its own pins leaves the pCPUs it may not use to later levels, vCPU by vCPU', () => {
    // 3 pCPUs. vm0 (level 0) pins both vCPUs to pCPU 0 and vm1 (level 1) both to pCPU 1: each is
    // served in part (1 of 2), on pCPUs the other may not use. vm2 (level 2): vCPU 0 on pCPU 0, which
    // vm0 fills, is held; vCPU 1 on pCPU 2, which no level above may use, runs, and the guest's two
    // tasks share it. Only one level could be served in part: vm1 and vm2 were held (0) while pCPUs
    // 1 and 2 idled.
    const got = shares({ cpus: 3, policy: 'priority', fidelity }, [
      { spec: { vcpus: 2, priority: 0, pin: [[0], [0]] }, tasks: [['/', 1], ['/', 1]] },
      { spec: { vcpus: 2, priority: 1, pin: [[1], [1]] }, tasks: [['/', 1], ['/', 1]] },
      { spec: { vcpus: 2, priority: 2, pin: [[0], [2]] }, tasks: [['/', 1], ['/', 1]] },
    ]);
    expectShares(got, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], fidelity);
  });

  it('a level that fits whole beside a level served in part runs only on the pCPUs that level leaves', () => {
    // 3 pCPUs. vm0 (level 0): two busy vCPUs pinned to pCPU 2, served in part (1 of 2). vm1 (level
    // 1): vCPU 0 on pCPU 0 (a busy task), vCPU 1 free (a 0.75 task): it fits whole on pCPUs 0 and 1.
    // vm2 (level 2): a 0.5 task on a vCPU pinned to pCPU 1, which gets what vm1 leaves there (0.25).
    // vm1 ran at the full weight beside vm0's weight 1, and its free vCPU took a quarter of pCPU 2:
    // fluid gave vm0's tasks 0.375 each and vm2's 0.5 (a lower level over a higher one).
    const got = shares({ cpus: 3, policy: 'priority', fidelity }, [
      { spec: { vcpus: 2, priority: 0, pin: [[2], [2]] }, tasks: [['/', 1], ['/', 1]] },
      { spec: { vcpus: 2, priority: 1, pin: [[0], null] }, tasks: [['/', 1], ['/', 0.75]] },
      { spec: { vcpus: 1, priority: 2, pin: [[1]] }, tasks: [['/', 0.5]] },
    ]);
    expectShares(got, [[0.5, 0.5], [1, 0.75], [0.25]], fidelity);
  });

  it('a halted vCPU with no pCPU outside a level served in part keeps its pins, and is held once it asks', () => {
    // 3 pCPUs. vm0 (level 0): two busy vCPUs pinned to pCPU 2 (served in part). vm1 (level 1): one busy
    // task on vCPU 0 (pCPU 0), vCPU 1 pinned to pCPU 2 and halted: the level fits whole on pCPU 0, and
    // vCPU 1 has no pCPU left to be confined to. Confining it to none threw (a cpuset cannot be empty).
    const vm0: GuestSetup = { spec: { vcpus: 2, priority: 0, pin: [[2], [2]] }, tasks: [['/', 1], ['/', 1]] };
    const vm1: GuestSetup = { spec: { vcpus: 2, priority: 1, pin: [[0], [2]] }, tasks: [['/', 1]] };
    expectShares(shares({ cpus: 3, policy: 'priority', fidelity }, [vm0, vm1]), [[0.5, 0.5], [1]], fidelity);
    // A second task: vCPU 1 asks for pCPU 2, which level 0 fills, and is held.
    shares({ cpus: 3, policy: 'priority', fidelity }, [vm0, { ...vm1, tasks: [['/', 1], ['/', 1]] }], 5, (host) => {
      expect(host.vcpuStats('vm1', 1).held).toBe(true);
      expect(host.vcpuStats('vm1', 0).held).toBe(false);
    });
  });

  it('a capped task moved off a held vCPU to one on a free pCPU stays there', () => {
    // 3 pCPUs. vm1 (level 0): two vCPUs pinned to pCPU 2, three tasks (1 pCPU: a third each). vm2
    // (level 1): vCPU 0 on pCPU 0, a busy task in a 50% quota with a 0.25, and a 0.5 task (1 pCPU).
    // vm0 (level 2): one 0.5 task, vCPU 0 on pCPU 0 (full), vCPU 1 on pCPU 1 (free). The task moves to
    // vCPU 1. Fluid gave it 0: vm1 is served in part, which held vm0's level; and with the level
    // run, the ~5e-5 its vCPU 0 gets at weight 1 read as that vCPU's share coming back, so the guest
    // laid its demand in order again, and moved it again, at every pass of the instant.
    const got = shares({ cpus: 3, policy: 'priority', fidelity }, [
      { spec: { vcpus: 3, priority: 2, pin: [[0], [1], null] }, groups: { '/q': { quota: 50_000, period: 100_000 } }, tasks: [['/q', 0.5]] },
      { spec: { vcpus: 2, priority: 0, pin: [[2], [2]] }, tasks: [['/', 1], ['/', 0.5], ['/', 0.5]] },
      { spec: { vcpus: 2, priority: 1, pin: [[0], null] }, groups: { '/q': { quota: 50_000, period: 100_000 } }, tasks: [['/q', 1], ['/', 0.5], ['/q', 0.25]] },
    ], 20, (host) => {
      // Fluid: the task is on vCPU 1, which asks for it (it was left halted, its rate 0.5, by
      // whichever pass the instant's pass limit cut off).
      if (fidelity === 'fluid') expect(host.vcpuStats('vm0', 1)).toMatchObject({ demand: { runnable: true, demand: 0.5 }, rate: 0.5 });
    });
    expectShares(got, [[0.5], [1 / 3, 1 / 3, 1 / 3], [0.25, 0.5, 0.25]], fidelity);
  });
});
