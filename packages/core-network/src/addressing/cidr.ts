// CIDR blocks: parsing with Docker's host-bits rule, and the arithmetic pools and IPAM build on
// (contains, overlaps, split, first/last/size, network/broadcast).
import { ValidationError } from '@strata/shared-types';
import { ADDRESS_BITS, formatIp, parseIp, type IpFamily, type IpValue } from './ip.js';

/** A parsed CIDR block: family, network address as an integer (host bits clear) and prefix length. */
export interface CidrValue {
  readonly family: IpFamily;
  readonly network: bigint;
  readonly prefix: number;
}

/** A CIDR block described for callers: canonical text plus its bounds as canonical addresses. */
export interface CidrInfo {
  /** Canonical text, e.g. '172.18.0.0/16' or 'fd00::/64'. */
  readonly cidr: string;
  readonly family: IpFamily;
  /** Prefix length: 0..32 (v4) or 0..128 (v6). */
  readonly prefix: number;
  /** First address of the block (the network address). */
  readonly first: string;
  /** Last address of the block (the broadcast address for v4). */
  readonly last: string;
  /** Number of addresses in the block: 2^(bits − prefix). */
  readonly size: bigint;
}

/** Most subnets splitCidr will list in one call (a /8 into /24s); ask for a shorter newPrefix beyond it. */
export const MAX_SPLIT_SUBNETS = 65_536;

const ACCEPTED_CIDR = 'address/prefix with the host bits clear, e.g. 172.18.0.0/16 (prefix 0..32) or fd00::/64 (prefix 0..128)';

/**
 * Parses `text` ('10.0.0.0/8', 'fd00::/64'). Host bits set ('10.1.2.3/8') are rejected, as Docker's
 * ValidateIPAM does (moby api/types/network/ipam.go: `invalid subnet %s: it should be %s`); ipaddr.js
 * itself would accept and keep them. Throws ValidationError naming `field` (default 'subnet').
 */
export function parseCidrValue(text: string, field = 'subnet'): CidrValue {
  const invalid = (why: string): ValidationError =>
    new ValidationError(`invalid ${field} '${String(text)}': ${why}; expected ${ACCEPTED_CIDR}`, {
      path: field,
      accepted: ACCEPTED_CIDR,
      given: text,
    });
  if (typeof text !== 'string') throw invalid('not a string');
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) throw invalid('invalid CIDR block notation');
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  let ip: IpValue;
  try {
    ip = parseIp(addrText, field);
  } catch {
    throw invalid(`'${addrText}' is not an IP address`);
  }
  const bits = ADDRESS_BITS[ip.family];
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
    throw invalid(`prefix '${prefixText}' is out of range 0..${bits} for IPv${ip.family}`);
  }
  const prefix = Number(prefixText);
  const network = ip.value & prefixMask(ip.family, prefix);
  if (network !== ip.value) {
    const masked = formatCidr({ family: ip.family, network, prefix });
    throw new ValidationError(`invalid ${field} ${text}: it should be ${masked} (host bits must be clear)`, {
      path: field,
      accepted: ACCEPTED_CIDR,
      given: text,
      suggestion: masked,
    });
  }
  return { family: ip.family, network, prefix };
}

/** Canonical text of a block. */
export function formatCidr(c: CidrValue): string {
  return `${formatIp({ family: c.family, value: c.network })}/${c.prefix}`;
}

/** Mask with the top `prefix` bits set. Precondition: 0 ≤ prefix ≤ bits of family. */
function prefixMask(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(ADDRESS_BITS[family]);
  const all = (1n << bits) - 1n;
  return all ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

/** Number of addresses in a block. */
function blockSize(c: CidrValue): bigint {
  return 1n << BigInt(ADDRESS_BITS[c.family] - c.prefix);
}

/** Last address of a block as an integer. */
export function blockLast(c: CidrValue): bigint {
  return c.network + blockSize(c) - 1n;
}

/** True when `ip` lies in block `c` (different families never match). */
export function blockContains(c: CidrValue, ip: IpValue): boolean {
  return c.family === ip.family && ip.value >= c.network && ip.value <= blockLast(c);
}

/** True when blocks share at least one address (aligned blocks either nest or are disjoint). */
export function blocksOverlap(a: CidrValue, b: CidrValue): boolean {
  return a.family === b.family && a.network <= blockLast(b) && b.network <= blockLast(a);
}

/** Parses and describes a block: canonical text, family, prefix, first, last, size. ValidationError naming `field`. */
export function parseCidr(text: string, field = 'subnet'): CidrInfo {
  const c = parseCidrValue(text, field);
  return {
    cidr: formatCidr(c),
    family: c.family,
    prefix: c.prefix,
    first: formatIp({ family: c.family, value: c.network }),
    last: formatIp({ family: c.family, value: blockLast(c) }),
    size: blockSize(c),
  };
}

/** True when address `ip` lies in block `cidr`; false across families. ValidationError on malformed input. */
export function cidrContains(cidr: string, ip: string): boolean {
  return blockContains(parseCidrValue(cidr, 'cidr'), parseIp(ip, 'ip'));
}

/** True when blocks `a` and `b` share an address; false across families. ValidationError on malformed input. */
export function cidrsOverlap(a: string, b: string): boolean {
  return blocksOverlap(parseCidrValue(a, 'a'), parseCidrValue(b, 'b'));
}

/**
 * Splits `cidr` into its /`newPrefix` subnets in ascending order. Requires prefix ≤ newPrefix ≤ bits
 * and at most MAX_SPLIT_SUBNETS results; otherwise ValidationError naming 'newPrefix'.
 */
export function splitCidr(cidr: string, newPrefix: number): string[] {
  const c = parseCidrValue(cidr, 'cidr');
  return splitBlock(c, newPrefix).map(formatCidr);
}

/** splitCidr on a parsed block. */
function splitBlock(c: CidrValue, newPrefix: number): CidrValue[] {
  const bits = ADDRESS_BITS[c.family];
  if (!Number.isInteger(newPrefix) || newPrefix < c.prefix || newPrefix > bits) {
    throw new ValidationError(
      `invalid newPrefix ${String(newPrefix)}: to split ${formatCidr(c)} give an integer from ${c.prefix} to ${bits}`,
      { path: 'newPrefix', accepted: `integer ${c.prefix}..${bits}`, given: newPrefix },
    );
  }
  if (newPrefix - c.prefix > 16) {
    throw new ValidationError(
      `invalid newPrefix ${newPrefix}: splitting ${formatCidr(c)} would give 2^${newPrefix - c.prefix} subnets, more than ${MAX_SPLIT_SUBNETS}; give a newPrefix from ${c.prefix} to ${c.prefix + 16}`,
      { path: 'newPrefix', accepted: `integer ${c.prefix}..${Math.min(bits, c.prefix + 16)}`, given: newPrefix },
    );
  }
  const count = 1 << (newPrefix - c.prefix);
  const step = 1n << BigInt(bits - newPrefix);
  const out: CidrValue[] = [];
  for (let i = 0; i < count; i++) out.push({ family: c.family, network: c.network + BigInt(i) * step, prefix: newPrefix });
  return out;
}

/** First address of `cidr` (its network address). */
export function cidrFirst(cidr: string): string {
  return parseCidr(cidr, 'cidr').first;
}

/** Last address of `cidr` (for v4, its broadcast address). */
export function cidrLast(cidr: string): string {
  return parseCidr(cidr, 'cidr').last;
}

/** Number of addresses in `cidr` (a bigint: a v6 /0 holds 2^128). */
export function cidrSize(cidr: string): bigint {
  return blockSize(parseCidrValue(cidr, 'cidr'));
}

/** Network address of an IPv4 or IPv6 block (all host bits clear). */
export function cidrNetwork(cidr: string): string {
  return parseCidr(cidr, 'cidr').first;
}

/** Broadcast address of an IPv4 block (all host bits set). IPv6 has no broadcast: ValidationError. */
export function cidrBroadcast(cidr: string): string {
  const info = parseCidr(cidr, 'cidr');
  if (info.family !== 4) {
    throw new ValidationError(`invalid cidr '${cidr}': IPv6 has no broadcast address; give an IPv4 block such as 172.18.0.0/16`, {
      path: 'cidr',
      accepted: 'an IPv4 CIDR block',
      given: cidr,
    });
  }
  return info.last;
}
