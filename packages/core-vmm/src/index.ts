// @strata/core-vmm: hosts and the hypervisor. Each part is a module of its own folder, exported in
// its block below: lifecycle (the VM state machine as data), migration (the analytic pre-copy model
// and the simulated transfer), memory (lazy backing, overcommit, balloon, host OOM), devices
// (virtio-net/blk with rate limiters), host scheduling (vCPUs as tasks, nested guests, steal time),
// snapshots. core-vmm knows nothing of containers: a guest is anything behind `GuestCpus`.

// migration: the analytic pre-copy model (vmm-semantics.md §6.3) and QEMU's auto-converge step.
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
} from './migration/index.js';
export type {
  MigrationEstimate,
  MigrationEstimateInput,
  MigrationEstimateStop,
  MigrationRoundEstimate,
  AutoConvergeOptions,
  AutoConvergeParameters,
  AutoConvergeState,
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
