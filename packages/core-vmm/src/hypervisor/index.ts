// The hypervisor facade: one physical host's lifecycle, memory, devices and vCPU scheduling as one passive model.
export { createHypervisor } from './create-hypervisor.js';
export type { Hypervisor, HypervisorEvent, HypervisorHostSpec, HypervisorOptions, HypervisorVmSpec, HypervisorVmView } from './types.js';
