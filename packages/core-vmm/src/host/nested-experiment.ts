// `strata vm host FILE`: build a nested host from a spec (its VMs, and in each a guest kernel's
// cgroup tree and tasks), drive the guests' tasks (start, bursts, stop) on the discrete-event kernel
// within a work budget, and report what each guest task got and what each vCPU reported as steal.
import {
  DEFAULT_GROUP_MAX_STEPS,
  driveTaskWorkloads,
  firstWork,
  groupCpuLimits,
  resolveMaxSteps,
  resolveProgressEvery,
  shareClampWarnings,
  workBudgetError,
  type BudgetRemedy,
  type GroupFidelity,
  type GroupSchedulerEvent,
  type RunControl,
  type TaskWorkload,
} from '@strata/core-scheduler';
import {
  formatDuration,
  micros,
  NestedHostSpecSchema,
  parseWithSchema,
  ValidationError,
  type GroupNodeSpec,
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
  /** Some task of it has bursts: its work-done events drive the next wake-ups. */
  bursty: boolean;
  readonly tasks: { readonly id: string; readonly name: string; readonly group: string }[];
}

/** A guest task as the driver names it (unique over all guests) and where it lives. */
interface GuestTask extends TaskWorkload {
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

/**
 * Run a nested host experiment: validate `input` (`parseNestedHostSpec`; ValidationError), build
 * the host and each VM's guest, add the VMs at time 0, drive every guest task (runnable from
 * `start` to `stop`; with `bursts`, `run` of CPU then `sleep`, burst after burst) for `duration`
 * in the spec's fidelity (or `options.fidelity`), and report. Deterministic: the same spec gives
 * the same result.
 *
 * Work budget (`options`, see `RunControl`; default `DEFAULT_GROUP_MAX_STEPS`): the run stops once
 * its steps (the host scheduler's and every guest's `SchedulerGuest.steps()`, checked every few events) exceed
 * `maxSteps`, with the `LimitExceededError` of `isWorkBudgetError` (`details.when` 'exhausted') and
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
  const maxSteps = resolveMaxSteps(options, 'maxSteps', DEFAULT_GROUP_MAX_STEPS);
  const every = resolveProgressEvery(options);
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new ValidationError(`invalid onProgress ${typeof onProgress}: expected a function ({ steps, maxSteps, fraction }) => void`, { path: 'onProgress', accepted: 'a function' });
  }

  const host = createNestedHost({ cpus: spec.cpus, speed: spec.speed, policy: spec.policy, fidelity, ...(spec.tick === undefined ? {} : { tick: spec.tick }) });
  const guests: Guest[] = [];
  const workloads: GuestTask[] = [];
  for (const vm of spec.vms) {
    const g = createSchedulerGuest({ cpus: vm.vcpus, fidelity, tick: vm.guest.tick, start: 0 });
    const guest: Guest = { vm, guest: g, bursty: false, tasks: [] };
    const addTasks = (tasks: readonly GroupTaskSpec[], group: string): void => {
      for (const t of tasks) {
        // `:` cannot occur in a name, so ids never clash across groups.
        const id = `${group}:${t.name}`;
        // A task that starts at 0 is added runnable (its first burst as its work): one demand
        // report for the guest when it joins the host, not one per task woken at 0.
        const atZero = t.start === 0;
        const work = firstWork(t);
        g.addTask(id, group, { nice: t.nice, runnable: atZero, ...(atZero && work !== undefined ? { work } : {}) });
        guest.tasks.push({ id, name: t.name, group });
        guest.bursty ||= t.bursts !== undefined;
        // VM names have no `|`: unique over all guests.
        workloads.push({ id: `${vm.name}|${id}`, spec: t, guest, local: id });
      }
    };
    const addGroups = (groups: readonly GroupNodeSpec[], parent: string): void => {
      for (const child of groups) {
        const path = `${parent === '/' ? '' : parent}/${child.name}`;
        g.addGroup(path, groupCpuLimits(child.cpu));
        addTasks(child.tasks, path);
        addGroups(child.groups, path);
      }
    };
    addTasks(vm.guest.tasks, '/');
    addGroups(vm.guest.groups, '/');
    host.addVm(vm.name, cpuSpecOf(vm), g);
    guests.push(guest);
  }

  const budget = watchBudget(host, guests, spec, maxSteps, every, onProgress);
  drive(host, guests, workloads, spec.duration, budget);

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
    steps: budget.steps(),
  };
}

interface Budget {
  /** Called after each event: checks the budget every few events (an O(VMs) sum). */
  tick(): void;
  steps(): number;
}

function watchBudget(
  host: NestedHost,
  guests: readonly Guest[],
  spec: NestedHostSpec,
  maxSteps: number,
  every: number,
  onProgress: RunControl['onProgress'],
): Budget {
  const steps = (): number => guests.reduce((sum, g) => sum + g.guest.steps(), host.scheduler.steps());
  // Summing every guest's steps costs O(VMs): done every `stride` events, so that it stays a small
  // share of an event's own work; the budget is then overrun by at most `stride` events.
  const stride = Math.max(1, Math.ceil(guests.length / 8));
  let events = 0;
  let nextReport = every;
  return {
    steps,
    tick() {
      if (++events % stride !== 0) return;
      const n = steps();
      const now = host.now();
      if (n > maxSteps) {
        throw workBudgetError({ when: 'exhausted', steps: n, maxSteps, reason: exhaustedReason(spec, now), remedies: remediesOf(spec), at: now });
      }
      if (onProgress !== undefined && n >= nextReport) {
        onProgress({ steps: n, maxSteps, fraction: Math.min(1, now / spec.duration) });
        nextReport = (Math.floor(n / every) + 1) * every;
      }
    },
  };
}

function exhaustedReason(spec: NestedHostSpec, now: number): string {
  const vcpus = spec.vms.reduce((sum, vm) => sum + vm.vcpus, 0);
  const vmWord = spec.vms.length === 1 ? 'VM' : 'VMs';
  return `${spec.fidelity} fidelity simulated ${formatDuration(micros(now))} of ${formatDuration(spec.duration)} of ${spec.vms.length} ${vmWord} with ${vcpus} vCPUs on ${spec.cpus} pCPUs`;
}

function remediesOf(spec: NestedHostSpec): BudgetRemedy[] {
  const bursty = spec.vms.some((vm) => hasBursts(vm.guest.tasks, vm.guest.groups));
  const out: BudgetRemedy[] = spec.fidelity === 'exact' ? ['fidelity', 'duration', 'tick'] : ['duration'];
  if (bursty) out.push('bursts');
  out.push('maxSteps');
  return out;
}

function hasBursts(tasks: readonly GroupTaskSpec[], groups: readonly GroupNodeSpec[]): boolean {
  return tasks.some((t) => t.bursts !== undefined) || groups.some((g) => hasBursts(g.tasks, g.groups));
}

/**
 * Drive the guests' tasks (core-scheduler's `driveTaskWorkloads`) against the host: each step runs
 * the host and its guests, checks the budget, and reads the work-done facts of the guests that
 * have bursts (the others' facts are dropped now and then, so that a long run's memory stays flat).
 */
function drive(host: NestedHost, guests: readonly Guest[], workloads: readonly GuestTask[], duration: number, budget: Budget): void {
  const byKey = new Map(workloads.map((w) => [w.id, w]));
  const bursty = guests.filter((g) => g.bursty);
  const done: GroupSchedulerEvent[] = [];
  let advances = 0;
  const task = (key: string): GuestTask => byKey.get(key)!;
  driveTaskWorkloads(
    {
      advanceTo(time) {
        host.advanceTo(time);
        budget.tick();
        if (++advances % 1024 === 0) for (const g of guests) if (!g.bursty) g.guest.takeEvents();
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
