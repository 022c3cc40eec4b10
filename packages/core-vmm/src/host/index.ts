// Host scheduling: vCPUs as tasks of a group scheduler under a hypervisor policy, guests on them
// (`GuestCpus`), steal time.
export { createNestedHost, USER_HZ, PRIORITY_SERVED_WEIGHT } from './create-nested-host.js';
export { createSchedulerGuest } from './create-scheduler-guest.js';
export { runNestedExperiment, parseNestedHostSpec, fidelityGaps, largestGap, FIDELITY_AGREEMENT_CPUS } from './nested-experiment.js';
export type {
  FidelityGap,
  NestedExperimentOptions,
  NestedExperimentResult,
  NestedExperimentTask,
  NestedExperimentVcpu,
  NestedExperimentVm,
} from './nested-experiment.js';
export type { SchedulerGuest, SchedulerGuestOptions } from './create-scheduler-guest.js';
export {
  validateVmCpuSpec,
  vmGroupLimits,
  vcpuGroupLimits,
  CREDIT_DEFAULT_WEIGHT,
  CREDIT_TIMESLICE_US,
  CREDIT_SHARES_PER_WEIGHT,
  CREDIT_CAP_PERIOD_US,
  CFS_DEFAULT_WEIGHT,
  MAX_VCPUS,
} from './vcpu-policy.js';
export type { GuestClock, GuestCpus, NestedHost, NestedHostOptions, VcpuDemand, VcpuDemandListener, VcpuPolicy, VcpuStats, VmCpuSpec } from './types.js';
