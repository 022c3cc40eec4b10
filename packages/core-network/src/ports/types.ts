// Types and limits of port publishing (`docker run -p`) and of the NAT lookup built on it.

/** Transport protocols Docker publishes: `-p 80/tcp|udp|sctp` (default tcp). */
export type Protocol = 'tcp' | 'udp' | 'sctp';

/** Every accepted protocol, in the order error messages list them. */
export const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'sctp'];

/** Lowest port number a binding may use (0 is not a port: it asks for an ephemeral one). */
export const MIN_PORT = 1;
/** Highest port number. */
export const MAX_PORT = 65535;

/** Linux `net.ipv4.ip_local_port_range` default (kern ip-sysctl.rst): 32768..60999, both inclusive. */
export const DEFAULT_EPHEMERAL_RANGE: EphemeralRange = { start: 32768, end: 60999 };

/** Default cap on live publications per host (a bound of ours, not Docker's). Range 1..1_000_000. */
export const DEFAULT_MAX_PUBLICATIONS = 10_000;

/** An inclusive port range, MIN_PORT <= start <= end <= MAX_PORT. */
export interface EphemeralRange {
  readonly start: number;
  readonly end: number;
}

/** A request to publish one container port: `-p [hostIp:][hostPort:]containerPort[/protocol]`. */
export interface PublishSpec {
  /** The owning container (non-empty, at most 128 chars). */
  readonly containerId: string;
  /** The container's address the published port forwards to (IPv4 or IPv6, not a wildcard). */
  readonly containerIp: string;
  /** 1..65535. */
  readonly containerPort: number;
  /** Default 'tcp'. */
  readonly protocol?: Protocol;
  /** Omitted: bind both 0.0.0.0 and :: (Docker's default). Otherwise one IPv4 or IPv6 address. */
  readonly hostIp?: string;
  /** 0..65535; 0 or omitted: an ephemeral port from the configured range. */
  readonly hostPort?: number;
}

/** One live `hostIp:hostPort/protocol → containerIp:containerPort` mapping. */
export interface PortBinding {
  readonly publicationId: string;
  readonly containerId: string;
  readonly protocol: Protocol;
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerIp: string;
  readonly containerPort: number;
}

/** The result of one publish: one binding per host address (two when the host IP was omitted). */
export interface Publication {
  readonly id: string;
  readonly containerId: string;
  readonly bindings: readonly PortBinding[];
}

/** Options of a host's port publisher; every field optional. */
export interface PortPublisherOptions {
  /** Ephemeral range (ip_local_port_range); default 32768..60999. */
  readonly ephemeralRange?: EphemeralRange;
  /** Ports never handed out as ephemeral (ip_local_reserved_ports, Docker v29.6.0+); each 1..65535, at most 65535 entries. */
  readonly reservedPorts?: readonly number[];
  /** Cap on live publications, 1..1_000_000; default DEFAULT_MAX_PUBLICATIONS. */
  readonly maxPublications?: number;
}

/** The allocator's whole state, for equality checks and persistence: live bindings and the per-(IP, protocol) ephemeral cursors. */
export interface PortAllocatorSnapshot {
  readonly bindings: readonly PortBinding[];
  /** Last ephemeral port handed out, keyed `protocol/hostIp`. */
  readonly cursors: Readonly<Record<string, number>>;
}

/**
 * One host's published ports. Commands validate fully before they change anything.
 * Lifecycle of a publication: `publish` → `unpublish` (or `unpublishContainer`).
 */
export interface PortPublisher {
  /** Publishes a container port. Throws ValidationError (bad spec), ConflictError (`Bind for … failed: port is already allocated`), InsufficientResourcesError (`all ports are allocated`), LimitExceededError (too many publications). */
  publish(spec: PublishSpec): Publication;
  /** Releases a publication's bindings; the ephemeral cursor does not move back. Throws NotFoundError for an unknown id. */
  unpublish(publicationId: string): Publication;
  /** Releases every publication of a container (none is not an error); returns them in publish order. */
  unpublishContainer(containerId: string): readonly Publication[];
  /** Every live binding, in publish order. */
  list(): readonly PortBinding[];
  /** Live bindings of one container, in publish order (`docker port`). */
  bindingsOf(containerId: string): readonly PortBinding[];
  /** The binding that receives traffic to `hostIp:hostPort/protocol`: an exact-address binding first, then the wildcard of that family. */
  lookup(hostIp: string, hostPort: number, protocol: Protocol): PortBinding | undefined;
  /** The allocator state (bindings and cursors), a detached copy. */
  snapshot(): PortAllocatorSnapshot;
}
