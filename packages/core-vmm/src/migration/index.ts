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
