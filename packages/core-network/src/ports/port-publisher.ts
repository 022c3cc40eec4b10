// A host's port allocator and publication table, with Docker's semantics (reference §1 "Port
// publishing", moby libnetwork/portallocator): conflicts per (host IP, protocol, port), wildcard
// overlap within a family, sequential ephemeral allocation per (IP, protocol), port ranges.

import {
  ConflictError,
  InsufficientResourcesError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
} from '@strata/shared-types';
import { canonicalAddress, familyOf, IPV4_ANY, IPV6_ANY, isWildcard, joinHostPort } from './address.js';
import {
  DEFAULT_EPHEMERAL_RANGE,
  DEFAULT_MAX_PUBLICATIONS,
  MAX_PORT,
  MIN_PORT,
  PROTOCOLS,
} from './types.js';
import type {
  EphemeralRange,
  PortBinding,
  PortPublisher,
  PortPublisherOptions,
  PortRange,
  Protocol,
  Publication,
  PublishSpec,
} from './types.js';
import { formatPortRange, planPorts, rangeLength, type PortPlan } from './port-ranges.js';

const MAX_CONTAINER_ID_LENGTH = 128;
const MAX_PUBLICATIONS_LIMIT = 1_000_000;

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** A port 1..65535 at `field` (options only: publish specs go through port-ranges' planPorts). */
function checkPort(value: unknown, field: string): number {
  if (isInt(value) && value >= MIN_PORT && value <= MAX_PORT) return value;
  const accepted = `an integer ${MIN_PORT}..${MAX_PORT}`;
  throw new ValidationError(`${field} must be ${accepted}; got ${JSON.stringify(value)}`, { path: field, accepted, given: value });
}

function checkProtocol(value: unknown): Protocol {
  if (value === undefined) return 'tcp';
  if (typeof value === 'string' && (PROTOCOLS as readonly string[]).includes(value)) return value as Protocol;
  throw new ValidationError(`protocol must be one of ${PROTOCOLS.join(', ')} (default tcp); got ${JSON.stringify(value)}`, {
    path: 'protocol',
    accepted: PROTOCOLS,
    given: value,
  });
}

function checkOptions(options: PortPublisherOptions): { range: EphemeralRange; reserved: ReadonlySet<number>; max: number } {
  const range = options.ephemeralRange ?? DEFAULT_EPHEMERAL_RANGE;
  const start = checkPort(range.start, 'ephemeralRange.start');
  const end = checkPort(range.end, 'ephemeralRange.end');
  if (start > end) {
    throw new ValidationError(`ephemeralRange must have start <= end (like ip_local_port_range "32768 60999"); got ${start}-${end}`, {
      path: 'ephemeralRange',
      accepted: 'start <= end, both 1..65535',
      given: range,
    });
  }
  const reservedList = options.reservedPorts ?? [];
  if (reservedList.length > MAX_PORT) {
    throw new ValidationError(`reservedPorts may hold at most ${MAX_PORT} ports; got ${reservedList.length}`, {
      path: 'reservedPorts',
      accepted: `at most ${MAX_PORT} ports`,
      given: reservedList.length,
    });
  }
  const reserved = new Set(reservedList.map((p, i) => checkPort(p, `reservedPorts[${i}]`)));
  const max = options.maxPublications ?? DEFAULT_MAX_PUBLICATIONS;
  if (!isInt(max) || max < 1 || max > MAX_PUBLICATIONS_LIMIT) {
    throw new ValidationError(`maxPublications must be an integer 1..${MAX_PUBLICATIONS_LIMIT}; got ${JSON.stringify(max)}`, {
      path: 'maxPublications',
      accepted: `integer 1..${MAX_PUBLICATIONS_LIMIT}`,
      given: max,
    });
  }
  return { range: { start, end }, reserved, max };
}

/**
 * True when a binding on (`a`, port, proto) and one on (`b`, port, proto) cannot coexist.
 * Reference §1 "Port publishing" and §6 item 6: conflicts are per (host IP, proto, port), and
 * 0.0.0.0 / :: overlap every address of their own family (a specific-IP binding and the wildcard
 * of its family clash, in either order). IPv4 and IPv6 never clash with each other.
 */
function addressesOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  if (familyOf(a) !== familyOf(b)) return false;
  return isWildcard(a) || isWildcard(b);
}

/** The allocator cursor of (protocol, host IP): of the ephemeral range, or of one host range. */
function cursorKey(protocol: Protocol, hostIp: string, hostRange?: PortRange): string {
  return hostRange === undefined ? `${protocol}/${hostIp}` : `${protocol}/${hostIp}/${hostRange.start}-${hostRange.end}`;
}

/** Creates an empty port publisher for one host. Throws ValidationError for bad options. */
export function createPortPublisher(options: PortPublisherOptions = {}): PortPublisher {
  const { range, reserved, max } = checkOptions(options);
  const publications = new Map<string, Publication>();
  /** Live bindings by `protocol/port`, so a conflict check looks at one port's bindings, not all. */
  const byPort = new Map<string, PortBinding[]>();
  const cursors = new Map<string, number>();
  let nextId = 1;

  /** The live binding that (hostIp, hostPort, protocol) would clash with, if any. */
  function holder(hostIp: string, hostPort: number, protocol: Protocol): PortBinding | undefined {
    return byPort.get(`${protocol}/${hostPort}`)?.find((b) => addressesOverlap(b.hostIp, hostIp));
  }

  function isFree(addresses: readonly string[], port: number, protocol: Protocol, taking: ReadonlySet<number>): boolean {
    return !taking.has(port) && addresses.every((ip) => holder(ip, port, protocol) === undefined);
  }

  /**
   * Docker's allocator: the port after the last one given for (IP, proto), wrapping; never
   * lowest-free (reference §1, §6 item 5). `count` ports, one per container port of a range, as
   * Docker's one-mapping-at-a-time allocation would give them. Reads only; the caller moves the cursor.
   */
  function allocateEphemeral(addresses: readonly string[], protocol: Protocol, count: number): number[] {
    const size = range.end - range.start + 1;
    const last = cursors.get(cursorKey(protocol, addresses[0]!));
    let port = last === undefined || last < range.start || last >= range.end ? range.start : last + 1;
    const taken: number[] = [];
    const taking = new Set<number>();
    for (let tried = 0; tried < size && taken.length < count; tried++) {
      if (!reserved.has(port) && isFree(addresses, port, protocol, taking)) {
        taken.push(port);
        taking.add(port);
      }
      port = port === range.end ? range.start : port + 1;
    }
    if (taken.length === count) return taken;
    // `all ports are allocated` is moby's ErrAllPortsAllocated text (not in the reference).
    throw new InsufficientResourcesError(
      `all ports are allocated: no ${count > 1 ? `${count} free ${protocol} ports` : `free ${protocol} port`} on ${addresses.join(' and ')} in the ephemeral range ${range.start}-${range.end}` +
        `${reserved.size > 0 ? ` (${reserved.size} reserved ports skipped)` : ''}; unpublish a port, give an explicit host port, or widen the range`,
      { protocol, hostIps: addresses, range, reserved: reserved.size, wanted: count },
    );
  }

  /**
   * A host range beside one container port: moby's portallocator keeps a cursor per (IP, proto,
   * range), starting at the range's end, and gives the first free port after it, wrapping (so the
   * first pick is the range's first free port). Reserved ports apply to the ephemeral range only.
   */
  function pickInRange(addresses: readonly string[], protocol: Protocol, hostRange: PortRange): number {
    const last = cursors.get(cursorKey(protocol, addresses[0]!, hostRange)) ?? hostRange.end;
    let port = last;
    for (let tried = 0; tried < rangeLength(hostRange); tried++) {
      port = port >= hostRange.end ? hostRange.start : port + 1;
      if (isFree(addresses, port, protocol, new Set())) return port;
    }
    const first = holder(addresses[0]!, hostRange.start, protocol) ?? holder(addresses.at(-1)!, hostRange.start, protocol);
    throw new ConflictError(
      `all ports are allocated: every ${protocol} port of ${formatPortRange(hostRange)} on ${addresses.join(' and ')} is already published` +
        `${first === undefined ? '' : ` (${joinHostPort(first.hostIp, first.hostPort)} by container ${first.containerId}, …)`}; nothing was published: unpublish one, or choose another host range`,
      { protocol, hostIps: addresses, hostRange },
    );
  }

  /** Fixed host ports: the first taken one is Docker's `Bind for … failed: port is already allocated`. */
  function checkFixed(addresses: readonly string[], protocol: Protocol, hostPorts: readonly number[], plan: PortPlan): void {
    const many = hostPorts.length > 1;
    for (const hostPort of hostPorts) {
      for (const ip of addresses) {
        const held = holder(ip, hostPort, protocol);
        if (held === undefined) continue;
        // Docker's exact text first (reference §1: `Bind for 0.0.0.0:8080 failed: port is already allocated`,
        // the address being the mapping that collided, i.e. the existing one). moby's portallocator
        // (read beyond the reference) formats it `%s:%d` with the IP's plain string, so IPv6 reads
        // `Bind for :::8080 …`; where several collide Go's map order picks one at random, we take the
        // first in publish order. Then what was asked, what holds it and what to change.
        const asked = many
          ? `${protocol} ${joinHostPort(ip, hostPorts[0]!)}-${hostPorts.at(-1)!} → ${formatPortRange(plan.containerPorts)}`
          : `${protocol} ${joinHostPort(ip, hostPort)}`;
        throw new ConflictError(
          `Bind for ${held.hostIp}:${hostPort} failed: port is already allocated` +
            ` (asked for ${asked}; ${joinHostPort(held.hostIp, held.hostPort)} is published by container ${held.containerId};` +
            ` ${many ? 'nothing of the range was published: choose another host range, or omit it for ephemeral ports)' : 'choose another host port, or 0 for an ephemeral one)'}`,
          { hostIp: ip, hostPort, protocol, heldBy: held },
        );
      }
    }
  }

  function publish(spec: PublishSpec): Publication {
    if (typeof spec !== 'object' || spec === null) {
      throw new ValidationError(`publish needs a spec object { containerId, containerIp, containerPort, protocol?, hostIp?, hostPort? }; got ${JSON.stringify(spec)}`, {
        path: '',
        given: spec,
      });
    }
    const { containerId } = spec;
    if (typeof containerId !== 'string' || containerId.length === 0 || containerId.length > MAX_CONTAINER_ID_LENGTH) {
      throw new ValidationError(`containerId must be a non-empty string of at most ${MAX_CONTAINER_ID_LENGTH} characters; got ${JSON.stringify(containerId)}`, {
        path: 'containerId',
        accepted: `string, 1..${MAX_CONTAINER_ID_LENGTH} characters`,
        given: containerId,
      });
    }
    const container = canonicalAddress(spec.containerIp, 'containerIp');
    if (isWildcard(container.address)) {
      throw new ValidationError(`containerIp must be the container's own address, not the wildcard ${container.address}`, {
        path: 'containerIp',
        accepted: 'a unicast IPv4 or IPv6 address',
        given: spec.containerIp,
      });
    }
    const plan = planPorts(spec.containerPort, spec.hostPort);
    const protocol = checkProtocol(spec.protocol);
    // Reference §1: no host IP → both 0.0.0.0 and ::.
    const addresses = spec.hostIp === undefined ? [IPV4_ANY, IPV6_ANY] : [canonicalAddress(spec.hostIp, 'hostIp').address];

    if (publications.size >= max) {
      throw new LimitExceededError(`this host already holds ${publications.size} port publications, the limit (maxPublications ${max}); unpublish one first`, {
        limit: max,
        given: publications.size + 1,
      });
    }

    const count = rangeLength(plan.containerPorts);
    let hostPorts: number[];
    switch (plan.host.kind) {
      case 'ephemeral':
        hostPorts = allocateEphemeral(addresses, protocol, count);
        break;
      case 'pick':
        hostPorts = [pickInRange(addresses, protocol, plan.host.hostRange)];
        break;
      case 'fixed': {
        const { hostStart } = plan.host;
        hostPorts = Array.from({ length: count }, (_, i) => hostStart + i);
        checkFixed(addresses, protocol, hostPorts, plan);
        break;
      }
      default: {
        const never: never = plan.host;
        throw new Error(`unknown host port choice ${JSON.stringify(never)}`);
      }
    }

    // Validated; now mutate.
    const id = `pub-${nextId++}`;
    const bindings = hostPorts.flatMap((hostPort, i) =>
      addresses.map((hostIp) => ({
        publicationId: id,
        containerId,
        protocol,
        hostIp,
        hostPort,
        containerIp: container.address,
        containerPort: plan.containerPorts.start + i,
      })),
    );
    for (const b of bindings) {
      const key = `${protocol}/${b.hostPort}`;
      byPort.set(key, [...(byPort.get(key) ?? []), b]);
    }
    if (plan.host.kind === 'ephemeral') for (const ip of addresses) cursors.set(cursorKey(protocol, ip), hostPorts.at(-1)!);
    if (plan.host.kind === 'pick') for (const ip of addresses) cursors.set(cursorKey(protocol, ip, plan.host.hostRange), hostPorts[0]!);
    const publication: Publication = { id, containerId, bindings };
    publications.set(id, publication);
    return publication;
  }

  /** Forgets a publication's bindings in the port index. */
  function unindex(publication: Publication): void {
    for (const b of publication.bindings) {
      const key = `${b.protocol}/${b.hostPort}`;
      const rest = (byPort.get(key) ?? []).filter((x) => x !== b);
      if (rest.length === 0) byPort.delete(key);
      else byPort.set(key, rest);
    }
  }

  function unpublish(publicationId: string): Publication {
    const publication = publications.get(publicationId);
    if (publication === undefined) throw new NotFoundError('port publication', String(publicationId));
    publications.delete(publicationId);
    unindex(publication);
    return publication;
  }

  function unpublishContainer(containerId: string): readonly Publication[] {
    const released = [...publications.values()].filter((p) => p.containerId === containerId);
    for (const p of released) {
      publications.delete(p.id);
      unindex(p);
    }
    return released;
  }

  function list(): readonly PortBinding[] {
    return [...publications.values()].flatMap((p) => p.bindings);
  }

  function lookup(hostIp: string, hostPort: number, protocol: Protocol): PortBinding | undefined {
    const ip = canonicalAddress(hostIp, 'hostIp').address;
    const all = byPort.get(`${protocol}/${hostPort}`) ?? [];
    return all.find((b) => b.hostIp === ip) ?? all.find((b) => isWildcard(b.hostIp) && familyOf(b.hostIp) === familyOf(ip));
  }

  return {
    publish,
    unpublish,
    unpublishContainer,
    list,
    bindingsOf: (containerId) => list().filter((b) => b.containerId === containerId),
    lookup,
    snapshot: () => ({ bindings: list(), cursors: Object.fromEntries([...cursors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) }),
  };
}
