// Types of the batch engine (issue 13): columnar jobs as a CSV gives them, the VMs they run on, the
// passive model that runs them, and its results. Types only; factories live in their own files.
import type { Micros } from '@strata/shared-types';
import type { GuestCpus } from '@strata/core-vmm';

/** How a VM shares its vCPUs between its jobs (CloudSim's CloudletScheduler). */
export type GuestScheduler = 'time-shared' | 'space-shared';

/**
 * Jobs in columns, row i being the i-th data row of the file. `lengthMi` is per PE (CloudSim Plus's
 * meaning); `vm` the 0-based VM index in creation order; `submitUs` the submit time in µs.
 */
export interface BatchJobs {
  readonly count: number;
  readonly id: Float64Array;
  readonly lengthMi: Float64Array;
  readonly pes: Int32Array;
  readonly vm: Int32Array;
  readonly submitUs: Float64Array;
}

/** One VM of a batch model: `vcpus` CPUs each running at `mips` (effective: min(vcpuMips, host cpuMips)) at capacity 1. */
export interface BatchVmSpec {
  readonly vcpus: number;
  readonly mips: number;
}

/** Options of `createBatchModel`. */
export interface BatchModelOptions {
  readonly vms: readonly BatchVmSpec[];
  readonly jobs: BatchJobs;
  readonly scheduler: GuestScheduler;
  /** Start time, µs (default 0); jobs submitted earlier arrive at `start`. */
  readonly start?: number;
  /**
   * Called at each job start and finish (time: exact, fractional µs): in time order per VM; one
   * `advanceTo` reports VM by VM (sort by time if a global order matters).
   */
  readonly onJob?: (kind: 'started' | 'finished', job: number, timeUs: number) => void;
}

/** What a batch run produced, as `--json` prints it (issue 13's shape). */
export interface BatchSummary {
  readonly count: number;
  readonly completed: number;
  /** Largest finish time, s (0 when nothing finished). */
  readonly makespan_s: number;
  /** Mean finish time (absolute, not turnaround) over completed jobs, s (0 when none). */
  readonly meanFinish_s: number;
}

/**
 * A passive batch model (ARCHITECTURE.md "Driving models"): each VM runs its jobs by processor
 * sharing (time-shared) or first-come first-served with the scan rule (space-shared). Every running
 * thread of a VM advances at `mips × S(min(P, c)) / P` MI per second, P the running threads, c the
 * vCPUs, S(m) the summed capacity of the first m vCPUs (all 1 unless a host says otherwise). Times
 * are exact internally (fractional µs); `nextEventTime` rounds up to the clock's µs.
 */
export interface BatchModel {
  readonly jobCount: number;
  readonly vmCount: number;
  readonly scheduler: GuestScheduler;
  /** The model's clock, µs: the last `advanceTo` (or `start`). */
  now(): Micros;
  /** The earliest next arrival or completion of a VM the model drives itself (not hosted), rounded up to µs; Infinity when none. */
  nextEventTime(): number;
  /** Run every VM not hosted to `time` (≥ now); returns the number of job arrivals and completions processed. ValidationError when `time` is before now. */
  advanceTo(time: number): number;
  /**
   * Set every vCPU of VM `vm` to `capacity` (0..1 of its full speed) from now on: the hook for a
   * composer that computes an oversubscribed host's shares itself. ValidationError for a bad VM or
   * capacity, or a hosted VM (its host sets capacities through `guestCpus`).
   */
  setVmCapacity(vm: number, capacity: number): void;
  /**
   * VM `vm` as core-vmm's `GuestCpus`, for `NestedHost.addVm`: from then on the host drives it
   * (`advanceTo`, per-vCPU capacities) and the model's own `nextEventTime`/`advanceTo` skip it. A vCPU
   * is runnable while a running thread occupies it (threads occupy vCPUs 0, 1, … in turn). Call at
   * most once per VM (ConflictError), before the model has advanced past the host's clock.
   * `demand` (0 < d ≤ 1, default 1): the most of a host CPU one vCPU can use, vcpuMips / cpuMips when
   * the vCPU is rated below the host's CPU; a host capacity k then runs the vCPU at min(1, k / d) of
   * its own speed.
   */
  guestCpus(vm: number, options?: { readonly demand?: number }): GuestCpus;
  /**
   * VM `vm` went down at `time` (its host crashed; ≥ the VM's clock): it runs to `time`, then every
   * job running or waiting on it is lost — it never finishes (not counted in `completed`, `finishUs`
   * NaN, `failedUs` = `time`) — and its vCPUs get no capacity until its (new) host gives them some.
   * Jobs that arrive later queue on the VM as usual and run once it has capacity again. A hosted VM's
   * guest may then be connected to a new host (`connect` again). Returns the lost jobs (row indices,
   * ascending). ValidationError for a bad VM or time.
   */
  failVm(vm: number, time: number): number[];
  /** When job `i` was lost with its VM (`failVm`), exact µs, or NaN. */
  failedUs(i: number): number;
  /** Jobs finished so far. */
  completed(): number;
  /** Events (job arrivals and completions) processed so far, hosted VMs included. */
  events(): number;
  /** Start time of job `i` (row order), exact µs, or NaN while it waits or before it arrives. */
  startUs(i: number): number;
  /** Finish time of job `i`, exact µs, or NaN while unfinished. */
  finishUs(i: number): number;
  /** Count, completed, makespan and mean finish, times rounded to the µs. */
  summary(): BatchSummary;
}

/** One row of `jobs.csv` (`id,vm,host,start_s,finish_s`). */
export interface BatchJobRow {
  readonly id: number;
  readonly vm: number;
  readonly host: string;
  /** Seconds at µs resolution; NaN when the job never started or finished. */
  readonly start_s: number;
  readonly finish_s: number;
}
