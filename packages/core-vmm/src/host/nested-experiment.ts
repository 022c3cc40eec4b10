// `strata vm host FILE`: build a nested host from a spec (its VMs, and in each a guest kernel's
// cgroup tree and tasks), drive the guests' tasks (start, bursts, stop) on the discrete-event kernel
// within a work budget, and report what each guest task got and what each vCPU reported as steal.
import {
  addGroupTree,
  DEFAULT_GROUP_MAX_STEPS,
  driveTaskWorkloads,
  firstWork,
  hasBursts,
  shareClampWarnings,
  watchSteps,
  workBudgetError,
  workloadRemedies,
  type GroupFidelity,
  type GroupSchedulerEvent,
  type RunControl,
  type TreeTask,
} from '@strata/core-scheduler';
import {
  formatDuration,
  micros,
  NestedHostSpecSchema,
  parseWithSchema,
  ValidationError,
  type GroupTaskSpec,
  type NestedHostSpec,
  type NestedVmSpec,
} from '@strata/shared-types';
import { createNestedHost } from './create-nested-host.js';
import { createSchedulerGuest, type SchedulerGuest } from './create-scheduler-guest.js';
import type { NestedHost, VcpuPolicy, VmCpuSpec } from './types.js';

/** One vCPU over the experiment: host CPU time and steal, as its guest's /proc/stat shows steal. */
export interface NestedExperimentVcpu {
  readonly vcpu: number;
  /** pCPU time the host gave it, µs. */
  readonly hostCpuUsec: number;
  /** Steal: runnable on the host but not running, µs. */
  readonly stealUsec: number;
  /** stealUsec / duration. */
  readonly stealFraction: number;
  /** The steal column of the guest's `cpuN` line in /proc/stat, USER_HZ (100) ticks. */
  readonly stealTicks: number;
}

/** One guest task over the experiment. */
export interface NestedExperimentTask {
  readonly name: string;
  /** Its guest cgroup's path ("/" for the guest's root). */
  readonly group: string;
  /** CPU time it got, µs (reference-CPU µs: at a host speed below 1, less than the pCPU time). */
  readonly cpuUsec: number;
  /** cpuUsec / duration: the fraction of one CPU. */
  readonly fraction: number;
}

/** One VM over the experiment. */
export interface NestedExperimentVm {
  readonly name: string;
  /** pCPU time its vCPUs got, µs, and that over the duration (in pCPUs). */
  readonly hostCpuUsec: number;
  readonly hostFraction: number;
  /** Steal summed over its vCPUs, µs. */
  readonly stealUsec: number;
  readonly vcpus: readonly NestedExperimentVcpu[];
  /** Its guest's tasks, in spec order (root tasks, then each group depth-first). */
  readonly tasks: readonly NestedExperimentTask[];
}

/** What `runNestedExperiment` reports (µs; VMs in spec order). */
export interface NestedExperimentResult {
  readonly duration: number;
  readonly cpus: number;
  readonly speed: number;
  readonly policy: VcpuPolicy;
  readonly fidelity: GroupFidelity;
  /** The exact host's slice, µs (the policy's default when the spec gives none; fluid: unused). */
  readonly hostTick: number;
  readonly vms: readonly NestedExperimentVm[];
  /** Silent kernel clamps applied to the guests' cgroup settings. */
  readonly warnings: readonly string[];
  /** Work the run took, in steps (the host scheduler's and every guest's `steps()`); at most the budget plus a few events. */
  readonly steps: number;
}

/** How to override the spec's fidelity (the CLI's `--fidelity`). */
export interface NestedExperimentOptions extends RunControl {
  readonly fidelity?: GroupFidelity;
}

interface Guest {
  readonly vm: NestedVmSpec;
  readonly guest: SchedulerGuest;
  /** Its tasks in spec order (ids as the guest knows them). */
  readonly tasks: readonly TreeTask[];
}

/** A guest task as the driver names it (`vm|id`, unique over all guests) and where it lives. */
interface GuestTask {
  readonly id: string;
  readonly spec: GroupTaskSpec;
  readonly guest: Guest;
  /** Its id in its guest. */
  readonly local: string;
}

/** Validate a nested host experiment (parsed YAML/JSON); ValidationError lists every bad field as `path: problem`. */
export function parseNestedHostSpec(input: unknown): { readonly spec: NestedHostSpec; readonly warnings: string[] } {
  const spec = parseWithSchema(NestedHostSpecSchema, input, 'nested host spec');
  const warnings = spec.vms.flatMap((vm, i) => shareClampWarnings(vm.guest.groups, `vms[${i}].guest.groups`));
  return { spec, warnings };
}

/** The VM's settings as the host takes them (the schema has checked them against the policy). */
function cpuSpecOf(vm: NestedVmSpec): VmCpuSpec {
  const { name: _name, guest: _guest, pin, ...rest } = vm;
  return { ...rest, ...(pin === undefined ? {} : { pin: pin.map((p) => p ?? null) }) };
}

/** Most host-scheduler steps between two budget checks from inside the host's work (a check sums every guest's steps: O(VMs)). */
const HOST_CHECK_EVERY = 100_000;

/**
 * Run a nested host experiment: validate `input` (`parseNestedHostSpec`; ValidationError), build
 * the host and each VM's guest, add the VMs at time 0, drive every guest task (runnable from
 * `start` to `stop`; with `bursts`, `run` of CPU then `sleep`, burst after burst) for `duration`
 * in the spec's fidelity (or `options.fidelity`), and report. Deterministic: the same spec gives
 * the same result.
 *
 * Work budget (`options`, see `RunControl`; default `DEFAULT_GROUP_MAX_STEPS`): the run stops once
 * its steps (the host scheduler's and every guest's `SchedulerGuest.steps()`, checked every few
 * events and every 100,000 steps of the host's own work) exceed `maxSteps`, with the `LimitExceededError` of `isWorkBudgetError` (`details.when` 'exhausted') and
 * no result. There is no estimate before the run: a guest runs only while its host runs its
 * vCPUs, so no lower bound follows from the spec alone. `onProgress` gets `fraction` = simulated
 * time / duration.
 */
export function runNestedExperiment(input: unknown, options: NestedExperimentOptions = {}): NestedExperimentResult {
  const { spec: parsed, warnings } = parseNestedHostSpec(input);
  const fidelity = options.fidelity ?? parsed.fidelity;
  if (fidelity !== 'exact' && fidelity !== 'fluid') {
    throw new ValidationError(`invalid fidelity ${JSON.stringify(fidelity)}: expected exact or fluid`, { path: 'fidelity', accepted: ['exact', 'fluid'] });
  }
  const spec: NestedHostSpec = { ...parsed, fidelity };
  // The budget is checked between host events and, since one event can cost O(tree) steps (an
  // instant of thousands of quota groups), from inside the host scheduler's work as well: every
  // HOST_CHECK_EVERY host steps at most, the total (host and guests) against the budget.
  let built = false;
  const host = createNestedHost({
    cpus: spec.cpus,
    speed: spec.speed,
    policy: spec.policy,
    fidelity,
    ...(spec.tick === undefined ? {} : { tick: spec.tick }),
    watchSteps: (hostSteps) => {
      // The build is bounded by the spec's size limits; the run is watched from its first step.
      if (!built) return hostSteps + 1;
      const total = steps();
      const next = watch.check(total);
      return hostSteps + Math.max(1, Math.min(next - total, HOST_CHECK_EVERY));
    },
  });
  const watch = watchSteps(
    options,
    DEFAULT_GROUP_MAX_STEPS,
    () => host.now() / spec.duration,
    (steps) =>
      workBudgetError({
        when: 'exhausted',
        steps,
        maxSteps: watch.maxSteps,
        reason: exhaustedReason(spec, host.now()),
        remedies: workloadRemedies(spec.fidelity, ...spec.vms.map((vm) => vm.guest)),
        at: host.now(),
      }),
  );
  const guests: Guest[] = spec.vms.map((vm) => {
    const g = createSchedulerGuest({ cpus: vm.vcpus, fidelity, tick: vm.guest.tick, start: 0 });
    const { tasks } = addGroupTree(
      vm.guest,
      (path, limits) => g.addGroup(path, limits),
      (id, group, t) => {
        // A task that starts at 0 is added runnable (its first burst as its work): one demand
        // report for the guest when it joins the host, not one per task woken at 0.
        const atZero = t.start === 0;
        const work = firstWork(t);
        g.addTask(id, group, { nice: t.nice, runnable: atZero, ...(atZero && work !== undefined ? { work } : {}) });
      },
    );
    host.addVm(vm.name, cpuSpecOf(vm), g);
    return { vm, guest: g, tasks };
  });

  const steps = (): number => guests.reduce((sum, g) => sum + g.guest.steps(), host.scheduler.steps());
  built = true;
  drive(host, guests, spec.duration, () => watch.check(steps()));

  const vms = guests.map(({ vm, guest, tasks }): NestedExperimentVm => {
    const vcpus = Array.from({ length: vm.vcpus }, (_, c): NestedExperimentVcpu => {
      const s = host.vcpuStats(vm.name, c);
      return { vcpu: c, hostCpuUsec: s.hostCpuUsec, stealUsec: s.stealUsec, stealFraction: s.stealUsec / spec.duration, stealTicks: s.stealTicks };
    });
    const hostCpuUsec = vcpus.reduce((sum, v) => sum + v.hostCpuUsec, 0);
    return {
      name: vm.name,
      hostCpuUsec,
      hostFraction: hostCpuUsec / spec.duration,
      stealUsec: vcpus.reduce((sum, v) => sum + v.stealUsec, 0),
      vcpus,
      tasks: tasks.map((t) => {
        const cpuUsec = guest.scheduler.taskCpuUsec(t.id);
        return { name: t.name, group: t.group, cpuUsec, fraction: cpuUsec / spec.duration };
      }),
    };
  });
  return {
    duration: spec.duration,
    cpus: spec.cpus,
    speed: spec.speed,
    policy: spec.policy,
    fidelity,
    hostTick: host.scheduler.tick,
    vms,
    warnings,
    steps: steps(),
  };
}

function exhaustedReason(spec: NestedHostSpec, now: number): string {
  const vcpus = spec.vms.reduce((sum, vm) => sum + vm.vcpus, 0);
  const vmWord = spec.vms.length === 1 ? 'VM' : 'VMs';
  return `${spec.fidelity} fidelity simulated ${formatDuration(micros(now))} of ${formatDuration(spec.duration)} of ${spec.vms.length} ${vmWord} with ${vcpus} vCPUs on ${spec.cpus} pCPUs`;
}

/**
 * Drive the guests' tasks (core-scheduler's `driveTaskWorkloads`) against the host: each step runs
 * the host and its guests, checks the budget, and reads the work-done facts of the guests that
 * have bursts (the others' facts are dropped now and then, so that a long run's memory stays flat).
 */
function drive(host: NestedHost, guests: readonly Guest[], duration: number, checkBudget: () => void): void {
  // VM names have no `|`: `vm|id` is unique over all guests.
  const workloads: GuestTask[] = guests.flatMap((guest) => guest.tasks.map((t) => ({ id: `${guest.vm.name}|${t.id}`, spec: t.spec, guest, local: t.id })));
  const byKey = new Map(workloads.map((w) => [w.id, w]));
  const bursty = guests.filter((g) => hasBursts(g.vm.guest));
  const quiet = guests.filter((g) => !hasBursts(g.vm.guest));
  // Summing every guest's steps costs O(VMs): the budget is checked every `stride` events, so that
  // it stays a small share of an event's own work (it is then overrun by at most `stride` events).
  const stride = Math.max(1, Math.ceil(guests.length / 8));
  const done: GroupSchedulerEvent[] = [];
  let advances = 0;
  const task = (key: string): GuestTask => byKey.get(key)!;
  driveTaskWorkloads(
    {
      advanceTo(time) {
        host.advanceTo(time);
        advances++;
        if (advances % stride === 0) checkBudget();
        if (advances % 1024 === 0) for (const g of quiet) g.guest.takeEvents();
        done.length = 0;
        for (const g of bursty) {
          for (const e of g.guest.takeEvents()) if (e.type === 'task.work_done') done.push({ ...e, task: `${g.vm.name}|${e.task}` });
        }
        return done;
      },
      nextEventTime: () => host.nextEventTime(),
      wake: (key, work) => task(key).guest.guest.wake(task(key).local, work),
      block: (key) => task(key).guest.guest.block(task(key).local),
      isRunnable: (key) => task(key).guest.guest.scheduler.taskStats(task(key).local).state === 'runnable',
    },
    workloads,
    duration,
    { runnableAtZero: true },
  );
  // What the guests kept is not read past the end.
  for (const g of guests) g.guest.takeEvents();
}

/** The agreement between the fidelities: a guest task's CPU within 1% of a CPU. */
export const FIDELITY_AGREEMENT_CPUS = 0.01;

/** One guest task under both fidelities: its CPU (`fraction`) in each, and the gap |exact − fluid|. */
export interface FidelityGap {
  readonly vm: string;
  readonly group: string;
  readonly task: string;
  /** CPUs the task got in the exact run. */
  readonly exact: number;
  /** CPUs the task got in the fluid run. */
  readonly fluid: number;
  /** |exact − fluid|, CPUs. */
  readonly gap: number;
  /** gap ≥ FIDELITY_AGREEMENT_CPUS: the two disagree on this task. */
  readonly flagged: boolean;
}

/**
 * The gap per guest task between an exact and a fluid run of one spec, in spec order (the runs list
 * the same VMs and tasks in the same order, so they are matched by position). Throws a
 * ValidationError if the two are not runs of one spec.
 */
export function fidelityGaps(exact: NestedExperimentResult, fluid: NestedExperimentResult): FidelityGap[] {
  return exact.vms.flatMap((vm, i) =>
    vm.tasks.map((task, j) => {
      const other = fluid.vms[i]?.tasks[j];
      if (other === undefined || other.name !== task.name || other.group !== task.group || fluid.vms[i]?.name !== vm.name) {
        throw new ValidationError(`fidelityGaps: the runs differ at VM ${vm.name}, task ${task.group} ${task.name}`, { vm: vm.name, task: task.name });
      }
      const gap = Math.abs(task.fraction - other.fraction);
      return { vm: vm.name, group: task.group, task: task.name, exact: task.fraction, fluid: other.fraction, gap, flagged: gap >= FIDELITY_AGREEMENT_CPUS };
    }),
  );
}

/** The largest of `gaps` (the first among equals), or null when there are none. */
export function largestGap(gaps: readonly FidelityGap[]): FidelityGap | null {
  return gaps.reduce<FidelityGap | null>((best, g) => (best === null || g.gap > best.gap ? g : best), null);
}
