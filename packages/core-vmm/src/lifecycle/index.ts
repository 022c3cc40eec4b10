// The lifecycle part's public surface (re-exported by the package's index.ts).
export { createVmLifecycles } from './vm-lifecycles.js';
export type { VmLifecycles, VmLifecyclesOptions, VmConfigInput, VmView, FirecrackerBody, VmTimingsInput } from './vm-lifecycles.js';
export { libvirtStateOf, allowedLibvirtOperations } from './transition.js';
export type { VmLifecycleEvent, LibvirtCommandOptions } from './transition.js';
export { LIBVIRT_OPERATIONS, LIBVIRT_TRANSITIONS, LIBVIRT_GUARDS, LIBVIRT_STATE_OF_PHASE, OPERATION_INVALID_PREFIX, libvirtRule } from './table.js';
export type { LibvirtOperation, LibvirtRule, Refusal } from './table.js';
export { FIRECRACKER_OPERATIONS, FIRECRACKER_TRANSITIONS, FIRECRACKER_MESSAGES, FIRECRACKER_DEFAULT_MACHINE, BOOT_SPECIFIC_REQUESTS, firecrackerPhaseOf, applyMachineConfig } from './firecracker.js';
export type { FirecrackerOperation, FirecrackerRule, MachineConfigBody } from './firecracker.js';
export { FIRECRACKER_TIMINGS, LIBVIRT_TIMINGS, LIBVIRT_GUESTS_SHUTDOWN_TIMEOUT_US, imageTransferUs } from './timings.js';
export { VM_PHASES } from './types.js';
export type {
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
  VmCrashReason,
} from './types.js';
