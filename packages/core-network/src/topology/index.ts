// Topology: hosts, namespaces, veth pairs, learning bridges, routes and Docker-like networks, with
// reach (path and reasons) and flow paths. The lead wires this barrel into the package index.

/** Builds an empty, passive topology model (hosts, namespaces, networks, reach, pathLinks, snapshot). */
export { createNetworkModel } from './create-network-model.js';
/** Bounds of the model: hosts, namespaces, networks, interfaces, routes, listeners, link capacity and latency; the default veth profile. */
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
/** The model's contract, its command specs, its views and reach answers. */
export type {
  AttachSpec,
  FrameResult,
  FrameSpec,
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
/** A Linux-style learning bridge (FDB learning, 300 s ageing, flooding, hairpin) and its limits. */
export { LearningBridge, DEFAULT_AGEING_TIME_US, MAX_AGEING_TIME_US, MAX_BRIDGE_PORTS, DEFAULT_MAX_FDB_ENTRIES, BROADCAST_MAC } from './learning-bridge.js';
export type { LearningBridgeOptions, FdbEntry, ForwardResult } from './learning-bridge.js';
/** Routes: validation, the kernel's longest-prefix-match lookup, `ip route` formatting. */
export { longestPrefixMatch, normalizeRoute, formatRoute, MAX_ROUTE_METRIC } from './routing.js';
export type { Route, RouteSpec } from './routing.js';
