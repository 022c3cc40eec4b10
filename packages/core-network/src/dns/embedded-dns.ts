// Docker's embedded DNS (reference §1 "Names and DNS"): per user-defined network, the names of the
// endpoints on it; an asker sees only networks it is attached to; anything else goes upstream.

import { ConflictError, LimitExceededError, NotFoundError, ValidationError } from '@strata/shared-types';
import { canonicalAddress, isWildcard } from '../ports/address.js';
import { normalizeDnsName } from './dns-name.js';
import { addressOfReverseName } from './reverse-name.js';
import {
  DEFAULT_BRIDGE_NETWORK,
  DNS_TTL_SECONDS,
  GW_PRIORITY_RANGE,
  MAX_ALIASES_PER_ENDPOINT,
  MAX_ENDPOINTS,
  MAX_NETWORKS,
} from './types.js';
import type { DnsAnswer, DnsEndpointSpec, DnsNetworkSpec, DnsRecordType, EmbeddedDns, EmbeddedDnsOptions } from './types.js';

const MAX_NETWORK_NAME_LENGTH = 128;
const MAX_CONTAINER_ID_LENGTH = 128;

interface Network {
  readonly name: string;
  readonly defaultBridge: boolean;
  readonly internal: boolean;
  /** containerId → endpoint, in connection order. */
  readonly endpoints: Map<string, Endpoint>;
}

interface Endpoint {
  readonly containerId: string;
  /** As given (no trailing dot): the name PTR answers give, moby's first DNS name of the endpoint. */
  readonly containerName: string;
  readonly ipv4: string | undefined;
  readonly ipv6: string | undefined;
  readonly names: ReadonlySet<string>;
  readonly gwPriority: number;
}

function checkString(value: unknown, field: string, max: number): string {
  if (typeof value === 'string' && value.length > 0 && value.length <= max) return value;
  throw new ValidationError(`${field} must be a non-empty string of at most ${max} characters; got ${JSON.stringify(value)}`, {
    path: field,
    accepted: `string, 1..${max} characters`,
    given: value,
  });
}

function checkAddress(value: unknown, field: string, family: 'ipv4' | 'ipv6'): string {
  const parsed = canonicalAddress(value, field);
  if (parsed.family !== family || isWildcard(parsed.address)) {
    throw new ValidationError(`${field} must be a unicast ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address; got ${JSON.stringify(value)}`, {
      path: field,
      accepted: `${family} unicast address`,
      given: value,
    });
  }
  return parsed.address;
}

const SHORT_ID = /^[0-9a-f]{12,}$/i;

/** Creates an empty embedded resolver for one host. */
export function createEmbeddedDns(options: EmbeddedDnsOptions = {}): EmbeddedDns {
  const networks = new Map<string, Network>();
  let endpointCount = 0;

  function network(name: string): Network {
    const found = networks.get(name);
    if (found === undefined) throw new NotFoundError('network', String(name));
    return found;
  }

  function addNetwork(spec: DnsNetworkSpec): void {
    const name = checkString(spec.name, 'name', MAX_NETWORK_NAME_LENGTH);
    if (networks.has(name)) throw new ConflictError(`network with name ${name} already exists`, { name });
    if (networks.size >= MAX_NETWORKS) {
      throw new LimitExceededError(`this resolver already tracks ${MAX_NETWORKS} networks, the limit; remove one first`, { limit: MAX_NETWORKS });
    }
    networks.set(name, {
      name,
      defaultBridge: spec.defaultBridge ?? name === DEFAULT_BRIDGE_NETWORK,
      internal: spec.internal ?? false,
      endpoints: new Map(),
    });
  }

  function removeNetwork(name: string): void {
    const net = network(name);
    if (net.endpoints.size > 0) {
      // Reference §1 "Isolation, multiple networks, removal" (v28.1+ text).
      const list = [...net.endpoints.values()].map((e) => `id:"${e.containerId}"`).join(', ');
      throw new ConflictError(`error while removing network: network ${name} has active endpoints (${list})`, {
        name,
        endpoints: [...net.endpoints.keys()],
      });
    }
    networks.delete(name);
  }

  function connect(spec: DnsEndpointSpec): void {
    const containerId = checkString(spec.containerId, 'containerId', MAX_CONTAINER_ID_LENGTH);
    const net = network(checkString(spec.network, 'network', MAX_NETWORK_NAME_LENGTH));
    const ipv4 = spec.ipv4 === undefined ? undefined : checkAddress(spec.ipv4, 'ipv4', 'ipv4');
    const ipv6 = spec.ipv6 === undefined ? undefined : checkAddress(spec.ipv6, 'ipv6', 'ipv6');
    if (ipv4 === undefined && ipv6 === undefined) {
      throw new ValidationError('an endpoint needs an address: give ipv4, ipv6 or both; got neither', { path: 'ipv4', accepted: 'ipv4 and/or ipv6' });
    }
    const aliases = spec.aliases ?? [];
    if (aliases.length > MAX_ALIASES_PER_ENDPOINT) {
      throw new ValidationError(`aliases may hold at most ${MAX_ALIASES_PER_ENDPOINT} names; got ${aliases.length}`, {
        path: 'aliases',
        accepted: `at most ${MAX_ALIASES_PER_ENDPOINT} names`,
        given: aliases.length,
      });
    }
    if (net.defaultBridge && aliases.length > 0) {
      // Docker refuses `--network-alias` on the default bridge (runconfig ErrUnsupportedNetworkAndAlias;
      // beyond the reference, which only says the default bridge has no name resolution).
      throw new ValidationError(
        `network-scoped alias is supported only for containers in user defined networks; ${net.name} is the default bridge, given aliases ${JSON.stringify(aliases)}`,
        { path: 'aliases', accepted: 'no aliases on the default bridge', given: aliases },
      );
    }
    const gwPriority = spec.gwPriority ?? 0;
    if (!Number.isSafeInteger(gwPriority) || gwPriority < GW_PRIORITY_RANGE.min || gwPriority > GW_PRIORITY_RANGE.max) {
      throw new ValidationError(`gwPriority must be an integer ${GW_PRIORITY_RANGE.min}..${GW_PRIORITY_RANGE.max}; got ${JSON.stringify(gwPriority)}`, {
        path: 'gwPriority',
        accepted: GW_PRIORITY_RANGE,
        given: gwPriority,
      });
    }
    const containerName = normalizeDnsName(spec.containerName, 'containerName');
    const names = new Set<string>([containerName]);
    aliases.forEach((alias, i) => names.add(normalizeDnsName(alias, `aliases[${i}]`)));
    if (spec.hostname !== undefined) names.add(normalizeDnsName(spec.hostname, 'hostname'));
    if (SHORT_ID.test(containerId)) names.add(containerId.slice(0, 12).toLowerCase());
    if (net.endpoints.has(containerId)) {
      throw new ConflictError(`container ${containerId} is already attached to network ${net.name}; disconnect it first`, {
        network: net.name,
        containerId,
      });
    }
    if (endpointCount >= MAX_ENDPOINTS) {
      throw new LimitExceededError(`this resolver already tracks ${MAX_ENDPOINTS} endpoints, the limit; disconnect one first`, { limit: MAX_ENDPOINTS });
    }
    const givenName = spec.containerName.endsWith('.') ? spec.containerName.slice(0, -1) : spec.containerName;
    net.endpoints.set(containerId, { containerId, containerName: givenName, ipv4, ipv6, names, gwPriority });
    endpointCount++;
  }

  function disconnect(networkName: string, containerId: string): void {
    const net = network(networkName);
    if (!net.endpoints.delete(containerId)) throw new NotFoundError('endpoint', `${containerId} on network ${networkName}`);
    endpointCount--;
  }

  /**
   * The asker's networks in resolution order. The reference gives the default-gateway order of
   * moby's `Endpoint.Less` (gw-priority, non-internal, has a gateway, name); moby's
   * Sandbox.ResolveName walks `sb.Endpoints()`, kept in that order (libnetwork/sandbox.go, read
   * beyond the reference). Every bridge network here has a gateway, so that key is not modelled.
   */
  function askerNetworks(askerId: string): Network[] {
    const attached = [...networks.values()].filter((n) => n.endpoints.has(askerId));
    return attached.sort((a, b) => {
      const pa = a.endpoints.get(askerId)!.gwPriority;
      const pb = b.endpoints.get(askerId)!.gwPriority;
      if (pa !== pb) return pb - pa;
      if (a.internal !== b.internal) return a.internal ? 1 : -1;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
  }

  function shuffled(addresses: string[]): string[] {
    const shuffle = options.shuffle;
    if (shuffle === undefined) return addresses;
    for (let i = addresses.length - 1; i > 0; i--) {
      const j = shuffle.int(0, i);
      [addresses[i], addresses[j]] = [addresses[j]!, addresses[i]!];
    }
    return addresses;
  }

  /**
   * PTR (reference §1: "PTR for those IPs"): the first of the asker's networks, in resolution order,
   * with an endpoint holding the address answers `<container name>.<network>` (moby Sandbox.ResolveIP
   * over Network.ResolveIP); an address on no such network goes upstream like an unknown name.
   */
  function resolvePointer(attached: readonly Network[], name: string): DnsAnswer {
    const address = addressOfReverseName(name, 'name');
    const served = attached.filter((n) => !n.defaultBridge);
    for (const net of served) {
      for (const e of net.endpoints.values()) {
        if (e.ipv4 === address || e.ipv6 === address) {
          return { kind: 'pointer', name, type: 'PTR', address, network: net.name, target: `${e.containerName}.${net.name}`, ttl: DNS_TTL_SECONDS };
        }
      }
    }
    return served.length === 0 || attached.some((n) => !n.internal) ? { kind: 'forwarded', name, type: 'PTR' } : { kind: 'nxdomain', name, type: 'PTR' };
  }

  function lookupIn(net: Network, label: string, name: string, type: 'A' | 'AAAA'): DnsAnswer | undefined {
    const holders = [...net.endpoints.values()].filter((e) => e.names.has(label));
    if (holders.length === 0) return undefined;
    const addresses = holders.flatMap((e) => {
      const address = type === 'A' ? e.ipv4 : e.ipv6;
      return address === undefined ? [] : [address];
    });
    if (addresses.length === 0) return { kind: 'nodata', name, type, network: net.name };
    return { kind: 'answer', name, type, network: net.name, addresses: shuffled(addresses), ttl: DNS_TTL_SECONDS };
  }

  function resolve(askerId: string, query: string, type: DnsRecordType = 'A'): DnsAnswer {
    if (type !== 'A' && type !== 'AAAA' && type !== 'PTR') {
      throw new ValidationError(`type must be 'A', 'AAAA' or 'PTR'; got ${JSON.stringify(type)}`, { path: 'type', accepted: ['A', 'AAAA', 'PTR'], given: type });
    }
    const name = normalizeDnsName(query, 'name');
    const attached = askerNetworks(askerId);
    if (attached.length === 0) throw new NotFoundError('container', `${String(askerId)} (attached to no network)`);
    if (type === 'PTR') return resolvePointer(attached, name);
    // Reference §1: the default bridge has no name resolution between containers; a container only
    // on it uses the host's resolv.conf, so every query goes to the host's resolvers.
    const served = attached.filter((n) => !n.defaultBridge);
    if (served.length === 0) return { kind: 'forwarded', name, type };
    // `name` on any network, then `a.b` in network `c`, `a` in network `b.c` (moby ResolveName's
    // container_name.network_name form).
    const labels = name.split('.');
    for (let cut = labels.length; cut >= 1; cut--) {
      const label = labels.slice(0, cut).join('.');
      const scope = cut === labels.length ? undefined : labels.slice(cut).join('.');
      // moby Sandbox.resolveName: the first network holding an address of the type wins; a network
      // that holds the name without one only yields NODATA when no later network has an address.
      let noData: DnsAnswer | undefined;
      for (const net of served) {
        if (scope !== undefined && net.name.toLowerCase() !== scope) continue;
        const answer = lookupIn(net, label, name, type);
        if (answer?.kind === 'answer') return answer;
        noData ??= answer;
      }
      if (noData !== undefined) return noData;
    }
    // Unknown here: forwarded upstream (reference: "usually NXDOMAIN" there) unless every network is internal.
    return attached.some((n) => !n.internal) ? { kind: 'forwarded', name, type } : { kind: 'nxdomain', name, type };
  }

  return { addNetwork, removeNetwork, connect, disconnect, resolve };
}
