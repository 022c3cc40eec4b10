// IP addresses: strict parsing of user text into (family, bigint) and canonical formatting back.
// Externally an address is always its canonical string; inside, a bigint makes v4 and v6 math alike.
import ipaddr from 'ipaddr.js';
import { ValidationError } from '@strata/shared-types';

/** An address family: 4 (IPv4) or 6 (IPv6). */
export type IpFamily = 4 | 6;

/** A parsed address: its family and its value as an unsigned integer (0 ≤ value < 2^32 or 2^128). */
export interface IpValue {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** Bits in an address of each family. */
export const ADDRESS_BITS: Readonly<Record<IpFamily, number>> = { 4: 32, 6: 128 };

const ACCEPTED_ADDRESS =
  'an IPv4 address in dotted-decimal form (e.g. 172.18.0.2) or an IPv6 address (e.g. fd00::2, ::ffff:10.0.0.1), without zone or prefix';

/** Family of the address in `text`, or undefined when it is not a valid address (same rules as parseIp). */
export function ipFamilyOf(text: string): IpFamily | undefined {
  const parsed = tryParseIp(text);
  return parsed?.family;
}

/**
 * Parses `text` as an IPv4 or IPv6 address. IPv4 must be four-part dotted decimal without leading
 * zeros (Go's netip.ParseAddr, which Docker uses, rejects the inet_aton forms ipaddr.js would accept:
 * hex, octal, fewer parts). IPv6 zone ids (`%eth0`) are rejected: IPAM has no use for them.
 * Throws ValidationError naming `field` (default 'address').
 */
export function parseIp(text: string, field = 'address'): IpValue {
  const parsed = tryParseIp(text);
  if (parsed === undefined) {
    throw new ValidationError(`invalid ${field} '${String(text)}': expected ${ACCEPTED_ADDRESS}`, {
      path: field,
      accepted: ACCEPTED_ADDRESS,
      given: text,
    });
  }
  return parsed;
}

/** Canonical text of an address: dotted decimal for v4, RFC 5952 for v6 (v4-mapped as ::ffff:a.b.c.d, as Go prints it). */
export function formatIp(ip: IpValue): string {
  if (ip.family === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((s) => String(Number((v >> s) & 0xffn))).join('.');
  }
  if (ip.value >> 32n === 0xffffn) {
    return `::ffff:${formatIp({ family: 4, value: ip.value & 0xffffffffn })}`;
  }
  const parts: number[] = [];
  for (let i = 7; i >= 0; i--) parts.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  return new ipaddr.IPv6(parts).toRFC5952String();
}

/** Canonical form of the address in `text` (e.g. '2001:DB8:0::1' → '2001:db8::1'); ValidationError naming `field` if malformed. */
export function normalizeIp(text: string, field = 'address'): string {
  return formatIp(parseIp(text, field));
}

/** True when `text` is an address parseIp accepts. */
export function isIp(text: string): boolean {
  return tryParseIp(text) !== undefined;
}

function tryParseIp(text: unknown): IpValue | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    return { family: 4, value: bytesToBigint(ipaddr.IPv4.parse(text).toByteArray()) };
  }
  if (!text.includes(':') || text.includes('%') || text.includes('/')) return undefined;
  let v6 = text;
  // ipaddr.js turns every dotted tail into a v4-mapped address (it parses '::1.2.3.4' as
  // '::ffff:1.2.3.4'), so the tail is converted to two hex groups here, strictly.
  const lastColon = v6.lastIndexOf(':');
  const tail = v6.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
    const [a, b, c, d] = ipaddr.IPv4.parse(tail).octets as [number, number, number, number];
    v6 = `${v6.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  if (!ipaddr.IPv6.isValid(v6)) return undefined;
  return { family: 6, value: bytesToBigint(ipaddr.IPv6.parse(v6).toByteArray()) };
}

function bytesToBigint(bytes: readonly number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}
