// Topology: hosts, namespaces, veth pairs, learning bridges, routes and Docker-like networks, with
// reach (path and reasons) and flow paths. The lead wires this barrel into the package index.

export { createNetworkModel } from './create-network-model.js';
export {
  DEFAULT_VETH_CAPACITY,
  MAX_HOSTS,
  MAX_INTERFACES_PER_NAMESPACE,
  MAX_LATENCY_US,
  MAX_LINK_CAPACITY,
  MAX_LISTENERS_PER_NAMESPACE,
  MAX_NAMESPACES,
  MAX_ROUTES_PER_NAMESPACE,
  MAX_TOPOLOGY_NETWORKS,
} from './types.js';
export type {
  AttachSpec,
  Hop,
  HostSpec,
  InterfaceInfo,
  LinkProfile,
  NamespaceInfo,
  NamespaceSpec,
  NetworkInfo,
  NetworkModel,
  NetworkModelOptions,
  NetworkSpec,
  PublishPortSpec,
  ReachResult,
  ReachTarget,
  TopologyLink,
  TopologySnapshot,
} from './types.js';
export { LearningBridge, DEFAULT_AGEING_TIME_US, MAX_AGEING_TIME_US, MAX_BRIDGE_PORTS, DEFAULT_MAX_FDB_ENTRIES, BROADCAST_MAC } from './learning-bridge.js';
export type { LearningBridgeOptions, FdbEntry, ForwardResult } from './learning-bridge.js';
export { longestPrefixMatch, normalizeRoute, formatRoute, MAX_ROUTE_METRIC } from './routing.js';
export type { Route, RouteSpec } from './routing.js';
