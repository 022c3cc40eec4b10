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
