// Addressing: IP parsing and formatting, CIDR math, Docker-style address pools and per-network IPAM,
// endpoint MACs. Addresses cross this API as canonical strings.

/** An address family: 4 or 6. */
export type { IpFamily } from './ip.js';
/** Strict address parsing (ValidationError naming the field), canonical formatting and checks. */
export { isIp, ipFamilyOf, normalizeIp } from './ip.js';

/** A parsed CIDR block described by canonical strings: cidr, family, prefix, first, last, size. */
export type { CidrInfo } from './cidr.js';
/** Parses a block (host bits set are rejected, as Docker does) and describes it. */
export { parseCidr } from './cidr.js';
/** True when a block contains an address; false across families. */
export { cidrContains } from './cidr.js';
/** True when two blocks share an address. */
export { cidrsOverlap } from './cidr.js';
/** Splits a block into its subnets of a longer prefix, ascending (at most MAX_SPLIT_SUBNETS). */
export { splitCidr, MAX_SPLIT_SUBNETS } from './cidr.js';
/** First, last, size, network and (v4) broadcast address of a block. */
export { cidrFirst, cidrLast, cidrSize, cidrNetwork, cidrBroadcast } from './cidr.js';

/** A daemon.json-style address pool: { base, size }. */
export type { AddressPoolSpec, SubnetAllocatorOptions } from './address-pools.js';
/** Docker's default pools, its exact exhaustion and overlap messages. */
export { DEFAULT_LOCAL_ADDRESS_POOLS, DEFAULT_GLOBAL_ADDRESS_POOLS, POOLS_EXHAUSTED_MESSAGE, POOL_OVERLAP_MESSAGE } from './address-pools.js';
/** Network subnets from pools: lowest free in pool order, explicit claims, immediate reuse after release. */
export { SubnetAllocator } from './address-pools.js';

/** A network's IPAM config: subnet, gateway, ip-range, auxiliary addresses. */
export type { NetworkIpamSpec } from './network-ipam.js';
/** One network's address leases (lowest free, explicit requests, release) and Docker's in-use and exhaustion texts. */
export { NetworkIpam, ADDRESS_IN_USE_MESSAGE, NO_AVAILABLE_ADDRESSES_MESSAGE } from './network-ipam.js';

/** Endpoint MACs: Docker ≤ v27's 02:42:<IPv4> and a seeded locally administered stand-in for v28+. */
export { macFromIpv4, macFromSeed, isMac } from './mac.js';
