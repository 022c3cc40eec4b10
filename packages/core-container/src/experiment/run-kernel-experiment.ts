// A kernel experiment (the `strata kernel run` file) run to its end: build the machine, create the
// cgroups (enabling on every ancestor the controllers their files need, as systemd does), write
// the files in order, start the processes at their times, run for the duration, and report each
// cgroup's counters under the kernel's own file and field names.
import { LimitExceededError, ValidationError, type KernelExperiment, type Micros, type ProcessExit } from '@strata/shared-types';
import { CGROUP_FILES, isCgroupFileName, type CgroupFileName } from '../cgroupfs/registry.js';
import type { CgroupController } from '../cgroupfs/core-files.js';
import { createNetworkModel, type NetworkModel } from '@strata/core-network';
import { createKernel } from '../kernel/create-kernel.js';
import { checkProgram } from '../kernel/kernel-checks.js';
import type { ForkCounts, Kernel, KernelEvent, SpawnSpec } from '../kernel/types.js';
import type { ServeStats } from '../kernel/request-server.js';

/**
 * Files reported per cgroup, when the cgroup has them; read-only counters parsed into numbers or
 * flat objects (`io.stat`'s per-device lines flatten to "MAJ:MIN field" keys: `{"8:16 rbytes": n}`).
 */
export const REPORTED_CGROUP_FILES = ['cpu.stat', 'memory.current', 'memory.peak', 'memory.events', 'memory.stat', 'pids.current', 'pids.peak', 'pids.events', 'io.stat'] as const satisfies readonly CgroupFileName[];

/** One cgroup's counters: file name → parsed value (numbers for single-value files, key → number for keyed files). */
export type CgroupReport = Readonly<Record<string, number | Readonly<Record<string, number>>>>;

/** One process of the result. */
export interface ProcessReport {
  readonly name: string;
  readonly pid: number;
  readonly cgroup: string;
  /** Its ids as the host sees them (root in a private user namespace shows its mapped id). */
  readonly uid: number;
  readonly gid: number;
  readonly cpuUsec: number;
  readonly exit: ProcessExit | null;
  readonly forks: ForkCounts;
  readonly output: readonly { readonly stream: 'stdout' | 'stderr'; readonly time: Micros; readonly text: string }[];
  readonly outputDropped: number;
  /** Requests served by its `serve` steps, with latency percentiles (µs), or null. */
  readonly serve: ServeStats | null;
}

/** What a kernel experiment produced. */
export interface KernelExperimentResult {
  readonly duration_us: number;
  /** Every cgroup of the experiment (listed and implied), parents first. */
  readonly cgroups: Readonly<Record<string, CgroupReport>>;
  /** The experiment's processes and every process they forked, by PID order of creation. */
  readonly processes: readonly ProcessReport[];
  readonly events: readonly KernelEvent[];
  /** Events past MAX_REPORTED_EVENTS, not kept; reaped forked processes past the kernel's record cap. */
  readonly eventsDropped: number;
  readonly processesNotKept: number;
}

/** Default work budget of a whole experiment, in steps: program steps plus the CPU scheduler's (tens of seconds at most on a 2-core machine). */
export const DEFAULT_EXPERIMENT_MAX_STEPS = 10_000_000;
/** Events kept in a result (the first ones); later ones are counted in `eventsDropped`. */
export const MAX_REPORTED_EVENTS = 100_000;

/** Options of a run: a work budget and progress reports. */
export interface KernelRunControl {
  /** Most program steps the whole run may take (default DEFAULT_EXPERIMENT_MAX_STEPS); past it the run stops with E_LIMIT_EXCEEDED. */
  readonly maxSteps?: number;
  /** Called with the fraction of the duration done, about 100 times per run. */
  readonly onProgress?: (fraction: number) => void;
}

/** Run `experiment` (already validated by parseKernelExperiment). Throws typed errors (budget: E_LIMIT_EXCEEDED). */
export function runKernelExperiment(experiment: KernelExperiment, control: KernelRunControl = {}): KernelExperimentResult {
  checkSupported(experiment);
  const budget = control.maxSteps ?? DEFAULT_EXPERIMENT_MAX_STEPS;
  const network = buildNetwork(experiment);
  const events: KernelEvent[] = [];
  let eventsDropped = 0;
  const kernel = createKernel({
    onEvent: (e) => {
      if (events.length < MAX_REPORTED_EVENTS) events.push(e);
      else eventsDropped++;
    },
    cpus: experiment.cpus,
    memory: experiment.memory,
    swap: experiment.swap,
    fidelity: experiment.fidelity,
    tick: experiment.tick,
    programs: experiment.programs,
    ...(network === undefined ? {} : { network }),
    devices: experiment.devices,
    seed: experiment.seed,
    maxSteps: budget,
  });
  const paths = buildCgroups(kernel, experiment);
  const starts = experiment.processes.map((p, i) => ({ p, i })).sort((a, b) => a.p.start - b.p.start || a.i - b.i);
  const end = experiment.duration;
  const slice = Math.max(1, Math.ceil(end / 100));
  let next = 0;
  const pidOf = new Map<string, number>();
  for (let t = 0; ; ) {
    while (next < starts.length && starts[next]!.p.start <= t) {
      const { p } = starts[next++]!;
      const onNetwork = p.networks.length > 0 && network !== undefined;
      if (onNetwork) attach(network, p.name, p.networks);
      const namespaces = spawnNamespaces(p, pidOf);
      const pid = kernel.spawn({
        name: p.name,
        cgroup: p.cgroup,
        program: p.program.kind === 'inline' ? p.program.steps : p.program.name,
        nice: p.nice,
        oomScoreAdj: p.oom_score_adj,
        user: p.user,
        ...(p.id_maps !== undefined ? { idMaps: p.id_maps } : {}),
        namespaces: onNetwork ? { ...namespaces, net: 'private' } : namespaces,
        ...(onNetwork ? { network: p.name } : {}),
      });
      pidOf.set(p.name, pid);
    }
    if (t >= end) break;
    const to = Math.min(end, next < starts.length ? Math.min(starts[next]!.p.start, t + slice) : t + slice);
    kernel.advanceTo(to);
    t = to;
    if (kernel.steps() > budget) {
      throw new LimitExceededError(`the experiment took more than ${budget} steps (program steps and CPU scheduling work) by ${t} µs of its ${end} µs and was stopped; a program forks or loops faster than it takes time, or the run is long for its fidelity; raise the budget`, { limit: 'maxSteps', value: budget, when: t, steps: kernel.steps() });
    }
    control.onProgress?.(t / end);
  }
  return {
    duration_us: end,
    cgroups: reportCgroups(kernel, paths),
    processes: kernel.processes().map((p) => ({ name: p.name, pid: p.pid, cgroup: p.cgroup, uid: p.uid, gid: p.gid, cpuUsec: p.cpuUsec, exit: p.exit, forks: p.forks, output: p.output, outputDropped: p.outputDropped, serve: p.serve })),
    events,
    eventsDropped,
    processesNotKept: kernel.processesNotKept(),
  };
}

/** The experiment's host name and address in the network model (one host: the kernel's machine). */
const HOST = { name: 'host', address: '10.0.0.1' } as const;

/**
 * The network model of an experiment with networks: one host, the user-defined bridge networks on
 * it (subnets from Docker's default pools, in the order listed), and veth links as `veth` says.
 */
function buildNetwork(experiment: KernelExperiment): NetworkModel | undefined {
  const names = Object.keys(experiment.networks);
  if (names.length === 0) return undefined;
  const net = createNetworkModel(experiment.veth === undefined ? {} : { veth: { capacity: experiment.veth.bandwidth, latency: experiment.veth.latency } });
  net.addHost({ ...HOST, uplink: { capacity: 1_250_000_000, latency: 0 } });
  for (const name of names) {
    const spec = experiment.networks[name]!;
    net.createNetwork({ name, host: HOST.name, internal: spec.internal, icc: spec.icc });
  }
  return net;
}

/** A process on networks is a container there: its own network namespace, named after it, attached to each. */
function attach(net: NetworkModel, name: string, networks: readonly string[]): void {
  net.createNamespace({ name, host: HOST.name });
  for (const network of networks) net.attach({ namespace: name, network });
}

/** mkdir every listed cgroup (ancestors first), enable controllers top-down, then write files in order. */
function buildCgroups(kernel: Kernel, experiment: KernelExperiment): string[] {
  const listed = Object.keys(experiment.cgroups).map(normalize);
  const all = new Set<string>();
  for (const path of listed) {
    const segments = path.split('/').filter((s) => s !== '');
    for (let d = 1; d <= segments.length; d++) all.add(`/${segments.slice(0, d).join('/')}`);
  }
  const ordered = [...all].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const path of ordered) kernel.mkdir(path);
  // Controllers each cgroup needs for its own files; every ancestor enables them for its children.
  const wanted = new Map<string, Set<CgroupController>>();
  for (const [rawPath, files] of Object.entries(experiment.cgroups)) {
    const path = normalize(rawPath);
    for (const file of Object.keys(files)) {
      if (!isCgroupFileName(file)) continue;
      const controller = CGROUP_FILES[file].controller;
      if (controller === 'cgroup') continue;
      for (let parent = parentOf(path); parent !== null; parent = parentOf(parent)) {
        const set = wanted.get(parent) ?? new Set<CgroupController>();
        set.add(controller);
        wanted.set(parent, set);
      }
    }
  }
  for (const path of ['/', ...ordered]) {
    const set = wanted.get(path);
    if (set !== undefined && set.size > 0) kernel.write(path, 'cgroup.subtree_control', [...set].map((c) => `+${c}`).join(' '));
  }
  for (const [rawPath, files] of Object.entries(experiment.cgroups)) {
    for (const [file, value] of Object.entries(files)) {
      if (value === undefined) continue;
      try {
        kernel.write(normalize(rawPath), file, value);
      } catch (error) {
        // Name the entry of the file, as a bad field is named: cgroups["/A"]["cpu.max"]: ...
        if (error instanceof ValidationError) {
          const entry = `cgroups[${JSON.stringify(rawPath)}][${JSON.stringify(file)}]`;
          const message = error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message;
          throw new ValidationError(`${entry}: ${message}`, { ...error.details, path: entry });
        }
        throw error;
      }
    }
  }
  return ordered;
}

function reportCgroups(kernel: Kernel, paths: readonly string[]): Record<string, CgroupReport> {
  const out: Record<string, CgroupReport> = {};
  for (const path of paths) {
    const report: Record<string, number | Record<string, number>> = {};
    for (const file of REPORTED_CGROUP_FILES) {
      let text: string;
      try {
        text = kernel.read(path, file);
      } catch {
        continue; // the cgroup has no such file (its controller is not enabled)
      }
      const spec = CGROUP_FILES[file];
      const value = spec.writable ? undefined : (spec.parseRead as (t: string) => unknown)(text);
      report[file] = typeof value === 'number' ? value : flatten(value as Record<string, number | Record<string, number>>);
    }
    out[path] = report;
  }
  return out;
}

/** What this kernel model cannot run yet is refused up front, naming the field. */
function checkSupported(experiment: KernelExperiment): void {
  experiment.processes.forEach((p, i) => {
    if (p.program.kind === 'inline') checkProgram(p.program.steps, `processes[${i}].program`);
  });
  for (const [name, program] of Object.entries(experiment.programs)) checkProgram(program, `programs.${name}`);
  const startOf = new Map(experiment.processes.map((p, i) => [p.name, { start: p.start, index: i }]));
  experiment.processes.forEach((p, i) => {
    for (const [type, mode] of Object.entries(p.namespaces)) {
      if (mode.mode !== 'shared') continue;
      const path = `processes[${i}].namespaces.${type}`;
      const target = startOf.get(mode.process)!;
      if (target.start > p.start || (target.start === p.start && target.index > i)) {
        throw new ValidationError(`${path}: "${mode.process}" must start before "${p.name}" to share its namespace (it starts at ${target.start} µs)`, { path, value: mode.process, accepted: 'a process that starts earlier (or at the same time, listed before)' });
      }
    }
    if (p.id_maps !== undefined && p.namespaces.user.mode !== 'private') {
      throw new ValidationError(`processes[${i}].id_maps: id maps belong to a new user namespace; set namespaces.user "private"`, { path: `processes[${i}].id_maps`, value: p.id_maps, accepted: 'id_maps together with namespaces.user "private"' });
    }
    if ((p.user.uid !== 0 || p.user.gid !== 0) && p.namespaces.user.mode === 'private' && p.id_maps === undefined) {
      throw new ValidationError(`processes[${i}].user: a private user namespace without id_maps maps only root (0:0, nobody outside); give id_maps that map ${p.user.uid}:${p.user.gid}`, { path: `processes[${i}].user`, value: p.user, accepted: '0:0, or id_maps mapping the ids' });
    }
  });
}

/** A process's namespaces as spawn takes them: shares name the PID of a process started earlier. */
function spawnNamespaces(spec: KernelExperiment['processes'][number], pids: ReadonlyMap<string, number>): SpawnSpec['namespaces'] {
  const out: Record<string, 'host' | 'private' | { shareWith: number }> = {};
  for (const [type, mode] of Object.entries(spec.namespaces)) {
    out[type] = mode.mode === 'shared' ? { shareWith: pids.get(mode.process)! } : mode.mode;
  }
  return out;
}

/** A keyed file's value as flat "key" → number; a nested-keyed one's (io.stat) as "key field" → number. */
function flatten(value: Readonly<Record<string, number | Readonly<Record<string, number>>>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'number') out[key] = v;
    else for (const [field, n] of Object.entries(v)) out[`${key} ${field}`] = n;
  }
  return out;
}

function normalize(path: string): string {
  const s = path.split('/').filter((x) => x !== '');
  return s.length === 0 ? '/' : `/${s.join('/')}`;
}

function depth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

function parentOf(path: string): string | null {
  if (path === '/') return null;
  const i = path.lastIndexOf('/');
  return i === 0 ? '/' : path.slice(0, i);
}
