// Types and limits of Docker's embedded DNS server (127.0.0.11), modelled per host.

/** Record types the embedded server answers from its own tables: addresses of names, and names of addresses (PTR). */
export type DnsRecordType = 'A' | 'AAAA' | 'PTR';

/** TTL of embedded answers, seconds (moby resolver.go `respTTL = 600`). */
export const DNS_TTL_SECONDS = 600;
/** Name of Docker's default bridge network, on which the embedded server is not used. */
export const DEFAULT_BRIDGE_NETWORK = 'bridge';
/** Most aliases one endpoint may carry (a bound of ours). */
export const MAX_ALIASES_PER_ENDPOINT = 64;
/** Most networks one resolver tracks (a bound of ours). */
export const MAX_NETWORKS = 10_000;
/** Most endpoints one resolver tracks (a bound of ours). */
export const MAX_ENDPOINTS = 1_000_000;
/** Range of an endpoint's gateway priority (`--gw-priority`), inclusive. */
export const GW_PRIORITY_RANGE = { min: -1_000_000, max: 1_000_000 } as const;

/** A network the resolver serves names on. */
export interface DnsNetworkSpec {
  /** Network name, 1..128 characters; `bridge` alone means the default bridge unless `defaultBridge` says otherwise. */
  readonly name: string;
  /** True for Docker's default bridge: its endpoints are never resolvable by name. Default: name === 'bridge'. */
  readonly defaultBridge?: boolean;
  /** `--internal`: no route out, so askers attached only to internal networks do not forward queries upstream. */
  readonly internal?: boolean;
}

/** A container's attachment to a network, with the names it answers to there. */
export interface DnsEndpointSpec {
  readonly network: string;
  /** Container id; when it is 12+ hex digits its first 12 resolve too (the short id). */
  readonly containerId: string;
  /** Container name (`--name`), a DNS name. */
  readonly containerName: string;
  /** The endpoint's IPv4 address (A records). At least one of ipv4 / ipv6 is required. */
  readonly ipv4?: string;
  /** The endpoint's IPv6 address (AAAA records). */
  readonly ipv6?: string;
  /** `--network-alias` names, scoped to this network; at most MAX_ALIASES_PER_ENDPOINT. */
  readonly aliases?: readonly string[];
  /** `--hostname`, resolvable on the network (DNSNames, API 1.44+). */
  readonly hostname?: string;
  /** `--gw-priority`, an integer in GW_PRIORITY_RANGE; default 0. Orders the asker's networks for resolution. */
  readonly gwPriority?: number;
}

/** What the resolver did with a query. */
export type DnsAnswer =
  /** Found on `network`: every address of the requested type (all holders of a shared alias). */
  | { readonly kind: 'answer'; readonly name: string; readonly type: 'A' | 'AAAA'; readonly network: string; readonly addresses: readonly string[]; readonly ttl: number }
  /** A PTR answer: the address `name` stands for is an endpoint's on `network`, named `target` = `<container name>.<network name>` (moby Network.ResolveIP). */
  | { readonly kind: 'pointer'; readonly name: string; readonly type: 'PTR'; readonly address: string; readonly network: string; readonly target: string; readonly ttl: number }
  /** The name exists on `network` but has no address of the requested type (NOERROR, empty answer). */
  | { readonly kind: 'nodata'; readonly name: string; readonly type: DnsRecordType; readonly network: string }
  /** Not a name on any network the asker shares, and the asker has no upstream (internal networks only). */
  | { readonly kind: 'nxdomain'; readonly name: string; readonly type: DnsRecordType }
  /** Not answered locally: handed to the host's resolvers (resolv.conf upstreams). */
  | { readonly kind: 'forwarded'; readonly name: string; readonly type: DnsRecordType };

/** A source of uniform integers (core-sim's RandomStream fits), used to shuffle multi-address answers. */
export interface DnsShuffle {
  /** A uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
}

/** Options of an embedded resolver. */
export interface EmbeddedDnsOptions {
  /** Shuffles the addresses of a multi-address answer (Docker: random order). Absent: connection order. */
  readonly shuffle?: DnsShuffle;
}

/**
 * The embedded DNS of one host. Lifecycle: `addNetwork` → (`connect` → `disconnect`)* → `removeNetwork`.
 * Commands validate fully before they change anything; `resolve` changes nothing but the shuffle stream.
 */
export interface EmbeddedDns {
  /** Adds a network. ConflictError `network with name <n> already exists`; LimitExceededError past MAX_NETWORKS. */
  addNetwork(spec: DnsNetworkSpec): void;
  /** Removes a network with no endpoints. NotFoundError; ConflictError when endpoints remain. */
  removeNetwork(name: string): void;
  /** Attaches a container to a network. NotFoundError (network); ConflictError (already attached); ValidationError (names, addresses). */
  connect(spec: DnsEndpointSpec): void;
  /** Detaches a container from a network. NotFoundError when the network or the attachment does not exist. */
  disconnect(network: string, containerId: string): void;
  /**
   * Resolves `name` for the container `askerId` (attached to at least one network, else NotFoundError).
   * `PTR` takes a reverse name (`2.0.18.172.in-addr.arpa`, or 32 nibbles + `.ip6.arpa`; ValidationError otherwise).
   */
  resolve(askerId: string, name: string, type?: DnsRecordType): DnsAnswer;
}
