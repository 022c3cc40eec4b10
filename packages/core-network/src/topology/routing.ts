// Routing tables of network namespaces: routes and the kernel's longest-prefix-match lookup.
import { ValidationError } from '@strata/shared-types';
import { cidrContains, ipFamilyOf, normalizeIp, parseCidr } from '../addressing/index.js';
import { checkInt } from './input-checks.js';

/** Largest route metric accepted (Linux takes a u32; we bound it to a safe integer range). */
export const MAX_ROUTE_METRIC = 2 ** 31 - 1;

/** One route, as `ip route` prints it: `destination [via gateway] dev device [metric m]`. */
export interface Route {
  /** Canonical CIDR; `0.0.0.0/0` (or `::/0`) is the default route. */
  readonly destination: string;
  /** Next hop; absent for on-link routes. */
  readonly gateway?: string;
  /** Interface the route leaves by (`lo`, `eth0`, ...). */
  readonly device: string;
  /** 0..MAX_ROUTE_METRIC, lower preferred among routes of equal prefix; default 0. */
  readonly metric: number;
}

/** A route to add: destination CIDR (or 'default'), optional gateway, device, optional metric. */
export interface RouteSpec {
  readonly destination: string;
  readonly gateway?: string;
  readonly device: string;
  readonly metric?: number;
}

/**
 * Validates a route spec and returns it canonical. ValidationError naming `destination`, `gateway`
 * or `metric`. 'default' means 0.0.0.0/0 (or ::/0 when the gateway is IPv6).
 */
export function normalizeRoute(spec: RouteSpec): Route {
  const gatewayFamily = spec.gateway === undefined ? undefined : ipFamilyOf(spec.gateway);
  const destination =
    spec.destination === 'default' ? (gatewayFamily === 6 ? '::/0' : '0.0.0.0/0') : parseCidr(spec.destination, 'destination').cidr;
  const family = parseCidr(destination, 'destination').family;
  let gateway: string | undefined;
  if (spec.gateway !== undefined) {
    gateway = normalizeIp(spec.gateway, 'gateway');
    if (ipFamilyOf(gateway) !== family) {
      throw new ValidationError(`gateway must be an IPv${family} address like the destination ${destination}; got ${JSON.stringify(spec.gateway)}`, {
        path: 'gateway',
        accepted: `an IPv${family} address`,
        given: spec.gateway,
      });
    }
  }
  const metric = checkInt(spec.metric ?? 0, 0, MAX_ROUTE_METRIC, 'metric');
  return gateway === undefined ? { destination, device: spec.device, metric } : { destination, gateway, device: spec.device, metric };
}

/**
 * The route the kernel picks for `address`: the longest matching prefix; among equal prefixes the
 * lowest metric; then the earliest in `routes`. Undefined when none matches (ENETUNREACH).
 * Precondition: `routes` are canonical (from normalizeRoute); `address` is a valid IP.
 */
export function longestPrefixMatch(routes: readonly Route[], address: string): Route | undefined {
  let best: Route | undefined;
  let bestPrefix = -1;
  for (const route of routes) {
    if (!cidrContains(route.destination, address)) continue;
    const prefix = prefixOf(route.destination);
    if (prefix > bestPrefix || (prefix === bestPrefix && best !== undefined && route.metric < best.metric)) {
      best = route;
      bestPrefix = prefix;
    }
  }
  return best;
}

/** Formats a route as `ip route` does. */
export function formatRoute(route: Route): string {
  const dest = route.destination === '0.0.0.0/0' || route.destination === '::/0' ? 'default' : route.destination;
  const via = route.gateway === undefined ? '' : ` via ${route.gateway}`;
  const metric = route.metric === 0 ? '' : ` metric ${route.metric}`;
  return `${dest}${via} dev ${route.device}${metric}`;
}

function prefixOf(cidr: string): number {
  return Number(cidr.slice(cidr.indexOf('/') + 1));
}
