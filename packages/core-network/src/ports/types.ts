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
export interface PortRange {
  readonly start: number;
  readonly end: number;
}

/** The ephemeral range (ip_local_port_range), an inclusive PortRange. */
export type EphemeralRange = PortRange;

/**
 * A request to publish a container port or a range of them:
 * `-p [hostIp:][hostPort[-hostEnd]:]containerPort[-containerEnd][/protocol]`. The forms:
 * - `containerPort: 80, hostPort: 8080` → one binding; `hostPort` 0 or omitted → an ephemeral port;
 * - `containerPort: {80..90}, hostPort: {8000..8010}` → one binding per port, host range as long as the container range;
 * - `containerPort: {80..90}`, no hostPort → one ephemeral host port per container port;
 * - `containerPort: 80, hostPort: {8000..8010}` → one binding, to a free host port of the range (moby's
 *   range allocator: the port after the last one it gave from that range, starting at its first).
 * All or nothing: if one host port is taken, nothing is published.
 */
export interface PublishSpec {
  /** The owning container (non-empty, at most 128 chars). */
  readonly containerId: string;
  /** The container's address the published port forwards to (IPv4 or IPv6, not a wildcard). */
  readonly containerIp: string;
  /** 1..65535, or a range of them. */
  readonly containerPort: number | PortRange;
  /** Default 'tcp'. */
  readonly protocol?: Protocol;
  /** Omitted: bind both 0.0.0.0 and :: (Docker's default). Otherwise one IPv4 or IPv6 address. */
  readonly hostIp?: string;
  /** 0..65535 (0 or omitted: ephemeral ports from the configured range), or a range 1..65535 (see above). */
  readonly hostPort?: number | PortRange;
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

/** The result of one publish: one binding per container port and host address (two addresses when the host IP was omitted), by port then address. */
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
  /** Last port handed out, keyed `protocol/hostIp` (the ephemeral range) or `protocol/hostIp/start-end` (a host range beside one container port). */
  readonly cursors: Readonly<Record<string, number>>;
}

/**
 * One host's published ports. Commands validate fully before they change anything.
 * Lifecycle of a publication: `publish` → `unpublish` (or `unpublishContainer`).
 */
export interface PortPublisher {
  /** Publishes a container port or range, all or nothing. Throws ValidationError (bad spec or range), ConflictError (`Bind for … failed: port is already allocated`; `all ports are allocated` for a full host range), InsufficientResourcesError (`all ports are allocated` in the ephemeral range), LimitExceededError (too many publications). */
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
