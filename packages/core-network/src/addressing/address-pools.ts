// Subnets for networks, as Docker's default-address-pools hand them out (moby v27+ linear
// allocator): the lowest free subnet in pool order that overlaps no existing network.
import { ConflictError, InsufficientResourcesError, NotFoundError, ValidationError } from '@strata/shared-types';
import { ADDRESS_BITS, type IpFamily } from './ip.js';
import { blockLast, blocksOverlap, formatCidr, parseCidrValue, type CidrValue } from './cidr.js';

/** One pool as in daemon.json `default-address-pools`: a base block cut into subnets of prefix `size`. */
export interface AddressPoolSpec {
  /** Base block, e.g. '172.20.0.0/14'. Host bits must be clear. */
  readonly base: string;
  /** Prefix length of each subnet: base prefix ≤ size ≤ 32 (v4) or 128 (v6). */
  readonly size: number;
}

/**
 * Docker's local-scope default pools (moby daemon/libnetwork/ipamutils/utils.go), in order:
 * 31 subnets; the default bridge docker0 takes the first, 172.17.0.0/16.
 */
export const DEFAULT_LOCAL_ADDRESS_POOLS: readonly AddressPoolSpec[] = Object.freeze([
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/16', size: 16 },
  { base: '172.19.0.0/16', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
]);

/** Docker's global-scope (overlay) default pool: 10.0.0.0/8 in /24s (65 536 subnets). */
export const DEFAULT_GLOBAL_ADDRESS_POOLS: readonly AddressPoolSpec[] = Object.freeze([{ base: '10.0.0.0/8', size: 24 }]);

/** Docker v27+'s exact text when no pool has a free subnet left (HTTP 400 there). */
export const POOLS_EXHAUSTED_MESSAGE = 'all predefined address pools have been fully subnetted';

/** Docker's exact text when an explicit subnet overlaps an existing network (moby ipamapi ErrPoolOverlap, HTTP 403). */
export const POOL_OVERLAP_MESSAGE = 'invalid pool request: Pool overlaps with other one on this address space';

/** Options of a SubnetAllocator. */
export interface SubnetAllocatorOptions {
  /** Pools in the order they are searched; default DEFAULT_LOCAL_ADDRESS_POOLS. At most 256 pools. */
  readonly pools?: readonly AddressPoolSpec[];
  /**
   * Blocks automatic allocation must avoid without owning them: Docker's InferReservedNetworks
   * (on-link host routes, resolv.conf nameservers as /32 or /128). Explicit claims may overlap them.
   */
  readonly reserved?: readonly string[];
}

interface Pool {
  readonly base: CidrValue;
  readonly size: number;
}

const MAX_POOLS = 256;

/**
 * Hands out network subnets from address pools, like Docker's default IPAM address space. Lifecycle:
 * (`allocate` | `claim`) → `release`; a released subnet is free again at once and, being lowest, is
 * the next one allocated (v27+; ≤ v26 went round robin). Failed calls change nothing.
 */
export class SubnetAllocator {
  private readonly pools: readonly Pool[];
  private readonly reserved: readonly CidrValue[];
  private readonly taken = new Map<string, CidrValue>();

  /** Validates the pools and reserved blocks; ValidationError naming `pools[i].base`, `pools[i].size` or `reserved[i]`. */
  constructor(options: SubnetAllocatorOptions = {}) {
    const specs = options.pools ?? DEFAULT_LOCAL_ADDRESS_POOLS;
    if (!Array.isArray(specs) || specs.length > MAX_POOLS) {
      throw new ValidationError(`invalid pools: expected an array of 0..${MAX_POOLS} { base, size } entries`, {
        path: 'pools',
        accepted: `array of 0..${MAX_POOLS} { base: CIDR, size: prefix length }`,
        given: Array.isArray(specs) ? specs.length : typeof specs,
      });
    }
    this.pools = (specs as readonly AddressPoolSpec[]).map((spec, i) => parsePool(spec, i));
    this.reserved = (options.reserved ?? []).map((r, i) => parseCidrValue(r, `reserved[${i}]`));
  }

  /**
   * Takes the lowest free subnet of `family` (default 4) in pool order, skipping subnets that overlap
   * an allocated or reserved block. None left: InsufficientResourcesError with Docker's message.
   */
  allocate(family: IpFamily = 4): string {
    if (family !== 4 && family !== 6) {
      throw new ValidationError(`invalid family ${String(family)}: expected 4 or 6`, { path: 'family', accepted: [4, 6], given: family });
    }
    for (const pool of this.pools) {
      if (pool.base.family !== family) continue;
      const found = this.lowestFreeIn(pool);
      if (found !== undefined) {
        const text = formatCidr(found);
        this.taken.set(text, found);
        return text;
      }
    }
    throw new InsufficientResourcesError(POOLS_EXHAUSTED_MESSAGE, {
      family,
      pools: this.pools.map((p) => ({ base: formatCidr(p.base), size: p.size })),
      allocated: this.taken.size,
      hint: 'remove an unused network, or add pools (daemon.json default-address-pools)',
    });
  }

  /**
   * Records an explicitly requested subnet (`docker network create --subnet`). Overlapping an allocated
   * subnet: ConflictError with Docker's message. Malformed or host bits set: ValidationError on 'subnet'.
   */
  claim(subnet: string): string {
    const c = parseCidrValue(subnet, 'subnet');
    const clash = [...this.taken.values()].find((t) => blocksOverlap(t, c));
    if (clash !== undefined) {
      throw new ConflictError(
        `${POOL_OVERLAP_MESSAGE}: ${formatCidr(c)} overlaps ${formatCidr(clash)}, which a network already uses; choose a subnet that overlaps no existing network`,
        { path: 'subnet', given: subnet, overlaps: formatCidr(clash) },
      );
    }
    const text = formatCidr(c);
    this.taken.set(text, c);
    return text;
  }

  /** Frees a subnet taken by allocate or claim. Not held: NotFoundError; malformed: ValidationError. */
  release(subnet: string): void {
    const text = formatCidr(parseCidrValue(subnet, 'subnet'));
    if (!this.taken.delete(text)) throw new NotFoundError('subnet', text, { allocated: this.allocated() });
  }

  /** True when exactly this subnet is held. */
  isAllocated(subnet: string): boolean {
    return this.taken.has(formatCidr(parseCidrValue(subnet, 'subnet')));
  }

  /** Held subnets, canonical, in the order they were taken. */
  allocated(): string[] {
    return [...this.taken.keys()];
  }

  private lowestFreeIn(pool: Pool): CidrValue | undefined {
    const bits = ADDRESS_BITS[pool.base.family];
    const step = 1n << BigInt(bits - pool.size);
    const end = blockLast(pool.base);
    const blockers = [...this.taken.values(), ...this.reserved].filter((b) => blocksOverlap(b, pool.base));
    let candidate = pool.base.network;
    while (candidate <= end) {
      const cand: CidrValue = { family: pool.base.family, network: candidate, prefix: pool.size };
      let lastBlocked = -1n;
      for (const b of blockers) {
        if (blocksOverlap(b, cand)) {
          const l = blockLast(b);
          if (l > lastBlocked) lastBlocked = l;
        }
      }
      if (lastBlocked < 0n) return cand;
      // Jump past every blocker at once: the next aligned subnet after the furthest one.
      const next = ((lastBlocked + 1n + step - 1n) / step) * step;
      candidate = next > candidate ? next : candidate + step;
    }
    return undefined;
  }
}

function parsePool(spec: AddressPoolSpec, i: number): Pool {
  if (typeof spec !== 'object' || spec === null) {
    throw new ValidationError(`invalid pools[${i}]: expected { base, size }`, { path: `pools[${i}]`, accepted: '{ base: CIDR, size: prefix length }', given: spec });
  }
  const base = parseCidrValue(spec.base, `pools[${i}].base`);
  const bits = ADDRESS_BITS[base.family];
  if (!Number.isInteger(spec.size) || spec.size < base.prefix || spec.size > bits) {
    throw new ValidationError(
      `invalid pools[${i}].size ${String(spec.size)}: subnets of ${formatCidr(base)} need a prefix length from ${base.prefix} to ${bits}`,
      { path: `pools[${i}].size`, accepted: `integer ${base.prefix}..${bits}`, given: spec.size },
    );
  }
  return { base, size: spec.size };
}
