// @strata/core-cluster: the datacenter. Each part adds its export block here.

export type { ClusterEvent, DatacenterOptions, HostView, VmView, ContainerView, Series, Summary, RunReport, Datacenter } from './types.js';
