// The datacenter's public contract: options, the command / query / event API every front end uses,
// and the views and reports it returns. Types only; the factory lives in datacenter/.
import type { Summary as SchedulerSummary } from '@strata/core-scheduler';
import type { ClusterCommand, Micros, Scenario } from '@strata/shared-types';

/** A fact from any layer, in time order (`type` names it: `vm.state_changed`, `host.failed`, ...). */
export interface ClusterEvent {
  readonly type: string;
  /** Simulated time, µs. */
  readonly time: Micros;
  /** What it concerns: a host, VM, container, network or job name, as `host:h-0`, `vm:vm-3`, `container:web-vm-3-0`. */
  readonly subject: string;
  readonly [field: string]: unknown;
}

/** Options of `createDatacenter`. */
export interface DatacenterOptions {
  /** Data files the scenario names (batch CSVs), by the path written in the scenario: `loadScenario` returns them. */
  readonly files?: ReadonlyMap<string, string>;
  /**
   * Every event, in time order; without it they are buffered for `takeEvents`. With `lookahead` (the
   * default) hosts run ahead between queue events and their events come out when the span ends, so a
   * listener observes: it may query, but a command, `step` or `run` from it is an E_CONFLICT.
   */
  readonly onEvent?: (event: ClusterEvent) => void;
  /**
   * Let hosts run ahead, each on its own, up to the next event of the datacenter's queue (a sample,
   * an action, a fault, a transfer step, the end of a step): the same steps at the same instants,
   * faster on large datacenters. On by default where hosts share nothing that moves inside their
   * steps (no user-defined networks, no batch workloads); `false` interleaves every host event
   * through the queue, for a listener that acts on events as they happen.
   */
  readonly lookahead?: boolean;
  /** Most work (model steps) one `step`/`run` may take before it throws E_LIMIT_EXCEEDED (default 2,000,000,000). */
  readonly maxSteps?: number;
  /**
   * Called at every 1 % of simulated progress by `run` (for a progress bar; `done` is that hundredth
   * of the run). The run goes on in one piece: with hosts running ahead, a hundredth is told as the
   * hosts that have run in a pass suggest, while others are behind, so the callback only reports — a
   * command from it is E_CONFLICT, as from an event listener.
   */
  readonly onProgress?: (done: Micros, total: Micros) => void;
}

/** A host as queries show it. */
export interface HostView {
  readonly name: string;
  readonly template: string;
  readonly state: 'up' | 'failed';
  readonly cpus: number;
  readonly cpuMips: number;
  readonly memory: number;
  readonly hypervisor: 'credit' | 'cfs' | 'rr' | 'priority' | 'none';
  /** VMs on it now, in placement order. */
  readonly vms: readonly string[];
  /** Fraction of its CPUs busy now (0..1). */
  readonly cpuUtilization: number;
  /** vCPUs and guest memory allocated to its VMs. */
  readonly allocated: { readonly vcpus: number; readonly memory: number };
  /** Power draw now, watts. */
  readonly powerWatts: number;
}

/** A VM as queries show it. */
export interface VmView {
  readonly name: string;
  readonly template: string;
  /** libvirt's state word as `virsh domstate` prints it (`running`, `paused`, `shut off`, `in shutdown`, `crashed`), the same whether or not its host's hypervisor is built yet. */
  readonly state: string;
  readonly host: string | null;
  readonly vcpus: number;
  readonly memory: number;
  /** Host CPU time and steal accumulated over the VM's life, µs. */
  readonly cpuUsec: number;
  readonly stealUsec: number;
  readonly containers: readonly string[];
  readonly migrations: number;
  /** Times HA restarted it on another host after its host failed. */
  readonly haRestarts: number;
}

/** A container as queries show it. */
export interface ContainerView {
  readonly name: string;
  readonly template: string;
  /** Where it runs: a VM name or a bare-metal host name. */
  readonly on: string;
  /** Docker's state word (`running`, `exited`, `restarting`, ...). */
  readonly state: string;
  readonly cpuUsec: number;
  readonly memoryBytes: number;
  readonly restarts: number;
  readonly oomKilled: boolean;
}

/** A time series: sample times and values (same length). */
export interface Series {
  readonly name: string;
  readonly unit: string;
  readonly times: readonly Micros[];
  readonly values: readonly number[];
}

/** Summary statistics of a series or sample set (core-scheduler's, shared with its streaming accumulator). */
export type Summary = SchedulerSummary;

/** What a run produced: the numbers the CLI prints and `--json` emits. */
export interface RunReport {
  readonly name: string;
  readonly seed: number | string;
  readonly fidelity: 'exact' | 'fluid';
  readonly simulatedUs: Micros;
  /** Events the queue executed. */
  readonly events: number;
  readonly hosts: { readonly count: number; readonly failures: number; readonly cpuUtilization: Summary };
  readonly vms: { readonly count: number; readonly running: number; readonly migrations: number; readonly haRestarts: number; readonly stealPercent: Summary };
  readonly containers: { readonly count: number; readonly running: number; readonly restarts: number; readonly oomKills: number };
  /** Present when the scenario has batch workloads (issue 13's JSON shape). */
  readonly jobs?: { readonly count: number; readonly completed: number; readonly makespan_s: number; readonly meanFinish_s: number };
  /** Present when containers serve requests. */
  readonly requests?: { readonly served: number; readonly latencyMs: Summary };
  /**
   * Present when metrics are sampled and some host NIC link exists: every `nic:<host>/tx` and `/rx`
   * sample (a fraction of the NIC's bandwidth over the interval) summarized together.
   */
  readonly network?: { readonly nicUtilization: Summary };
  readonly energy: { readonly totalKWh: number; readonly perHostKWh: Readonly<Record<string, number>> };
}

/** The datacenter: one deterministic model of everything in a scenario, driven step by step. */
export interface Datacenter {
  readonly scenario: Scenario;
  now(): Micros;
  /** Run `dt` µs of simulated time (the reinforcement-learning loop: step, observe, act); returns the events of the span when no `onEvent` is set. */
  step(dt: number): ClusterEvent[];
  /** Run to the scenario's duration (or `until`), then report. */
  run(opts?: { readonly until?: number }): RunReport;
  /** Apply a command now, fully, or throw a typed error and change nothing. */
  execute(command: ClusterCommand): void;
  hosts(): HostView[];
  host(name: string): HostView;
  vms(): VmView[];
  vm(name: string): VmView;
  containers(): ContainerView[];
  container(name: string): ContainerView;
  /** Sampled series (empty without `metrics.interval`). */
  metrics(): Series[];
  /** The report as of now. */
  summary(): RunReport;
  /** Buffered events since the last call (when no `onEvent` is set). */
  takeEvents(): ClusterEvent[];
}
