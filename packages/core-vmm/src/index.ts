// @strata/core-vmm: hosts and the hypervisor. Each part is a module of its own folder, exported in
// its block below: lifecycle (the VM state machine as data), migration (the analytic pre-copy model
// and the simulated transfer), memory (lazy backing, overcommit, balloon, host OOM), devices
// (virtio-net/blk with rate limiters), host scheduling (vCPUs as tasks, nested guests, steal time),
// snapshots. core-vmm knows nothing of containers: a guest is anything behind `GuestCpus`.

// migration: the analytic pre-copy model (vmm-semantics.md §6.3), QEMU's auto-converge step, and the
// simulated pre-copy / post-copy transfer over core-network.
export {
  estimateMigration,
  MAX_ESTIMATE_ROUNDS,
  QEMU_DOWNTIME_LIMIT_SECONDS,
  AUTO_CONVERGE_IDLE,
  autoConvergeParameters,
  stepAutoConverge,
  QEMU_CPU_THROTTLE_INCREMENT,
  QEMU_CPU_THROTTLE_INITIAL,
  QEMU_MAX_CPU_THROTTLE,
  QEMU_THROTTLE_TRIGGER_PERCENT,
  createLiveMigration,
  createConstantDirtyModel,
  MAX_MIGRATION_ROUNDS,
  QEMU_DOWNTIME_LIMIT_US,
  QEMU_MAX_BANDWIDTH,
  XEN_MAX_ROUNDS,
} from './migration/index.js';
export type {
  MigrationEstimate,
  MigrationEstimateInput,
  MigrationEstimateStop,
  MigrationRoundEstimate,
  AutoConvergeOptions,
  AutoConvergeParameters,
  AutoConvergeState,
  ConstantDirtyModelSpec,
  DirtyModel,
  LiveMigration,
  LiveMigrationEvent,
  LiveMigrationPhase,
  LiveMigrationReport,
  LiveMigrationRound,
  LiveMigrationSpec,
  PostCopySpec,
} from './migration/index.js';

// lifecycle: the VM state machine as data (libvirt's states and Firecracker's phases over one set of
// model phases), the passive per-host lifecycle model with its timers, and the default timings.
export {
  createVmLifecycles,
  VM_PHASES,
  LIBVIRT_OPERATIONS,
  LIBVIRT_TRANSITIONS,
  LIBVIRT_GUARDS,
  LIBVIRT_STATE_OF_PHASE,
  OPERATION_INVALID_PREFIX,
  libvirtRule,
  libvirtStateOf,
  allowedLibvirtOperations,
  FIRECRACKER_OPERATIONS,
  FIRECRACKER_TRANSITIONS,
  FIRECRACKER_MESSAGES,
  FIRECRACKER_DEFAULT_MACHINE,
  BOOT_SPECIFIC_REQUESTS,
  firecrackerPhaseOf,
  applyMachineConfig,
  FIRECRACKER_TIMINGS,
  LIBVIRT_TIMINGS,
  LIBVIRT_GUESTS_SHUTDOWN_TIMEOUT_US,
  imageTransferUs,
} from './lifecycle/index.js';
export type {
  VmLifecycles,
  VmLifecyclesOptions,
  VmConfigInput,
  VmView,
  FirecrackerBody,
  VmTimingsInput,
  VmCrashReason,
  VmLifecycleEvent,
  LibvirtCommandOptions,
  LibvirtOperation,
  LibvirtRule,
  Refusal,
  FirecrackerOperation,
  FirecrackerRule,
  MachineConfigBody,
  VmPhase,
  VmFlavor,
  VmRecord,
  VmConfig,
  VmTimings,
  LibvirtDomainState,
  LibvirtReason,
  LibvirtStateView,
  FirecrackerPhase,
  FirecrackerConfig,
  OnCrash,
  ShutdownTimeoutAction,
  SavedImage,
  Activity,
  ActivityKind,
  FrozenActivity,
  ReturnPoint,
} from './lifecycle/index.js';

// memory: one host's memory as a passive model: guest RAM committed on touch, the overcommit check at
// allocation, a virtio balloon per VM with Firecracker's API (targets, deflate-on-OOM, statistics),
// and the host OOM killer (the largest footprint dies; `vm.oom_killed`, for the lifecycle's crash).
export {
  createHostMemory,
  PAGE_BYTES,
  MIB_TO_4K_PAGES,
  BALLOON_BATCH_PAGES,
  BALLOON_OOM_DEFLATE_PAGES,
  BALLOON_OUT_OF_PUFF_RETRY_US,
  DEFAULT_VMM_OVERHEAD_BYTES,
  DEFAULT_BALLOON_BYTES_PER_SECOND,
  fcTooMuchMemory,
  FC_STATS_STATE_CHANGE,
  FC_STATS_DISABLED,
  FC_NO_BALLOON,
  FC_BALLOON_LARGER_THAN_MEMORY,
  FC_MAX_BALLOON_MIB,
} from './memory/index.js';
export type {
  BalloonConfig,
  BalloonStats,
  BalloonStatsUpdate,
  BalloonUpdate,
  HostMemory,
  HostMemoryEvent,
  HostMemoryOptions,
  HostMemoryState,
  VmMemoryPhase,
  VmMemoryState,
} from './memory/index.js';

// devices: virtio-blk drives and virtio-net NICs with Firecracker's rate limiters (core-scheduler's
// token buckets; PATCH after boot), queues served in time order, the host disk as the upper bound,
// and a NIC's limiters as core-network vNIC limiters.
export {
  createDeviceModel,
  FirecrackerRateLimiter,
  isUnlimited,
  validateRateLimiterConfig,
  FC_NOT_SUPPORTED_AFTER_START,
  FC_NOT_SUPPORTED_BEFORE_START,
  FC_ROOT_DEVICE_EXISTS,
  FC_DRIVE_PATCH_EMPTY,
  unknownFieldMessage,
} from './devices/index.js';
export type {
  FirecrackerRateLimiterConfig,
  FirecrackerRateLimiterState,
  FirecrackerTokenBucket,
  BlockRequest,
  DeviceQueueSnapshot,
  DeviceCounters,
  DeviceModel,
  DeviceModelOptions,
  DriveConfig,
  DrivePatch,
  DriveState,
  Frame,
  HostDiskSpec,
  NetworkInterfaceConfig,
  NetworkInterfacePatch,
  NetworkInterfaceState,
} from './devices/index.js';

// host: a host's pCPUs and hypervisor policy (credit, cfs, rr, priority) over core-scheduler's group
// scheduler, each vCPU a task of the host and a CPU of its guest (`GuestCpus`), on one clock; steal
// per vCPU as a Linux guest reports it; the nested host experiment of `strata vm host`.
export {
  createNestedHost,
  createSchedulerGuest,
  runNestedExperiment,
  parseNestedHostSpec,
  fidelityGaps,
  largestGap,
  FIDELITY_AGREEMENT_CPUS,
  validateVmCpuSpec,
  vmGroupLimits,
  vcpuGroupLimits,
  USER_HZ,
  PRIORITY_SERVED_WEIGHT,
  CREDIT_DEFAULT_WEIGHT,
  CREDIT_TIMESLICE_US,
  CREDIT_SHARES_PER_WEIGHT,
  CREDIT_CAP_PERIOD_US,
  CFS_DEFAULT_WEIGHT,
  MAX_VCPUS,
} from './host/index.js';
export type {
  GuestCpus,
  GuestClock,
  NestedHost,
  NestedHostOptions,
  FidelityGap,
  NestedExperimentOptions,
  NestedExperimentResult,
  NestedExperimentTask,
  NestedExperimentVcpu,
  NestedExperimentVm,
  SchedulerGuest,
  SchedulerGuestOptions,
  VcpuDemand,
  VcpuDemandListener,
  VcpuPolicy,
  VcpuStats,
  VmCpuSpec,
} from './host/index.js';

// hypervisor: one physical host as one passive model: the lifecycle, memory, devices and nested vCPU
// scheduling on one clock; vCPUs on the host only while the guest runs; host OOM crashes the VM.
export { createHypervisor, createVmMigration, INCOMING_LOCK_MESSAGE } from './hypervisor/index.js';
export type {
  Hypervisor,
  HypervisorEvent,
  HypervisorHostSpec,
  HypervisorOptions,
  HypervisorVmSpec,
  HypervisorVmView,
  HypervisorWorkload,
  VmCarriedState,
  VmMigration,
  VmMigrationPhase,
  VmMigrationSpec,
} from './hypervisor/index.js';

// snapshots: Firecracker's full and diff snapshots as plain versioned state (`VmSnapshot`), kept apart
// from the live parts; create only while Paused, load only on a fresh microVM (it comes up Paused),
// the diff merge, and the size / time model.
export {
  createSnapshotter,
  applyDiff,
  checkSnapshotVersion,
  checkLoadable,
  snapshotCost,
  SNAPSHOT_VERSION,
  FC_SNAPSHOT_LOAD_SECONDS,
  DEFAULT_SNAPSHOT_DISK_BYTES_PER_SECOND,
} from './snapshots/index.js';
export type {
  SnapshotCost,
  SnapshotCostInput,
  SnapshotDirtyLog,
  SnapshotMachineConfig,
  SnapshotParts,
  Snapshotter,
  SnapshotterOptions,
  VcpuSnapshot,
  VmCpuSnapshot,
  VmSnapshot,
} from './snapshots/index.js';
