// The datacenter's records: hosts, VMs, containers and the shared parts they live on. Types only, so
// the modules that build, command, drive and show them all import this file and not each other.
import type { Simulation } from '@strata/core-sim';
import type { NetworkModel } from '@strata/core-network';
import type { GuestCpus, Hypervisor } from '@strata/core-vmm';
import type { ContainerTemplate, PowerSpec, Scenario, VmBody } from '@strata/shared-types';
import type { BatchJobs, BatchModel } from '../batch/index.js';
import type { EnergyMeter } from '../energy/index.js';
import type { ContainerStack } from './container-stack.js';
import type { EventSink } from './cluster-events.js';
import type { HostLane } from './host-lane.js';
import type { KernelGuest } from './kernel-guest.js';
import type { LayerProfiler } from './layer-profiler.js';
import type { ModelSlot } from './model-slot.js';
import type { PlacementExplanation, VmPlacer } from './vm-placement.js';
import type { RequestTotals } from './served-requests.js';

/** A host's CPU policy, or `none` for bare metal. */
export type HostKind = 'credit' | 'cfs' | 'rr' | 'priority' | 'none';

/** One physical host. */
export interface HostRec {
  readonly name: string;
  readonly template: string;
  readonly index: number;
  readonly cpus: number;
  readonly cpuMips: number;
  /** cpuMips / the scenario's largest cpuMips (so ≤ 1, as core-vmm and core-container want). */
  readonly speed: number;
  readonly memory: number;
  readonly overcommit: number;
  readonly hypervisor: HostKind;
  /** NIC bandwidth, bytes/s. */
  readonly nic: number;
  readonly power: PowerSpec;
  readonly labels: Readonly<Record<string, string>>;
  state: 'up' | 'failed';
  /** Built when first needed (a container in one of its VMs, a command on one of them): until then its VMs are idle and cost nothing. */
  hv: Hypervisor | null;
  /** Bare metal: the kernel and engine on the host's CPUs (built with its first container). */
  stack: ContainerStack | null;
  slot: ModelSlot | null;
  /** Its VMs' names, in the order they came (change it only with `joinHost` / `leaveHost`). */
  readonly vms: string[];
  /**
   * CPU-µs per µs each of its VMs' guests is given now, one slot per VM (`VmRec.meterSlot`; free slots
   * hold 0): the guests write their slot when the host changes their capacities, so the host's
   * utilization at each of its events sums one array instead of visiting every guest.
   */
  readonly delivered: number[];
  readonly freeSlots: number[];
  /** Containers on it (bare metal). */
  readonly containers: string[];
  failures: number;
}

/** One VM. */
export interface VmRec {
  readonly name: string;
  readonly template: string;
  /** Its template body (shared by a template's instances); `vm.update` replaces it with the new cpu settings. */
  body: VmBody;
  host: string | null;
  /** The VM's state while its host has no hypervisor built (`running` or `shut off`). */
  lightState: 'running' | 'shut off';
  /** Declared in the scenario: running at time 0, no boot delay (its first definition boots in 0 µs). */
  readonly declared: boolean;
  guest: KernelGuest;
  /** Its slot in its host's `delivered` (−1: on no host). */
  meterSlot: number;
  readonly containers: string[];
  migrations: number;
  haRestarts: number;
  placement: PlacementExplanation;
  /** CPU time and steal from hosts it left (migrations, HA restarts). */
  pastCpuUsec: number;
  pastStealUsec: number;
  /** A live migration in progress. */
  migrating: boolean;
  /** Without HA, the host it crashed with (it stays crashed, on no host, until `vm.start` places it again). */
  crashedOn: string | null;
  /**
   * Its definition on its host boots in 0 µs (a declared VM running as the run began): a later
   * `vm.start` on that host redefines it with the lifecycle's real timings first.
   */
  instantBoot: boolean;
  /** HA restart held back: its template pins it (`host`) to hosts that are all down; it restarts when one is repaired. */
  haWaiting: boolean;
  /** Its batch jobs (a VM of a batch workload): the model, its index there and its guest, connected again to each new guest after a crash. */
  batch: { readonly model: BatchModel; readonly jobs: BatchJobs; readonly index: number; readonly guest: GuestCpus } | null;
}

/** One container. */
export interface ContainerRec {
  readonly name: string;
  readonly template: string;
  /** The VM or bare-metal host it lives on. */
  readonly on: string;
  readonly onKind: 'vm' | 'host';
  readonly spec: Omit<ContainerTemplate, 'count'>;
  /** Docker's id in its engine. */
  id: string;
}

/** Everything the modules share. */
export interface DcState {
  readonly scenario: Scenario;
  readonly sim: Simulation;
  readonly sink: EventSink;
  readonly hosts: Map<string, HostRec>;
  readonly hostList: HostRec[];
  readonly vms: Map<string, VmRec>;
  readonly containers: Map<string, ContainerRec>;
  readonly placement: VmPlacer;
  readonly network: NetworkModel;
  /** VM names that are network hosts (have an engine with networks). */
  readonly networkHosts: Set<string>;
  /** The largest cpuMips of the scenario (speed 1). */
  readonly referenceMips: number;
  readonly fidelity: 'exact' | 'fluid';
  readonly energy: EnergyMeter;
  /** The opt-in per-layer profiler (`createDatacenter`'s `profile` option), or null. */
  readonly profile: LayerProfiler | null;
  /**
   * While the scenario's machines are built (all at time 0): hosts commanded and not yet flushed and
   * re-armed. `touchHost` only collects them here, and the build flushes each once at its end, instead
   * of a full host step after each of its containers. null after the build.
   */
  deferredHosts: Set<HostRec> | null;
  /** The lane that runs hosts ahead between queue events (host-lane.ts), or null when hosts share something that moves inside their steps. */
  readonly lane: HostLane | null;
  /**
   * Bumped whenever which VMs a host carries, which containers a VM or bare-metal host carries, or the
   * records behind those names change (host-books.ts, commands.ts): a cache of who is where (the
   * sampler's) is good while it is unchanged.
   */
  layoutEpoch: number;
  /** Read a lane host's series at a sampling instant the lane takes it past (the sampler's `readHost`), or null (no metrics). */
  sampleHost: ((h: HostRec, time: number) => void) | null;
  /** Request figures of container kernels the datacenter dropped (kept for `RunReport.requests`). */
  readonly retiredRequests: RequestTotals;
  /** Counters for the report. */
  counters: { migrations: number; haRestarts: number; hostFailures: number; stacks: number };
}
