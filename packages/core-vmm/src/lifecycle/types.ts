// The VM lifecycle's vocabulary: model phases, libvirt's states and reasons, configuration, timings
// and the observable VM record. Types only (the tables and the registry import them).
import type { Bytes, Micros, VmCrashReason, VmPhaseName } from '@strata/shared-types';

/**
 * A VM's model phase: libvirt's stable states plus the phases the model times. How each reads to
 * libvirt is `LIBVIRT_STATE_OF_PHASE` (table.ts); to Firecracker, `firecrackerPhaseOf`.
 */
export type VmPhase = VmPhaseName;

/** Every phase, in table column order. */
export const VM_PHASES = ['shutoff', 'starting', 'running', 'paused', 'shutting-down', 'crashed', 'saving', 'restoring', 'snapshotting', 'migrating'] as const satisfies readonly VmPhase[];

/** Which front end a VM is driven through: libvirt's domain API or Firecracker's HTTP API. */
export type VmFlavor = 'libvirt' | 'firecracker';

/** libvirt's domain states as `virsh domstate` names them (NOSTATE, BLOCKED and PMSUSPENDED are not modelled). */
export type LibvirtDomainState = 'running' | 'paused' | 'shutdown' | 'shutoff' | 'crashed';

/** libvirt's state reasons (the `VIR_DOMAIN_<STATE>_<REASON>` suffixes, lower case). */
export type LibvirtReason =
  | 'unknown'
  | 'booted'
  | 'unpaused'
  | 'restored'
  | 'from_snapshot'
  | 'migrated'
  | 'crashed'
  | 'user'
  | 'save'
  | 'snapshot'
  | 'starting_up'
  | 'migration'
  | 'shutdown'
  | 'destroyed'
  | 'saved'
  | 'panicked';

/** What libvirt reports for a domain: `virDomainGetState`'s state and reason. */
export interface LibvirtStateView {
  readonly state: LibvirtDomainState;
  readonly reason: LibvirtReason;
}

/** Firecracker's `InstanceInfo.state`. */
export type FirecrackerPhase = 'Not started' | 'Running' | 'Paused';

/** libvirt's `<on_crash>` policy for a guest panic. */
export type OnCrash = 'destroy' | 'restart' | 'preserve';

/** What a shutdown does when its timeout expires with the guest still up. */
export type ShutdownTimeoutAction = 'destroy' | 'keep-running';

/** A VM's resources and guest behaviour (the libvirt domain XML's part the lifecycle needs). */
export interface VmConfig {
  readonly vcpus: number;
  readonly memoryBytes: Bytes;
  /** `<on_crash>`: what a guest panic does (libvirt's default: destroy). */
  readonly onCrash: OnCrash;
  /** Whether the guest powers off on an ACPI request (a guest without acpid ignores it). */
  readonly guestHonorsAcpi: boolean;
}

/**
 * Durations of the guest's and the VMM's work, in µs; save, restore and snapshot last
 * ceil(memoryBytes / diskBytesPerSecond) seconds. Defaults: `FIRECRACKER_TIMINGS`, `LIBVIRT_TIMINGS`.
 */
export interface VmTimings {
  /** Start → guest init (`vm.booted`). */
  readonly bootUs: Micros;
  /** ACPI request → guest powered off. */
  readonly shutdownUs: Micros;
  /** Suspend request → vCPUs stopped (0: at once). */
  readonly pauseUs: Micros;
  /** Resume request → vCPUs running (0: at once). */
  readonly resumeUs: Micros;
  /** Bandwidth of the disk that save / managed-save / restore / snapshot images go to. */
  readonly diskBytesPerSecond: number;
}

/** A timed piece of work: the guest booting or shutting down, or a job of the VMM. */
export type ActivityKind = 'boot' | 'shutdown' | 'save' | 'managedsave' | 'restore' | 'snapshot' | 'migration';

/** An armed activity; `at` is Infinity when another part ends it (an open-ended migration or snapshot). */
export interface Activity {
  readonly kind: ActivityKind;
  readonly at: number;
  readonly startedAt: Micros;
  /** restore: end paused (`restore --paused`, a paused snapshot, a Firecracker load without `resume_vm`). */
  readonly thenPaused?: boolean;
  /** restore: the reason it ends with (default `restored`). */
  readonly endReason?: LibvirtReason;
  /** save / managedsave: the image being written. */
  readonly image?: SavedImage;
}

/** Where a job phase (snapshotting, migrating) returns when it ends. */
export interface ReturnPoint {
  readonly phase: 'starting' | 'running' | 'paused' | 'shutting-down' | 'crashed';
  readonly reason: LibvirtReason;
  /** A boot or guest shutdown that was in progress (or frozen by a pause), with the µs it still needs. */
  readonly frozen: FrozenActivity | null;
}

/** A boot or guest shutdown interrupted by a pause: it continues for `remainingUs` on resume. */
export interface FrozenActivity {
  readonly kind: 'boot' | 'shutdown';
  readonly remainingUs: number;
}

/** A saved image (`virsh save` file or managed-save image): the VM's config and RAM. */
export interface SavedImage {
  readonly vm: string;
  readonly persistent: boolean;
  readonly config: VmConfig;
  readonly bytes: Bytes;
  readonly frozen: FrozenActivity | null;
}

/** Firecracker's resources that the lifecycle tracks (the API face's configuration). */
export interface FirecrackerConfig {
  readonly vcpus: number;
  readonly memMib: number;
  readonly smt: boolean;
  readonly hugePages: 'None' | '2M';
  /** Boot-specific resources configured so far (any of them forbids a snapshot load). */
  readonly bootResources: readonly string[];
  readonly bootSourceSet: boolean;
  readonly balloonMib: number | null;
  readonly snapshotLoaded: boolean;
}

/** The observable state of one VM; records are immutable, each command makes a new one. */
export interface VmRecord {
  readonly name: string;
  readonly flavor: VmFlavor;
  readonly persistent: boolean;
  readonly phase: VmPhase;
  readonly reason: LibvirtReason;
  /** The persistent configuration (next boot). */
  readonly config: VmConfig;
  /** The configuration the running instance has; null while inactive. */
  readonly live: VmConfig | null;
  readonly timings: VmTimings;
  readonly activity: Activity | null;
  readonly frozen: FrozenActivity | null;
  /** A shutdown's timeout. */
  readonly deadline: { readonly at: number; readonly action: ShutdownTimeoutAction } | null;
  /** A suspend or resume taking `pauseUs` / `resumeUs`: it lands at `at`. */
  readonly pending: { readonly at: number; readonly op: 'suspend' | 'resume' } | null;
  readonly returnTo: ReturnPoint | null;
  readonly managedSave: SavedImage | null;
  readonly snapshots: number;
  readonly fc: FirecrackerConfig | null;
}

export type { VmCrashReason };
