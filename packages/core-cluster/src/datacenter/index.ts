// The datacenter part's public surface.
export { createDatacenter, DEFAULT_MAX_STEPS } from './create-datacenter.js';
export type { ClusterDatacenter, ClusterDatacenterOptions } from './create-datacenter.js';
export { DATACENTER_LAYERS, LayerProfiler } from './layer-profiler.js';
export type { DatacenterLayer } from './layer-profiler.js';
export { VCPU_ALLOCATION_RATIO } from './vm-placement.js';
export type { PlacementExplanation } from './vm-placement.js';
export { KernelGuest } from './kernel-guest.js';
export type { Topology } from './views.js';
