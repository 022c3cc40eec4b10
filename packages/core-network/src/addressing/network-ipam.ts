// One network's address management, after Docker's default IPAM: a subnet, a gateway, an optional
// ip-range for dynamic addresses, auxiliary (reserved) addresses, lowest-free allocation.
import { ConflictError, InsufficientResourcesError, ValidationError } from '@strata/shared-types';
import { formatIp, parseIp, type IpFamily, type IpValue } from './ip.js';
import { blockContains, blockLast, formatCidr, parseCidrValue, type CidrValue } from './cidr.js';

/** A network's IPAM config, shaped like Docker's IPAMConfig (`--subnet`, `--gateway`, `--ip-range`, `--aux-address`). */
export interface NetworkIpamSpec {
  /** The network's block, host bits clear; prefix 0..30 for IPv4, 0..126 for IPv6 (room for a gateway and a host). */
  readonly subnet: string;
  /** Gateway address inside the subnet; default the first address after the network address (x.x.x.1, ...::1). */
  readonly gateway?: string;
  /** Block inside the subnet that dynamic allocation is restricted to; explicit requests may lie anywhere in the subnet. */
  readonly ipRange?: string;
  /** Named addresses inside the subnet that are never handed out (`--aux-address name=ip`). At most 1024. */
  readonly auxAddresses?: Readonly<Record<string, string>>;
}

/** Docker's text for an address that is already taken (moby libnetwork/ipamapi/contract.go ErrIPAlreadyAllocated; not in the crib sheet). */
export const ADDRESS_IN_USE_MESSAGE = 'Address already in use';

/** Docker's text when a network has no address left (moby libnetwork/ipamapi/contract.go ErrNoAvailableIPs; not in the crib sheet). */
export const NO_AVAILABLE_ADDRESSES_MESSAGE = 'no available addresses on this pool';

const MAX_AUX = 1024;

/**
 * IPAM of one network. Dynamic addresses are the lowest free address of the ip-range (or subnet):
 * first container .2, then .3, and a freed address is reused first (crib sheet §1 "container IPs",
 * moby ipams/defaultipam/address_space.go; serial allocation is swarm-only and not modelled).
 * Never handed out: the network address (v4 and v6, as moby reserves both so the gateway is ::1),
 * the v4 broadcast address, the gateway and auxiliary addresses. Failed calls change nothing.
 */
export class NetworkIpam {
  /** Address family of the network. */
  readonly family: IpFamily;
  /** Canonical subnet, e.g. '172.18.0.0/16'. */
  readonly subnet: string;
  /** Canonical gateway address. */
  readonly gateway: string;
  /** Canonical ip-range, or undefined when dynamic allocation uses the whole subnet. */
  readonly ipRange: string | undefined;
  /** Auxiliary addresses by name, canonical. */
  readonly auxAddresses: Readonly<Record<string, string>>;

  private readonly block: CidrValue;
  private readonly lo: bigint;
  private readonly hi: bigint;
  /** Addresses never handed out (network, broadcast, gateway, aux) → why. */
  private readonly reserved = new Map<bigint, string>();
  private readonly leased = new Set<bigint>();
  /** Lower bound of the lowest free dynamic address; advanced lazily, lowered on release. */
  private hint: bigint;
  /** Free dynamic addresses left in [lo, hi]. */
  private free: bigint;

  /** Validates `spec` (ValidationError naming 'subnet', 'gateway', 'ipRange' or 'auxAddresses.<name>', with moby's wording). */
  constructor(spec: NetworkIpamSpec) {
    const block = parseCidrValue(spec.subnet, 'subnet');
    const maxPrefix = block.family === 4 ? 30 : 126;
    if (block.prefix > maxPrefix) {
      throw new ValidationError(
        `invalid subnet ${spec.subnet}: a /${block.prefix} leaves no room for a network address, a gateway and a host; give a prefix from 0 to ${maxPrefix}`,
        { path: 'subnet', accepted: `IPv${block.family} prefix 0..${maxPrefix}`, given: spec.subnet },
      );
    }
    const last = blockLast(block);
    const inSubnet = (text: string, field: string): IpValue => {
      const ip = parseIp(text, field);
      if (ip.family !== block.family) {
        throw new ValidationError(`invalid ${field} ${text}: parent subnet is an IPv${block.family} block`, {
          path: field, accepted: `an IPv${block.family} address in ${formatCidr(block)}`, given: text,
        });
      }
      if (!blockContains(block, ip)) {
        throw new ValidationError(`invalid ${field} ${text}: parent subnet ${formatCidr(block)} doesn't contain this address`, {
          path: field, accepted: `an address in ${formatCidr(block)}`, given: text,
        });
      }
      if (ip.value === block.network || (block.family === 4 && ip.value === last)) {
        throw new ValidationError(`invalid ${field} ${text}: it is the ${ip.value === block.network ? 'network' : 'broadcast'} address of ${formatCidr(block)}; give a host address`, {
          path: field, accepted: `a host address in ${formatCidr(block)}`, given: text,
        });
      }
      return ip;
    };

    const gateway = spec.gateway === undefined ? block.network + 1n : inSubnet(spec.gateway, 'gateway').value;

    let lo = block.network;
    let hi = last;
    let ipRange: string | undefined;
    if (spec.ipRange !== undefined) {
      const r = parseCidrValue(spec.ipRange, 'ipRange');
      if (r.family !== block.family) {
        throw new ValidationError(`invalid ip-range ${spec.ipRange}: parent subnet is an IPv${block.family} block`, {
          path: 'ipRange', accepted: `an IPv${block.family} block inside ${formatCidr(block)}`, given: spec.ipRange,
        });
      }
      if (r.prefix < block.prefix || !blockContains(block, { family: r.family, value: r.network })) {
        throw new ValidationError(`invalid ip-range ${spec.ipRange}: parent subnet ${formatCidr(block)} doesn't contain ip-range`, {
          path: 'ipRange', accepted: `a block inside ${formatCidr(block)}`, given: spec.ipRange,
        });
      }
      lo = r.network;
      hi = blockLast(r);
      ipRange = formatCidr(r);
    }

    const auxIn = spec.auxAddresses ?? {};
    const auxNames = Object.keys(auxIn).sort();
    if (auxNames.length > MAX_AUX) {
      throw new ValidationError(`invalid auxAddresses: ${auxNames.length} given, at most ${MAX_AUX} accepted`, {
        path: 'auxAddresses', accepted: `0..${MAX_AUX} entries`, given: auxNames.length,
      });
    }
    const aux: Record<string, string> = {};
    const auxValues: [string, bigint][] = [];
    for (const name of auxNames) {
      const ip = inSubnet(auxIn[name] as string, `auxAddresses.${name}`);
      aux[name] = formatIp(ip);
      auxValues.push([name, ip.value]);
    }

    // All validated: now build state.
    this.family = block.family;
    this.block = block;
    this.subnet = formatCidr(block);
    this.gateway = formatIp({ family: block.family, value: gateway });
    this.ipRange = ipRange;
    this.auxAddresses = Object.freeze(aux);
    this.lo = lo;
    this.hi = hi;
    this.reserved.set(block.network, 'the network address');
    if (block.family === 4) this.reserved.set(last, 'the broadcast address');
    this.reserved.set(gateway, 'the gateway');
    for (const [name, v] of auxValues) if (!this.reserved.has(v)) this.reserved.set(v, `auxiliary address '${name}'`);
    let reservedInRange = 0n;
    for (const v of this.reserved.keys()) if (v >= lo && v <= hi) reservedInRange++;
    this.free = hi - lo + 1n - reservedInRange;
    this.hint = lo;
  }

  /**
   * Leases the lowest free address of the ip-range (or subnet). None left: InsufficientResourcesError.
   * Returns the canonical address.
   */
  allocate(): string {
    if (this.free === 0n) {
      const where = this.ipRange === undefined ? `subnet ${this.subnet}` : `ip-range ${this.ipRange} of subnet ${this.subnet}`;
      throw new InsufficientResourcesError(
        `${NO_AVAILABLE_ADDRESSES_MESSAGE}: no free IPv${this.family} address in ${where}; release an address, or create the network with a larger subnet or ip-range`,
        { subnet: this.subnet, ipRange: this.ipRange, leased: this.leased.size },
      );
    }
    let c = this.hint;
    while (this.leased.has(c) || this.reserved.has(c)) c++;
    // free > 0 guarantees c ≤ hi.
    this.leased.add(c);
    this.free--;
    this.hint = c + 1n;
    return formatIp({ family: this.family, value: c });
  }

  /**
   * Leases exactly `ip` (`docker run --ip`); it may lie outside the ip-range but must be in the subnet
   * (ValidationError on 'ip'). Taken by a container, the gateway or an aux address: ConflictError
   * with Docker's 'Address already in use'.
   */
  request(ip: string): string {
    const v = this.hostAddress(ip, 'ip');
    const why = this.reserved.get(v) ?? (this.leased.has(v) ? 'another endpoint' : undefined);
    if (why !== undefined) {
      const text = formatIp({ family: this.family, value: v });
      throw new ConflictError(`${ADDRESS_IN_USE_MESSAGE}: ${text} in ${this.subnet} is held by ${why}; request a free address or omit it to get one`, {
        path: 'ip', given: ip, heldBy: why,
      });
    }
    this.leased.add(v);
    if (v >= this.lo && v <= this.hi) this.free--;
    return formatIp({ family: this.family, value: v });
  }

  /** Returns a leased address. Not leased (free, gateway, aux): ConflictError; outside the subnet: ValidationError. */
  release(ip: string): void {
    const v = this.hostAddress(ip, 'ip');
    if (!this.leased.has(v)) {
      const text = formatIp({ family: this.family, value: v });
      const what = this.reserved.get(v);
      throw new ConflictError(
        `cannot release ${text}: ${what === undefined ? 'it is not allocated' : `it is ${what}, which is reserved, not leased`} in ${this.subnet}; release only addresses handed out by allocate or request`,
        { path: 'ip', given: ip },
      );
    }
    this.leased.delete(v);
    if (v >= this.lo && v <= this.hi) {
      this.free++;
      if (v < this.hint) this.hint = v;
    }
  }

  /** True when `ip` is leased (not counting reserved addresses). ValidationError if malformed. */
  isAllocated(ip: string): boolean {
    const parsed = parseIp(ip, 'ip');
    return parsed.family === this.family && this.leased.has(parsed.value);
  }

  /** Leased addresses, canonical, ascending. */
  allocated(): string[] {
    return [...this.leased].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((v) => formatIp({ family: this.family, value: v }));
  }

  /** Number of addresses allocate() can still hand out. */
  available(): bigint {
    return this.free;
  }

  private hostAddress(ip: string, field: string): bigint {
    const parsed = parseIp(ip, field);
    if (!blockContains(this.block, parsed)) {
      throw new ValidationError(`invalid ${field} ${ip}: parent subnet ${this.subnet} doesn't contain this address; give an address in ${this.subnet}`, {
        path: field, accepted: `an address in ${this.subnet}`, given: ip,
      });
    }
    const isBroadcast = this.family === 4 && parsed.value === blockLast(this.block);
    if (parsed.value === this.block.network || isBroadcast) {
      throw new ValidationError(`invalid ${field} ${ip}: it is the ${isBroadcast ? 'broadcast' : 'network'} address of ${this.subnet}; give a host address`, {
        path: field, accepted: `a host address in ${this.subnet}`, given: ip,
      });
    }
    return parsed.value;
  }
}
