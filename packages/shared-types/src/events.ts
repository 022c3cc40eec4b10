// The base of every domain event. Later packages add their event types here, to the union.
import type { Bytes, Micros } from './units.js';

/**
 * The one empty event list a passive model returns when a step produced no fact (most steps at light
 * load: a fresh [] each would be garbage). Frozen, so a caller that tried to add to it fails loudly.
 */
export const NO_EVENTS: readonly never[] = Object.freeze([]);

/** A fact that happened at a simulated time. `type` is past tense and dotted (`vm.started`). */
export interface DomainEventBase<T extends string = string> {
  readonly type: T;
  readonly time: Micros;
}

/** A domain event of type `T` carrying the readonly payload fields `P`, e.g. `DomainEventOf<'vm.started', { vm: VmId }>`. */
export type DomainEventOf<T extends string, P extends object = Record<never, never>> = DomainEventBase<T> & Readonly<P>;

/** A flow began sending `bytes` over `path` (link ids, in order). */
export type FlowStartedEvent = DomainEventOf<'flow.started', { flow: string; bytes: Bytes; path: readonly string[] }>;

/** A flow delivered all its `bytes`: `durationUs` after it started, at `meanBytesPerSecond` = bytes / duration (a derived float). */
export type FlowCompletedEvent = DomainEventOf<'flow.completed', { flow: string; bytes: Bytes; durationUs: Micros; meanBytesPerSecond: number }>;

/** A flow ended before delivering all its bytes (`reason` says why); `bytesDelivered` of them got through (rounded down). */
export type FlowDroppedEvent = DomainEventOf<'flow.dropped', { flow: string; reason: 'cancelled'; bytes: Bytes; bytesDelivered: Bytes }>;

/** A container network was created: `driver` bridge (one host) or overlay (many), its `subnet` and `gateway`. */
export type NetworkCreatedEvent = DomainEventOf<'network.created', { network: string; id: string; driver: 'bridge' | 'overlay'; subnet: string; gateway: string; internal: boolean }>;

/** A container network was removed; its subnet went back to the pool. */
export type NetworkRemovedEvent = DomainEventOf<'network.removed', { network: string; id: string; subnet: string }>;

/** A namespace (container) joined a network through `interface`, with `address` and `mac`. */
export type EndpointAttachedEvent = DomainEventOf<'endpoint.attached', { network: string; namespace: string; interface: string; address: string; mac: string }>;

/** A namespace (container) left a network; `address` went back to the network's IPAM. */
export type EndpointDetachedEvent = DomainEventOf<'endpoint.detached', { network: string; namespace: string; interface: string; address: string }>;

/** A container port was published on a host: one binding per host address (`hostIp:hostPort/protocol → containerIp:containerPort`). */
export type PortPublishedEvent = DomainEventOf<
  'port.published',
  { namespace: string; host: string; publication: string; bindings: readonly { hostIp: string; hostPort: number; protocol: string; containerIp: string; containerPort: number }[] }
>;

/** How a process ended: an exit code (0..255) or a terminating signal (`SIGKILL`, ...). */
export type ProcessExit = { readonly code: number } | { readonly signal: string };

/** A process ended (it is a zombie until reaped): `pid` as the host sees it, `name`, its cgroup and how it ended. */
export type ProcessExitedEvent = DomainEventOf<'process.exited', { pid: number; name: string; cgroup: string; exit: ProcessExit }>;

/** A cgroup used up its `cpu.max` quota and was throttled for the rest of the period. */
export type CgroupThrottledEvent = DomainEventOf<'cgroup.throttled', { cgroup: string }>;

/** A charge took a cgroup's memory over `memory.high`: the allocating process `pid` is throttled for `delayUs`. */
export type MemoryHighExceededEvent = DomainEventOf<'memory.high_exceeded', { cgroup: string; pid: number; delayUs: Micros }>;

/** The OOM killer (of cgroup `cgroup`, or `/` for a global OOM) killed `pid` with SIGKILL, chosen by `points`. */
export type MemoryOomKillEvent = DomainEventOf<'memory.oom_kill', { cgroup: string; pid: number; name: string; points: number; group: boolean }>;

/** A fork of `pid` failed with EAGAIN because `cgroup`'s `pids.max` was reached. */
export type PidsForkFailedEvent = DomainEventOf<'pids.fork_failed', { cgroup: string; pid: number }>;

/** A VM's model phase (core-vmm): libvirt's states plus the transitional phases the model times. */
export type VmPhaseName = 'shutoff' | 'starting' | 'running' | 'paused' | 'shutting-down' | 'crashed' | 'saving' | 'restoring' | 'snapshotting' | 'migrating';

/** Why a VM crashed: the host failed, the guest kernel panicked, or the host's OOM killer killed the VMM process. */
export type VmCrashReason = 'host-failure' | 'guest-panic' | 'host-oom';

/** A VM's configuration was defined (persistent) or a transient VM was created; `persistent` says which. */
export type VmDefinedEvent = DomainEventOf<'vm.defined', { vm: string; persistent: boolean; flavor: 'libvirt' | 'firecracker' }>;

/** A VM's persistent configuration was removed; `active` VMs keep running as transient domains. */
export type VmUndefinedEvent = DomainEventOf<'vm.undefined', { vm: string; active: boolean }>;

/** A VM changed phase; `reason` is the libvirt reason of the new state (`booted`, `destroyed`, `user`, ...). */
export type VmStateChangedEvent = DomainEventOf<'vm.state_changed', { vm: string; from: VmPhaseName; to: VmPhaseName; reason: string }>;

/** A VM's guest finished booting (`bootUs` after the start). */
export type VmBootedEvent = DomainEventOf<'vm.booted', { vm: string; bootUs: Micros }>;

/** A VM crashed; `action` is its `<on_crash>` policy as applied (Firecracker: always `destroy`). */
export type VmCrashedEvent = DomainEventOf<'vm.crashed', { vm: string; reason: VmCrashReason; action: 'destroy' | 'restart' | 'preserve' }>;

/** A shutdown's timeout expired with the guest still up: it was destroyed, or left running (libvirt-guests). */
export type VmShutdownTimedOutEvent = DomainEventOf<'vm.shutdown_timed_out', { vm: string; action: 'destroy' | 'keep-running' }>;

/** A VM's RAM and device state were written out (`managed`: libvirt's managed-save image). */
export type VmSavedEvent = DomainEventOf<'vm.saved', { vm: string; managed: boolean; bytes: Bytes }>;

/** A VM came back from a saved image or a snapshot. */
export type VmRestoredEvent = DomainEventOf<'vm.restored', { vm: string; bytes: Bytes }>;

/** The host's OOM killer killed the VMM process of `vm`, the largest footprint (`footprintBytes`: guest RAM resident + VMM overhead) when the host's use would pass `hostRamBytes`. */
export type VmOomKilledEvent = DomainEventOf<'vm.oom_killed', { vm: string; footprintBytes: Bytes; hostUsedBytes: Bytes; hostRamBytes: Bytes }>;

/** A VM's balloon reached its target (`actualPages` = `targetPages`, 4 KiB pages). */
export type BalloonTargetReachedEvent = DomainEventOf<'balloon.target_reached', { vm: string; targetPages: number; actualPages: number }>;

/** A guest short of memory gave balloon pages back before OOM-killing (virtio-balloon DEFLATE_ON_OOM). */
export type BalloonDeflatedOnOomEvent = DomainEventOf<'balloon.deflated_on_oom', { vm: string; pages: number; actualPages: number }>;

/** A virtio device served a request: `device` is the drive or interface id, `queue` `blk`, `tx` or `rx`; `admittedAt` is when its rate limiter let it through. */
export type DeviceIoCompletedEvent = DomainEventOf<'device.io_completed', { vm: string; device: string; queue: 'blk' | 'tx' | 'rx'; request: string; bytes: Bytes; admittedAt: Micros }>;

/** A live migration of `vm` began (`mode`: how it is configured to end; post-copy switches after some pre-copy rounds). */
export type MigrationStartedEvent = DomainEventOf<'migration.started', { migration: string; vm: string; memoryBytes: Bytes; mode: 'pre-copy' | 'post-copy' }>;

/** A pre-copy round ended: `bytes` sent in `durationUs` at `bandwidthBytesPerSecond`; the guest dirtied `dirtyBytes` meanwhile, with its vCPUs throttled to `throttlePercent`. */
export type MigrationRoundEvent = DomainEventOf<
  'migration.round',
  { migration: string; vm: string; round: number; bytes: Bytes; durationUs: Micros; bandwidthBytesPerSecond: number; dirtyBytes: Bytes; throttlePercent: number }
>;

/** A live migration finished: the VM runs on the destination. `converged`: the last dirty set fitted the downtime limit (false after a forced stop-and-copy or a post-copy switch). */
export type MigrationCompletedEvent = DomainEventOf<
  'migration.completed',
  { migration: string; vm: string; mode: 'pre-copy' | 'post-copy'; converged: boolean; rounds: number; totalUs: Micros; downtimeUs: Micros; bytesSent: Bytes; remoteFaults: number }
>;

/** A live migration was given up; the VM stays on the source (`max-rounds`: the abort policy; `cancelled`: domjobabort). */
export type MigrationFailedEvent = DomainEventOf<'migration.failed', { migration: string; vm: string; reason: 'max-rounds' | 'cancelled'; rounds: number; bytesSent: Bytes }>;

/** Every domain event Strata emits. Extended by each package's issue as it lands. */
export type DomainEvent =
  | DomainEventBase
  | FlowStartedEvent
  | FlowCompletedEvent
  | FlowDroppedEvent
  | NetworkCreatedEvent
  | NetworkRemovedEvent
  | EndpointAttachedEvent
  | EndpointDetachedEvent
  | PortPublishedEvent
  | ProcessExitedEvent
  | CgroupThrottledEvent
  | MemoryHighExceededEvent
  | MemoryOomKillEvent
  | PidsForkFailedEvent
  | VmDefinedEvent
  | VmUndefinedEvent
  | VmStateChangedEvent
  | VmBootedEvent
  | VmCrashedEvent
  | VmShutdownTimedOutEvent
  | VmSavedEvent
  | VmRestoredEvent
  | VmOomKilledEvent
  | BalloonTargetReachedEvent
  | BalloonDeflatedOnOomEvent
  | DeviceIoCompletedEvent
  | MigrationStartedEvent
  | MigrationRoundEvent
  | MigrationCompletedEvent
  | MigrationFailedEvent;
