// @strata/core-network: the virtual networks between containers and VMs. Addresses and pools,
// ports and NAT, DNS, Kubernetes NetworkPolicy and flow-level bandwidth sharing, platform-neutral
// like every core. Each area has its own folder and barrel; this file is the package's whole API.

// Addresses: strict IPv4/IPv6 parsing, CIDR math, Docker's address pools, per-network IPAM, MACs.
export {
  isIp,
  ipFamilyOf,
  normalizeIp,
  parseCidr,
  cidrContains,
  cidrsOverlap,
  splitCidr,
  MAX_SPLIT_SUBNETS,
  cidrFirst,
  cidrLast,
  cidrSize,
  cidrNetwork,
  cidrBroadcast,
  DEFAULT_LOCAL_ADDRESS_POOLS,
  DEFAULT_GLOBAL_ADDRESS_POOLS,
  POOLS_EXHAUSTED_MESSAGE,
  POOL_OVERLAP_MESSAGE,
  SubnetAllocator,
  NetworkIpam,
  ADDRESS_IN_USE_MESSAGE,
  NO_AVAILABLE_ADDRESSES_MESSAGE,
  macFromIpv4,
  macFromSeed,
  isMac,
} from './addressing/index.js';
export type { IpFamily, CidrInfo, AddressPoolSpec, SubnetAllocatorOptions, NetworkIpamSpec } from './addressing/index.js';

// Port publishing (Docker's conflict and ephemeral-port rules) and NAT (DNAT, masquerade, hairpin).
export { createPortPublisher, translate, DEFAULT_EPHEMERAL_RANGE, DEFAULT_MAX_PUBLICATIONS, MAX_PORT, MIN_PORT, PROTOCOLS, IPV4_ANY, IPV6_ANY } from './ports/index.js';
export type {
  EphemeralRange,
  PortAllocatorSnapshot,
  PortBinding,
  PortPublisher,
  PortPublisherOptions,
  Protocol,
  Publication,
  PublishSpec,
  NatBridge,
  NatHost,
  NatKind,
  NatResult,
  PacketTuple,
} from './ports/index.js';
export type { PortRange } from './ports/index.js';

// The embedded DNS of user-defined networks.
export {
  createEmbeddedDns,
  normalizeDnsName,
  MAX_DNS_LABEL_LENGTH,
  MAX_DNS_NAME_LENGTH,
  DEFAULT_BRIDGE_NETWORK,
  DNS_TTL_SECONDS,
  GW_PRIORITY_RANGE,
  MAX_ALIASES_PER_ENDPOINT,
  MAX_ENDPOINTS,
  MAX_NETWORKS,
} from './dns/index.js';
export type { DnsAnswer, DnsEndpointSpec, DnsNetworkSpec, DnsRecordType, DnsShuffle, EmbeddedDns, EmbeddedDnsOptions } from './dns/index.js';

// Kubernetes NetworkPolicy v1: selectors, peers, ipBlock, ports, per-direction isolation, reasons.
export { createPolicyEngine, NAMESPACE_NAME_LABEL, compileLabelSelector, selectsEverything, formatLabelSelector, compileIpBlock } from './policy/index.js';
export type { PolicyEngine, PolicyEngineInput, PodRef, ReachDecision, LabelPredicate, AddressPredicate } from './policy/index.js';
export type { AddressPeer, PolicyPeer } from './policy/index.js';

// Topology: hosts, namespaces, veth pairs, learning bridges, routes, Docker-like bridge and overlay
// networks, isolation, and reach (path and reasons) and flow paths over them.
export {
  createNetworkModel,
  DEFAULT_VETH_CAPACITY,
  MAX_HOSTS,
  MAX_INTERFACES_PER_NAMESPACE,
  MAX_LATENCY_US,
  MAX_LINK_CAPACITY,
  MAX_LISTENERS_PER_NAMESPACE,
  MAX_NAMESPACES,
  MAX_ROUTES_PER_NAMESPACE,
  MAX_TOPOLOGY_NETWORKS,
  LearningBridge,
  DEFAULT_AGEING_TIME_US,
  MAX_AGEING_TIME_US,
  MAX_BRIDGE_PORTS,
  DEFAULT_MAX_FDB_ENTRIES,
  BROADCAST_MAC,
  longestPrefixMatch,
  normalizeRoute,
  formatRoute,
  MAX_ROUTE_METRIC,
} from './topology/index.js';
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
  LearningBridgeOptions,
  FdbEntry,
  ForwardResult,
  Route,
  RouteSpec,
} from './topology/index.js';

// Flow-level bandwidth: weighted max-min rates over links, exact completions, vNIC limiters.
export { createFlowNetwork, flowCompletionTime, MAX_FLOW_CAPACITY, MAX_LINK_LATENCY_US, MAX_FLOW_WEIGHT, MAX_FLOW_WINDOW, MAX_FLOW_NETWORK_SIZE, MAX_FLOW_PATH } from './flows/index.js';
export type { FlowNetwork, FlowNetworkOptions, FlowNetworkEvent, FlowNetworkStats, FlowSpec, FlowState, LinkSpec, LinkState, VnicLimiterSpec } from './flows/index.js';
