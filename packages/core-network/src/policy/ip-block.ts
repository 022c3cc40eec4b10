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
  if (cidr[0].kind() === 'ipv4') {
    // IPv4: compare 32-bit numbers under masks instead of octet by octet.
    const [net, mask] = v4(cidr);
    const ex = excepts.map(v4);
    return (address) => {
      if (address.kind() !== 'ipv4') return false;
      const n = v4Number(address as ipaddr.IPv4);
      if (((n & mask) >>> 0) !== net) return false;
      for (const [eNet, eMask] of ex) if (((n & eMask) >>> 0) === eNet) return false;
      return true;
    };
  }
  return (address) => inRange(address, cidr) && !excepts.some((range) => inRange(address, range));
}

const V4_NUMBERS = new WeakMap<ipaddr.IPv4, number>();

function v4Number(address: ipaddr.IPv4): number {
  let n = V4_NUMBERS.get(address);
  if (n === undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = address.octets;
    n = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
    V4_NUMBERS.set(address, n);
  }
  return n;
}

function v4(range: Range): [number, number] {
  const mask = range[1] === 0 ? 0 : (0xffffffff << (32 - range[1])) >>> 0;
  return [(v4Number(range[0] as ipaddr.IPv4) & mask) >>> 0, mask];
}

/** Parse an address already validated by the Pod schema. */
export function parseAddress(text: string): Address {
  return ipaddr.parse(text);
}
