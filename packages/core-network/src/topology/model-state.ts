// The topology model's internal state: hosts, namespaces, networks, the shared allocators and DNS,
// the clock and event queue, and lookups that throw NotFoundError. Shared by the command and query modules.
import { NotFoundError, type DomainEvent } from '@strata/shared-types';
import type { NetworkIpam, SubnetAllocator } from '../addressing/index.js';
import type { EmbeddedDns } from '../dns/index.js';
import type { PortPublisher } from '../ports/index.js';
import { joinHostPort } from '../ports/address.js';
import type { LearningBridge } from './learning-bridge.js';
import type { Route } from './routing.js';
import type { HostSpec, InterfaceInfo, LinkProfile, NetworkInfo, NetworkModelOptions, PhysicalNic } from './types.js';

/** A host: its spec, its own sockets, its local subnet allocator and port publisher. */
export interface Host {
  readonly spec: HostSpec;
  /** `port/protocol` of the host's own sockets (all addresses). */
  readonly listening: Set<string>;
  readonly allocator: SubnetAllocator;
  readonly publisher: PortPublisher;
  /** Host ends of veth pairs on this host (their names must be unique there). */
  readonly peers: Set<string>;
  /** The physical NIC its uplink rides on (`HostSpec.physicalNic`), or null. */
  nic: PhysicalNic | null;
}

/** A network interface of a namespace (lo, or one end of a veth pair on a network): the public view plus what stays internal. */
export interface Iface extends InterfaceInfo {
  /** `--gw-priority`: orders networks for the default route (higher first). */
  readonly gwPriority?: number;
}

/** A network namespace: its interfaces, its routing table and its sockets. */
export interface Ns {
  readonly name: string;
  readonly id: string;
  readonly host: string;
  readonly pod?: string;
  interfaces: Iface[];
  routes: Route[];
  /** Routes added by addRoute, kept across re-derivations while their device exists. */
  custom: Route[];
  listening: Set<string>;
}

/** A Docker-like network: its info, IPAM, endpoints and per-host learning bridges. */
export interface Net {
  readonly info: Omit<NetworkInfo, 'endpoints'>;
  readonly ipam: NetworkIpam;
  /** namespace name → interface name there, in attach order. */
  readonly endpoints: Map<string, string>;
  /** One learning bridge per host the network has ports on (a bridge network: its host only). */
  readonly bridges: Map<string, LearningBridge>;
}

/** The port of an overlay's per-host bridge that leads into the VXLAN tunnel. */
export const VXLAN_PORT = 'vxlan0';
/** Every namespace's loopback interface. */
export const LOOPBACK: Iface = { name: 'lo', address: '127.0.0.1', prefix: 8 };
/** Every namespace's loopback route. */
export const LOOPBACK_ROUTE: Route = { destination: '127.0.0.0/8', device: 'lo', metric: 0 };

/** Everything a model holds. `now`, `seq` and `events` change; the rest are mutated in place. */
export interface ModelState {
  now: number;
  /** Counter mixed into generated ids so that re-created names get new ids. */
  seq: number;
  events: DomainEvent[];
  readonly veth: LinkProfile;
  readonly macMode: 'seeded' | 'ipv4';
  readonly policy: NetworkModelOptions['policy'];
  readonly hosts: Map<string, Host>;
  readonly namespaces: Map<string, Ns>;
  readonly networks: Map<string, Net>;
  readonly globalAllocator: SubnetAllocator;
  readonly dns: EmbeddedDns;
}

/** Lookups by name over `state`; each throws NotFoundError naming the kind when the name is unknown. */
export function lookups(state: ModelState): { getHost: (name: string) => Host; getNs: (name: string) => Ns; getNet: (name: string) => Net } {
  const getHost = (name: string): Host => {
    const h = state.hosts.get(name);
    if (h === undefined) throw new NotFoundError('host', String(name));
    return h;
  };
  const getNs = (name: string): Ns => {
    const n = state.namespaces.get(name);
    if (n === undefined) throw new NotFoundError('namespace', String(name));
    return n;
  };
  const getNet = (name: string): Net => {
    const n = state.networks.get(name);
    if (n === undefined) throw new NotFoundError('network', String(name));
    return n;
  };
  return { getHost, getNs, getNet };
}

/** The link id of one direction of a namespace's veth pair. */
export function vethLink(ns: Ns, iface: Iface, dir: 'tx' | 'rx'): string {
  return `ns:${ns.name}/${iface.name}:${dir}`;
}

/** A port binding as `hostIp:hostPort/protocol → containerIp:containerPort` (IPv6 host addresses bracketed). */
export function formatBinding(b: { hostIp: string; hostPort: number; protocol: string; containerIp: string; containerPort: number }): string {
  return `${joinHostPort(b.hostIp, b.hostPort)}/${b.protocol} → ${b.containerIp}:${b.containerPort}`;
}

/** 64 hex digits from a text: four FNV-1a 64-bit hashes with different salts. Deterministic, not cryptographic. */
export function hexId(text: string): string {
  let out = '';
  for (let salt = 0; salt < 4; salt++) {
    let h = 0xcbf29ce484222325n ^ BigInt(salt);
    for (let i = 0; i < text.length; i++) {
      h ^= BigInt(text.charCodeAt(i));
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    out += h.toString(16).padStart(16, '0');
  }
  return out;
}
