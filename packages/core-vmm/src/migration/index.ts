// The migration part of core-vmm: the analytic pre-copy model and QEMU's auto-converge step.
export { estimateMigration, MAX_ESTIMATE_ROUNDS, QEMU_DOWNTIME_LIMIT_SECONDS } from './estimate-migration.js';
export type { MigrationEstimate, MigrationEstimateInput, MigrationEstimateStop, MigrationRoundEstimate } from './estimate-migration.js';
export {
  AUTO_CONVERGE_IDLE,
  autoConvergeParameters,
  stepAutoConverge,
  QEMU_CPU_THROTTLE_INCREMENT,
  QEMU_CPU_THROTTLE_INITIAL,
  QEMU_MAX_CPU_THROTTLE,
  QEMU_THROTTLE_TRIGGER_PERCENT,
} from './auto-converge.js';
export type { AutoConvergeOptions, AutoConvergeParameters, AutoConvergeState } from './auto-converge.js';
export { createLiveMigration } from './create-live-migration.js';
export { createConstantDirtyModel } from './constant-dirty-model.js';
export type { ConstantDirtyModelSpec } from './constant-dirty-model.js';
export type { DirtyModel } from './dirty-model.js';
export { MAX_MIGRATION_ROUNDS, QEMU_DOWNTIME_LIMIT_US, QEMU_MAX_BANDWIDTH, XEN_MAX_ROUNDS } from './live-migration-types.js';
export type { LiveMigration, LiveMigrationEvent, LiveMigrationPhase, LiveMigrationReport, LiveMigrationRound, LiveMigrationSpec, PostCopySpec } from './live-migration-types.js';
