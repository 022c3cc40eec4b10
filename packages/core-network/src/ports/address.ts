// Address parsing for port publishing and NAT: canonical strings in, canonical strings out.
// Validation only (ipaddr.js); the package's CIDR library lives elsewhere and is not used here.

import ipaddr from 'ipaddr.js';
import { ValidationError } from '@strata/shared-types';

/** Address family of a canonical address string. */
export type AddressFamily = 'ipv4' | 'ipv6';

/** The IPv4 wildcard host address: Docker's default when no host IP is given. */
export const IPV4_ANY = '0.0.0.0';
/** The IPv6 wildcard host address (`::`), bound beside 0.0.0.0 when no host IP is given. */
export const IPV6_ANY = '::';

/** A parsed, canonical address. */
export interface CanonicalAddress {
  readonly address: string;
  readonly family: AddressFamily;
}

/**
 * Parses `value` as an IPv4 dotted quad or an IPv6 address and returns its canonical form
 * (dotted quad; RFC 5952 for IPv6). Throws ValidationError naming `field` otherwise.
 */
export function canonicalAddress(value: unknown, field: string): CanonicalAddress {
  if (typeof value === 'string') {
    if (ipaddr.IPv4.isValidFourPartDecimal(value)) {
      return { address: ipaddr.IPv4.parse(value).toString(), family: 'ipv4' };
    }
    if (ipaddr.IPv6.isValid(value) && !value.includes('%')) {
      return { address: ipaddr.IPv6.parse(value).toRFC5952String(), family: 'ipv6' };
    }
  }
  throw new ValidationError(
    `${field} must be an IPv4 address (dotted quad, e.g. 192.168.1.10) or an IPv6 address (e.g. 2001:db8::1, ::); got ${JSON.stringify(value)}`,
    { path: field, accepted: 'IPv4 dotted quad or IPv6 address', given: value },
  );
}

/** True when `address` (canonical) is the wildcard of its family. */
export function isWildcard(address: string): boolean {
  return address === IPV4_ANY || address === IPV6_ANY;
}

/** The family of a canonical address string. */
export function familyOf(address: string): AddressFamily {
  return address.includes(':') ? 'ipv6' : 'ipv4';
}

/** `ip:port`, with IPv6 in brackets (Go's net.JoinHostPort form). */
export function joinHostPort(address: string, port: number): string {
  return familyOf(address) === 'ipv6' ? `[${address}]:${port}` : `${address}:${port}`;
}

/** True when canonical `address` lies in `subnet` (CIDR, e.g. 172.17.0.0/16); false across families. */
export function inSubnet(address: string, subnet: string): boolean {
  const [net, bits] = ipaddr.parseCIDR(subnet);
  const ip = ipaddr.parse(address);
  return ip.kind() === net.kind() && ip.match(net, bits);
}

/** True when canonical `address` is a loopback address (127.0.0.0/8 or ::1). */
export function isLoopback(address: string): boolean {
  return ipaddr.parse(address).range() === 'loopback';
}

/** Validates a CIDR string (e.g. 172.17.0.0/16); throws ValidationError naming `field`. */
export function checkCidr(value: unknown, field: string): string {
  if (typeof value === 'string' && ipaddr.isValidCIDR(value)) return value;
  throw new ValidationError(
    `${field} must be a CIDR subnet such as 172.17.0.0/16 or fd00::/64; got ${JSON.stringify(value)}`,
    { path: field, accepted: 'CIDR subnet', given: value },
  );
}
