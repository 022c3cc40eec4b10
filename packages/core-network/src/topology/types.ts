// The public contract of the topology model: hosts, namespaces, Docker-like networks, reach and paths.
// The factory lives in create-network-model.ts, so the implementation imports these types without a circle.
import type { DomainEvent, Micros } from '@strata/shared-types';
import type { DnsAnswer, DnsRecordType } from '../dns/index.js';
import type { PolicyEngine } from '../policy/index.js';
import type { PortRange, Protocol } from '../ports/index.js';
import type { FdbEntry, ForwardResult } from './learning-bridge.js';
import type { Route, RouteSpec } from './routing.js';
import type { LinkProfile } from './link-profile.js';

/** Most hosts in one model. */
export const MAX_HOSTS = 10_000;
/** Most namespaces in one model. */
export const MAX_NAMESPACES = 100_000;
/** Most networks in one model (the embedded resolver's bound). */
export const MAX_TOPOLOGY_NETWORKS = 10_000;
/** Most networks one namespace may join (eth0..eth63). */
export const MAX_INTERFACES_PER_NAMESPACE = 64;
/** Most routes in one namespace's table. */
export const MAX_ROUTES_PER_NAMESPACE = 1024;
/** Most listening (port, protocol) pairs per namespace. */
export const MAX_LISTENERS_PER_NAMESPACE = 4096;
/** Default capacity of a veth pair or loopback link, bytes/s (10 Gbit/s). */
export const DEFAULT_VETH_CAPACITY = 1_250_000_000;

export { MAX_LINK_CAPACITY, MAX_LATENCY_US } from './link-profile.js';
export type { LinkProfile } from './link-profile.js';

/** A physical host with one NIC (its uplink to the datacenter fabric) and one address on it. */
export interface HostSpec {
  /** 1..64 characters of [a-z0-9-], starting and ending alphanumeric. Unique. */
  readonly name: string;
  /** The host NIC's IPv4 address, unique among hosts. */
  readonly address: string;
  /** The uplink: hosts reach each other over their two uplinks (a non-blocking fabric between them). */
  readonly uplink: LinkProfile;
  /**
   * The physical NIC the uplink rides on, when this host is a VM on a hypervisor host (absent: the
   * uplink is the physical NIC). Traffic to another host that is not on the same NIC also crosses
   * `nic:<name>:tx` here and the other end's NIC (`nic:<name>:rx`); VMs on the same NIC talk over
   * their hypervisor's bridge. Moved by `setPhysicalNic` (a live migration).
   */
  readonly physicalNic?: PhysicalNic;
}

/** A hypervisor host's NIC, shared by the VMs on it: a name (1..64 of [a-z0-9-]) and its link profile, the same wherever it is named. */
export interface PhysicalNic extends LinkProfile {
  readonly name: string;
}

/** A network namespace (a container's, or a pod's shared one). */
export interface NamespaceSpec {
  /** Container name: 1..63 characters of [a-z0-9-], starting and ending alphanumeric (a DNS label). Unique. */
  readonly name: string;
  /** The host it lives on. */
  readonly host: string;
  /** The Kubernetes pod (`namespace/name`) this namespace belongs to, for the policy engine. */
  readonly pod?: string;
}

/** `docker network create`. */
export interface NetworkSpec {
  /** 1..64 characters of [a-zA-Z0-9_.-], starting alphanumeric. Unique in the model. */
  readonly name: string;
  /** 'bridge' (one host; default) or 'overlay' (spans hosts). */
  readonly driver?: 'bridge' | 'overlay';
  /** Bridge networks: the host they live on. Required for 'bridge', refused for 'overlay'. */
  readonly host?: string;
  /** IPv4 subnet; default: the next free one from the host's local pools (bridge) or the global pool (overlay). */
  readonly subnet?: string;
  /** Gateway; default the subnet's first host address. */
  readonly gateway?: string;
  /** `--internal`: no default route, no traffic to or from other networks. */
  readonly internal?: boolean;
  /** `com.docker.network.bridge.enable_icc`; default true. False drops container-to-container traffic. */
  readonly icc?: boolean;
  /** Docker's predefined default bridge (`bridge`, docker0): no DNS names, cannot be removed. */
  readonly defaultBridge?: boolean;
}

/** `docker network connect`. */
export interface AttachSpec {
  readonly namespace: string;
  readonly network: string;
  /** `--ip`: a fixed address; default the lowest free one. */
  readonly ip?: string;
  /** `--network-alias` names. */
  readonly aliases?: readonly string[];
  /** `--mac-address`; default derived per `macMode`. */
  readonly mac?: string;
  /** `--gw-priority`, an integer in the dns area's GW_PRIORITY_RANGE (±1,000,000); default 0. The highest non-internal one gives the default route. */
  readonly gwPriority?: number;
}

/**
 * `docker run -p [hostIp:][hostPort[-end]:]containerPort[-end][/protocol]` for a namespace already on a
 * bridge network. Ports and ranges as the ports area's `PublishSpec` (equal-length ranges, one
 * binding per port; a host range beside one container port picks a free port of it; all or nothing).
 */
export interface PublishPortSpec {
  readonly namespace: string;
  readonly containerPort: number | PortRange;
  readonly hostPort?: number | PortRange;
  readonly protocol?: Protocol;
  readonly hostIp?: string;
}

/** An Ethernet frame sent by a namespace on one of its networks, to another namespace there (by name) or to a MAC. */
export interface FrameSpec {
  readonly namespace: string;
  readonly network: string;
  /** A namespace on the same network, or a MAC such as ff:ff:ff:ff:ff:ff. */
  readonly dst: string;
}

/** What the bridge on the sender's host did: the bridge ports (veth host ends, `vxlan0`) and whom they lead to. */
export interface FrameResult extends ForwardResult {
  /** Per port: the namespace behind it on this host, or the port name (`vxlan0` leads to other hosts). */
  readonly to: readonly string[];
}

/**
 * An end of `reach`: a namespace by name, or a host's own stack. As a destination a host is reached
 * at its NIC address, or at `address`, the gateway of one of its bridge networks; published ports
 * there lead on (DNAT), else a host socket (`listenOnHost`) may take the connection.
 */
export type ReachTarget = string | { readonly host: string; readonly address?: string };

/** One hop of a path. */
export interface Hop {
  readonly kind: 'loopback' | 'veth' | 'bridge' | 'host-nic' | 'physical-link' | 'overlay-tunnel' | 'nat';
  /** What was crossed: `c1/eth0`, `br-1a2b3c4d5e6f@h1`, `h1/uplink`, ... */
  readonly id: string;
  /** The host the hop is on. */
  readonly host: string;
}

/** The answer of `reach`. */
export interface ReachResult {
  /** True when the network delivers the connection attempt (routes, isolation, ICC, NAT, policy all allow it). */
  readonly allowed: boolean;
  /** True when the final destination (a namespace, or a host socket) listens on the (translated) port and protocol. */
  readonly listening: boolean;
  /** The destination address used, or undefined when none could be chosen. */
  readonly address?: string;
  /** Hops taken (up to where the packet was dropped). */
  readonly path: readonly Hop[];
  /** Why: the route used, each isolation rule checked, NAT, the policy engine's reasons. */
  readonly reasons: readonly string[];
}

/** A network as seen from outside. */
export interface NetworkInfo {
  readonly name: string;
  /** 64 hex digits, deterministic. */
  readonly id: string;
  readonly driver: 'bridge' | 'overlay';
  readonly host?: string;
  readonly subnet: string;
  readonly gateway: string;
  readonly internal: boolean;
  readonly icc: boolean;
  readonly defaultBridge: boolean;
  /** Linux bridge name: `docker0` for the default bridge, else `br-` + 12 hex of the id. */
  readonly bridge: string;
  /** Attached namespaces, in attach order. */
  readonly endpoints: readonly string[];
}

/** An interface of a namespace. */
export interface InterfaceInfo {
  readonly name: string;
  /** `lo` or the network it attaches to. */
  readonly network?: string;
  readonly address: string;
  readonly prefix: number;
  readonly mac?: string;
  /** The host end of the veth pair, enslaved to the network's bridge. */
  readonly peer?: string;
  /** The endpoint's id, 64 hex digits, deterministic (Docker's `docker network rm` text shows its first 12). */
  readonly endpointId?: string;
}

/** A namespace as seen from outside. */
export interface NamespaceInfo {
  readonly name: string;
  /** 64 hex digits, deterministic. */
  readonly id: string;
  readonly host: string;
  readonly pod?: string;
  readonly interfaces: readonly InterfaceInfo[];
  readonly routes: readonly Route[];
  /** `port/protocol`, ascending. */
  readonly listening: readonly string[];
}

/** A link a flow can cross, in the flows area's `LinkSpec` shape. */
export interface TopologyLink {
  readonly id: string;
  readonly capacity: number;
  readonly latency: number;
}

/** Everything observable, JSON-safe and deterministic; equal snapshots mean equal models. */
export interface TopologySnapshot {
  readonly now: number;
  readonly hosts: readonly HostSpec[];
  readonly namespaces: readonly NamespaceInfo[];
  /** Networks with their leased addresses, ascending. */
  readonly networks: readonly (NetworkInfo & { readonly addresses: readonly string[] })[];
  readonly subnets: { readonly local: Readonly<Record<string, readonly string[]>>; readonly global: readonly string[] };
  /** Host sockets per host, `port/protocol` ascending. */
  readonly hostListening: Readonly<Record<string, readonly string[]>>;
  readonly publications: readonly { readonly host: string; readonly bindings: readonly string[] }[];
  readonly links: readonly TopologyLink[];
}

/** Options of `createNetworkModel`. */
export interface NetworkModelOptions {
  /** Start time, integer µs ≥ 0 (default 0). */
  readonly start?: number;
  /** Capacity and latency of every veth pair and loopback; default DEFAULT_VETH_CAPACITY, 0 µs. */
  readonly veth?: LinkProfile;
  /** MACs: 'seeded' (Docker v28+: locally administered, here derived from a hash; default) or 'ipv4' (≤ v27: 02:42 + IPv4). */
  readonly macMode?: 'seeded' | 'ipv4';
  /**
   * A Kubernetes NetworkPolicy engine, consulted by `reach` wherever a node filters a connection
   * with a pod (a namespace naming a `pod`) at one end: on direct paths, through published ports
   * (the post-DNAT pod and port), from and to hosts (their addresses, matched by ipBlock; a pod's
   * own node always allowed) and across hosts (egress on the source node, ingress on the destination's).
   */
  readonly policy?: PolicyEngine;
}

/**
 * A passive model of hosts, network namespaces, veth pairs, bridges, routes and Docker networks
 * (see ARCHITECTURE.md, "Driving models"). Nothing happens by itself: `nextEventTime()` is Infinity.
 * Lifecycle: `addHost` → `createNamespace` / `createNetwork` → (`attach` | `detach` | `publish` |
 * `listen` | `addRoute`)* → `removeNetwork`. Every command validates fully, then mutates: a failed
 * command throws a typed error and changes nothing. Queries (`reach`, `pathLinks`, `snapshot`, ...)
 * change nothing. Same commands in the same order give the same ids, subnets, addresses and MACs.
 */
export interface NetworkModel {
  /** Current time, µs. */
  now(): Micros;
  /** Always Infinity: the topology schedules nothing itself. */
  nextEventTime(): number;
  /** Moves time to `time` (integer ≥ now); returns no events. ValidationError otherwise. */
  advanceTo(time: number): DomainEvent[];
  /** Adds a host. ValidationError (fields), ConflictError (name or address used), LimitExceededError. */
  addHost(spec: HostSpec): void;
  /**
   * The host (a VM) now rides on physical NIC `nic`, or on none (null): paths computed from now on
   * cross it (connections already carrying bytes keep the links they took). NotFoundError (host),
   * ValidationError (the NIC's fields), ConflictError (a NIC of that name with another profile).
   */
  setPhysicalNic(host: string, nic: PhysicalNic | null): void;
  /** Adds a namespace with `lo` 127.0.0.1/8. NotFoundError (host), ConflictError (name), ValidationError, LimitExceededError. */
  createNamespace(spec: NamespaceSpec): NamespaceInfo;
  /** Deletes a namespace: its veth pairs go with it (each attachment is detached, with its events) and its published ports are released. NotFoundError. */
  deleteNamespace(name: string): void;
  /** `docker network create`. ConflictError `network with name <n> already exists` or overlapping subnet; InsufficientResourcesError when pools are exhausted. */
  createNetwork(spec: NetworkSpec): NetworkInfo;
  /** `docker network rm`. ConflictError with Docker's texts when endpoints remain or the network is predefined. */
  removeNetwork(name: string): void;
  /** `docker network connect`: a veth pair (ethN in the namespace, vethXXXXXXX on the bridge), address, MAC, routes, DNS names. */
  attach(spec: AttachSpec): InterfaceInfo;
  /** `docker network disconnect`: removes the interface, its routes, DNS names and the ports published to that address. */
  detach(namespace: string, network: string): void;
  /**
   * Publishes a port on the namespace's host (through the ports area: its ranges, conflict texts and
   * ephemeral ports), to the namespace's address on its first non-internal bridge network. Returns
   * the bindings as `hostIp:hostPort/protocol → containerIp:containerPort`.
   */
  publish(spec: PublishPortSpec): readonly string[];
  /** A socket listens on `port` (1..65535) / `protocol` (default tcp) in the namespace, at most MAX_LISTENERS_PER_NAMESPACE. ConflictError if already. */
  listen(namespace: string, port: number, protocol?: Protocol): void;
  /**
   * Sends one frame through the sender's host bridge of `network` at `now()`: the bridge learns the
   * source MAC and forwards or floods (LearningBridge rules; overlay bridges have a `vxlan0` port).
   * Changes only that bridge's FDB. NotFoundError when the sender or a named destination is not on the network.
   */
  sendFrame(spec: FrameSpec): FrameResult;
  /** The live FDB of `network`'s bridge on `host` at `now()`, sorted by MAC (empty when it has no bridge there). */
  bridgeFdb(network: string, host: string): FdbEntry[];
  /** A socket of the host itself listens on `port` (1..65535) / `protocol` (default tcp), all addresses, at most MAX_LISTENERS_PER_NAMESPACE. ConflictError if already. */
  listenOnHost(host: string, port: number, protocol?: Protocol): void;
  /** Adds a route to a namespace's table; the device must exist there. */
  addRoute(namespace: string, route: RouteSpec): Route;
  /** The embedded DNS answer for `name` asked from `namespace`. */
  resolve(namespace: string, name: string, type?: DnsRecordType): DnsAnswer;
  /**
   * May `src` open a connection to `dst` on `port` (1..65535) / `protocol` (default tcp)? With the
   * path and the reasons. A namespace target is tried at each of its addresses in attach order (the
   * first that is allowed wins, else the first); a host target goes to the host's NIC address, where
   * only published ports lead on (DNAT). With a policy engine, each node that filters the connection
   * judges what it sees there (netfilter order: DNAT, then the policy, then SNAT), and its decision
   * and reasons join the chain (`NetworkPolicy on h1 sees …`, `NetworkPolicy: …`); the first denial
   * drops the connection. Throws only for unknown names or bad arguments.
   */
  reach(src: ReachTarget, dst: ReachTarget, port: number, protocol?: Protocol): ReachResult;
  /**
   * Link ids (in order) a flow from `src` to `dst` crosses, for the flows area's `startFlow` (1..4
   * links: veth out, uplink out, uplink in, veth in, as they apply; `ns:<n>/lo` or `host:<h>/lo` to itself).
   * NetworkPolicy is not consulted. ConflictError, with the reasons, when `reach` would refuse it.
   */
  pathLinks(src: ReachTarget, dst: ReachTarget, port?: number, protocol?: Protocol): string[];
  /** Every link flows may cross (uplinks both ways and host loopbacks, namespace loopbacks, veths both ways), for the flows area's `addLink`. */
  links(): TopologyLink[];
  /** A network. NotFoundError. */
  network(name: string): NetworkInfo;
  /** Whether a host of that name was added (no snapshot built: O(1)). */
  hasHost(name: string): boolean;
  /** A namespace. NotFoundError. */
  namespace(name: string): NamespaceInfo;
  /** Events of the commands since the last call, in order; clears them. */
  takeEvents(): DomainEvent[];
  /** The whole observable state. */
  snapshot(): TopologySnapshot;
}
