// The hypervisor facade: one physical host's lifecycle, memory, devices and vCPU scheduling as one passive model.
export { createHypervisor } from './create-hypervisor.js';
export { INCOMING_LOCK_MESSAGE } from './incoming-migration.js';
export { createVmMigration } from './vm-migration.js';
export type { VmMigration, VmMigrationPhase, VmMigrationSpec } from './vm-migration.js';
export type {
  Hypervisor,
  HypervisorEvent,
  HypervisorHostSpec,
  HypervisorOptions,
  HypervisorVmSpec,
  HypervisorVmView,
  HypervisorWorkload,
  VmCarriedState,
} from './types.js';
