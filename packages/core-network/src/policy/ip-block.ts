// ipBlock peers: an address matches when it lies in `cidr` and in none of `except` (IPv4 and IPv6).
import ipaddr from 'ipaddr.js';
import { ValidationError, type IPBlock } from '@strata/shared-types';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/** A compiled ipBlock: true when `address` is inside `cidr` and outside every `except`. */
export type AddressPredicate = (address: Address) => boolean;

function parseRange(text: string, path: string): Range {
  try {
    return ipaddr.parseCIDR(text);
  } catch (cause) {
    throw new ValidationError(`${path}: expected a CIDR such as "10.0.0.0/16" or "fd00::/64", got ${JSON.stringify(text)}`, { path, accepted: 'IPv4 or IPv6 CIDR', given: text }, { cause });
  }
}

function inRange(address: Address, range: Range): boolean {
  return address.kind() === range[0].kind() && address.match(range);
}

/**
 * Compile an ipBlock. Every `except` must be a strict subset of `cidr` of the same family, as the
 * API server requires; `path` names the block in the error otherwise.
 */
export function compileIpBlock(block: IPBlock, path: string): AddressPredicate {
  const cidr = parseRange(block.cidr, `${path}.cidr`);
  const excepts = (block.except ?? []).map((text, i) => {
    const at = `${path}.except[${i}]`;
    const range = parseRange(text, at);
    if (!inRange(range[0], cidr) || range[1] <= cidr[1]) {
      throw new ValidationError(`${at}: expected a CIDR strictly inside ${block.cidr}, got ${JSON.stringify(text)}`, { path: at, accepted: `a strict subset of ${block.cidr}`, given: text });
    }
    return range;
  });
  return (address) => inRange(address, cidr) && !excepts.some((range) => inRange(address, range));
}

/** Parse an address already validated by the Pod schema. */
export function parseAddress(text: string): Address {
  return ipaddr.parse(text);
}
