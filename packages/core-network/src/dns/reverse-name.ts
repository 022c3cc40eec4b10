// Reverse-lookup names of PTR queries: `2.0.18.172.in-addr.arpa` (RFC 1035 §3.5) and the 32-nibble
// `….ip6.arpa` (RFC 3596 §2.5), to and from the address they name.

import { ValidationError } from '@strata/shared-types';
import { canonicalAddress } from '../ports/address.js';

const IPV4_SUFFIX = '.in-addr.arpa';
const IPV6_SUFFIX = '.ip6.arpa';
const ACCEPTED = 'a reverse name: the 4 octets of an IPv4 address in reverse order + .in-addr.arpa (2.0.18.172.in-addr.arpa), or the 32 hex nibbles of an IPv6 address in reverse order + .ip6.arpa';
const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const NIBBLE = /^[0-9a-f]$/;

function invalid(field: string, name: string, why: string): ValidationError {
  return new ValidationError(`${field} ${JSON.stringify(name)} is not a reverse name for a PTR query: ${why}; accepted: ${ACCEPTED}`, {
    path: field,
    accepted: ACCEPTED,
    given: name,
  });
}

/**
 * The canonical address a normalised (lower-case, no trailing dot) reverse name stands for.
 * Throws ValidationError naming `field` for any other name, or a partial one (a reverse zone such
 * as `18.172.in-addr.arpa` names no single address).
 */
export function addressOfReverseName(name: string, field: string): string {
  if (name.endsWith(IPV4_SUFFIX)) {
    const labels = name.slice(0, -IPV4_SUFFIX.length).split('.');
    if (labels.length !== 4) throw invalid(field, name, `it has ${labels.length} address labels, not 4`);
    for (const label of labels) if (!OCTET.test(label) || Number(label) > 255) throw invalid(field, name, `${JSON.stringify(label)} is not an octet 0..255`);
    return canonicalAddress(labels.reverse().join('.'), field).address;
  }
  if (name.endsWith(IPV6_SUFFIX)) {
    const nibbles = name.slice(0, -IPV6_SUFFIX.length).split('.');
    if (nibbles.length !== 32) throw invalid(field, name, `it has ${nibbles.length} nibble labels, not 32`);
    for (const nibble of nibbles) if (!NIBBLE.test(nibble)) throw invalid(field, name, `${JSON.stringify(nibble)} is not one hex digit`);
    const hex = nibbles.reverse().join('');
    const groups = Array.from({ length: 8 }, (_, i) => hex.slice(i * 4, i * 4 + 4));
    return canonicalAddress(groups.join(':'), field).address;
  }
  throw invalid(field, name, 'it ends in neither .in-addr.arpa nor .ip6.arpa');
}
