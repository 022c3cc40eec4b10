// The public contract of the virtio device model: Firecracker's drive and network-interface API
// objects, the requests a guest submits, and the passive model that serves them in time order.
import type { VnicLimiterSpec } from '@strata/core-network';
import type { Bytes, DeviceIoCompletedEvent, Micros } from '@strata/shared-types';
import type { FirecrackerRateLimiterConfig, FirecrackerRateLimiterState } from './firecracker-rate-limiter.js';

/** The host's disk, shared by every drive of the model: an upper bound on what the drives get. */
export interface HostDiskSpec {
  /** Bytes per second the disk transfers, integer ≥ 1. */
  readonly bytesPerSecond: number;
  /** Operations per second, integer ≥ 1 (default: unbounded): each request takes at least 1/iops s. */
  readonly iops?: number;
}

/** Options of `createDeviceModel`. */
export interface DeviceModelOptions {
  /** Start time, integer µs (default 0). */
  readonly start?: number;
  /** The host disk; without it a request completes when its rate limiter admits it. */
  readonly hostDisk?: HostDiskSpec;
}

/** PUT `/drives/{drive_id}` (Firecracker swagger `Drive`), before boot only. */
export interface DriveConfig {
  readonly drive_id: string;
  readonly path_on_host: string;
  readonly is_root_device: boolean;
  readonly is_read_only?: boolean;
  readonly rate_limiter?: FirecrackerRateLimiterConfig;
  /** Accepted and not modelled. */
  readonly partuuid?: string;
  /** `Unsafe` | `Writeback`: accepted and not modelled. */
  readonly cache_type?: string;
  /** `Sync` | `Async`: accepted; the model serves as the default Sync engine does. */
  readonly io_engine?: string;
  /** vhost-user socket: accepted and not modelled. */
  readonly socket?: string;
}

/** PATCH `/drives/{drive_id}` (swagger `PartialDrive`), after boot only: the path and the limiter. */
export interface DrivePatch {
  readonly drive_id: string;
  readonly path_on_host?: string;
  readonly rate_limiter?: FirecrackerRateLimiterConfig;
}

/** PUT `/network-interfaces/{iface_id}` (swagger `NetworkInterface`), before boot only. `host_dev_name` is the tap on the host bridge. */
export interface NetworkInterfaceConfig {
  readonly iface_id: string;
  readonly host_dev_name: string;
  readonly guest_mac?: string;
  readonly rx_rate_limiter?: FirecrackerRateLimiterConfig;
  readonly tx_rate_limiter?: FirecrackerRateLimiterConfig;
}

/** PATCH `/network-interfaces/{iface_id}` (swagger `PartialNetworkInterface`), after boot only: the limiters. */
export interface NetworkInterfacePatch {
  readonly iface_id: string;
  readonly rx_rate_limiter?: FirecrackerRateLimiterConfig;
  readonly tx_rate_limiter?: FirecrackerRateLimiterConfig;
}

/** A virtio-blk request: `read` (VIRTIO_BLK_T_IN) and `write` (OUT) draw `bytes` and one op; `flush` draws one op only. */
export interface BlockRequest {
  /** Unique among this drive's pending requests: 1..128 characters. */
  readonly id: string;
  readonly type: 'read' | 'write' | 'flush';
  /** Data length, integer ≥ 0 (0 for a flush). */
  readonly bytes: number;
}

/** A frame on a NIC queue: `tx` from the guest to the tap, `rx` from the tap into the guest. */
export interface Frame {
  /** Unique among the queue's pending frames: 1..128 characters. */
  readonly id: string;
  /** Frame size in bytes, integer ≥ 1. */
  readonly bytes: number;
}

/** A drive as GET would show it, plus its queue. */
export interface DriveState {
  readonly vm: string;
  readonly config: DriveConfig;
  /** Requests waiting for the limiter (or for the previous request, Firecracker's sync engine). */
  readonly pending: number;
  /** Until when the limiter's refill timer blocks the queue, µs (≤ now when not blocked). */
  readonly blockedUntil: Micros;
}

/** A network interface's state. */
export interface NetworkInterfaceState {
  readonly vm: string;
  readonly config: NetworkInterfaceConfig;
  readonly pendingTx: number;
  readonly pendingRx: number;
}

/**
 * One device queue's live state as plain data: its limiter (token counts, one-time burst left, refill
 * phase, armed timer), the requests still queued, in order, and those admitted whose completion is
 * still to come. Times in µs on the saving model's clock (`VmDevicesSnapshot.savedAtUs`).
 */
export interface DeviceQueueSnapshot {
  readonly device: string;
  readonly queue: 'blk' | 'tx' | 'rx';
  readonly limiter: FirecrackerRateLimiterState;
  /** Until when a drive's sync engine is busy with its admitted request. */
  readonly busyUntilUs: number;
  /** Queued requests, in service order; `drawsBytes` false for a flush (it takes an op only). */
  readonly pending: readonly { readonly id: string; readonly bytes: number; readonly drawsBytes: boolean }[];
  /** Admitted requests whose completion is still to come, in completion order. */
  readonly inFlight: readonly DeviceIoCompletedEvent[];
  /** Requests and bytes the queue served before the save (`counters`); absent in older saves: 0. */
  readonly served?: DeviceCounters;
}

/**
 * A VM's devices as plain data (`saveVm` / `restoreVm`): the drive and NIC configs as GET shows them
 * (limiters included, as last PATCHed) and, when present, each queue's live state, so a restored
 * limiter goes on with the saved tokens, refill phase and timer. Without `queues` (an older save) the
 * restored limiters start full, as after InstanceStart. The served counters are carried in each queue's
 * `served` (so a VM's totals continue across a load). Not carried: the host disk's queue beyond this
 * VM's own requests.
 */
export interface VmDevicesSnapshot {
  readonly drives: readonly DriveConfig[];
  readonly networkInterfaces: readonly NetworkInterfaceConfig[];
  /** The saving model's time, µs: a restore moves every saved time by (its own now − savedAtUs). */
  readonly savedAtUs?: number;
  /** Each started queue's state: a drive's `blk`, then each NIC's `tx` and `rx`, in the order added. */
  readonly queues?: readonly DeviceQueueSnapshot[];
}

/** Totals served per device, for tests and charts. */
export interface DeviceCounters {
  readonly requests: number;
  readonly bytes: Bytes;
}

/**
 * A passive model of the virtio devices of one host's VMs (ARCHITECTURE.md, "Driving models").
 * Lifecycle per VM: `addVm` → (`putDrive` | `putNetworkInterface`)* → `startVm` → (`patchDrive` |
 * `patchNetworkInterface` | `submitBlock` | `sendFrame` | `receiveFrame`)* → `removeVm`. Commands
 * apply at `now()`; a failed one throws a typed error with Firecracker's text and changes nothing.
 * Each queue serves its requests in order: a request the limiter refuses stops the queue until the
 * limiter's timer ends (100 ms after a refusal, ⌊ratio·refill_time⌋ ms after an oversize request),
 * as Firecracker's devices do; a drive serves one request at a time (the default sync I/O engine)
 * on the host disk, which serves the drives' requests first come, first served.
 */
export interface DeviceModel {
  now(): Micros;
  /** Register a VM, before boot. E_CONFLICT for a known VM. */
  addVm(vm: string): void;
  /** Forget a VM and drop its pending requests. E_NOT_FOUND. */
  removeVm(vm: string): void;
  /** PUT /drives: add or replace a drive, before boot only. */
  putDrive(vm: string, config: DriveConfig): void;
  /** PUT /network-interfaces: add or replace a NIC, before boot only. */
  putNetworkInterface(vm: string, config: NetworkInterfaceConfig): void;
  /** InstanceStart: the devices activate and their limiters' buckets start full now. E_INVALID_TRANSITION when already started. */
  startVm(vm: string): void;
  /** PATCH /drives after boot: a new path, and/or new limiter buckets (given buckets start full; others keep their state). */
  patchDrive(vm: string, patch: DrivePatch): void;
  /** PATCH /network-interfaces after boot: new rx/tx limiter buckets. */
  patchNetworkInterface(vm: string, patch: NetworkInterfacePatch): void;
  /** The guest queues a block request on a drive now. */
  submitBlock(vm: string, drive: string, request: BlockRequest): void;
  /** The guest queues a frame on a NIC's tx queue now. */
  sendFrame(vm: string, iface: string, frame: Frame): void;
  /** A frame arrives on the tap for a NIC's rx queue now. */
  receiveFrame(vm: string, iface: string, frame: Frame): void;
  /** Next time something happens (a completion or a queue's timer), µs, or Infinity. */
  nextEventTime(): number;
  /** Run to `time` (integer µs ≥ now); completions in (time, submission order). */
  advanceTo(time: number): readonly DeviceIoCompletedEvent[];
  /** A VM's device configs and, once started, its queues' live state, as plain data; drives and NICs in the order added. E_NOT_FOUND. */
  saveVm(vm: string): VmDevicesSnapshot;
  /**
   * Rebuild a registered, never-started VM's devices from `state` and activate them: with `queues`, each
   * limiter, queue and pending completion as saved (times moved to this model's clock); without, buckets
   * full. Validated as PUT is, and the queue states against the configs, before anything changes;
   * E_INVALID_TRANSITION once started.
   */
  restoreVm(vm: string, state: VmDevicesSnapshot): void;
  drive(vm: string, id: string): DriveState;
  networkInterface(vm: string, id: string): NetworkInterfaceState;
  /** Requests and bytes served so far by a drive or NIC queue (`tx`/`rx`/`blk`). */
  counters(vm: string, device: string, queue: 'blk' | 'tx' | 'rx'): DeviceCounters;
  /**
   * core-network's view of a NIC's limiters: one `VnicLimiterSpec` per enabled bandwidth bucket,
   * ids `<vm>/<iface>/tx` and `<vm>/<iface>/rx`, for a flow network whose flows through the tap name them.
   */
  vnicLimiterSpecs(vm: string, iface: string): VnicLimiterSpec[];
}
