// Docker's NAT as a pure lookup over a host's bindings (reference §1 "Port publishing"): DNAT of
// published ports, MASQUERADE of traffic leaving a bridge subnet, hairpin and host-loopback access.
// First packet of a connection only; conntrack's reverse translation is not modelled.

import { canonicalAddress, checkCidr, familyOf, inSubnet, isLoopback, isWildcard } from './address.js';
import { MAX_PORT, MIN_PORT, PROTOCOLS } from './types.js';
import type { PortBinding, Protocol } from './types.js';
import { ValidationError } from '@strata/shared-types';

/** A packet's 5-tuple; addresses are canonical strings, ports 1..65535. */
export interface PacketTuple {
  readonly protocol: Protocol;
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
}

/** A bridge network on the host: its subnet (CIDR), its gateway (an address of the host) and whether outbound traffic is masqueraded (`enable_ip_masquerade`, default true). */
export interface NatBridge {
  readonly subnet: string;
  readonly gateway: string;
  readonly masquerade?: boolean;
}

/** What NAT needs to know about the host besides its bindings. */
export interface NatHost {
  /** The host's own non-bridge addresses (e.g. eth0's). Bridge gateways and loopback are local too, implicitly. */
  readonly addresses: readonly string[];
  /** The source address MASQUERADE picks per family (the egress interface's address); absent → that family is not masqueraded. */
  readonly egress: { readonly ipv4?: string; readonly ipv6?: string };
  readonly bridges: readonly NatBridge[];
}

/**
 * How a packet was translated:
 * - `dnat`: to a published port from outside (or from the host itself); destination rewritten, source kept;
 * - `dnat-masquerade`: from a container on another bridge to a published port on a host address; destination
 *   rewritten, source masqueraded to the target bridge's gateway (it leaves its own bridge subnet);
 * - `hairpin`: from a container on the target's own bridge (possibly the target itself) via a host address;
 *   docker-proxy (or, without it, hairpin mode + MASQUERADE) makes the source the bridge gateway;
 * - `loopback`: from a host loopback address; served by docker-proxy (or route_localnet + MASQUERADE), the
 *   container sees its bridge gateway;
 * - `proxy`: the binding's host address family differs from the container's (e.g. [::]:8080 → 172.18.0.2):
 *   only docker-proxy can carry it; the container sees its bridge gateway;
 * - `masquerade`: outbound from a container to outside every local bridge; source rewritten to the egress address.
 */
export type NatKind = 'dnat' | 'dnat-masquerade' | 'hairpin' | 'loopback' | 'proxy' | 'masquerade';

/** A translated packet, the rule kind, and the binding used (for DNAT kinds). */
export interface NatResult {
  readonly kind: NatKind;
  readonly tuple: PacketTuple;
  readonly binding?: PortBinding;
}

function checkTuple(packet: PacketTuple): PacketTuple {
  if (!(PROTOCOLS as readonly unknown[]).includes(packet.protocol)) {
    throw new ValidationError(`packet.protocol must be one of ${PROTOCOLS.join(', ')}; got ${JSON.stringify(packet.protocol)}`, {
      path: 'packet.protocol',
      accepted: PROTOCOLS,
      given: packet.protocol,
    });
  }
  for (const field of ['srcPort', 'dstPort'] as const) {
    const port = packet[field];
    if (!Number.isSafeInteger(port) || port < MIN_PORT || port > MAX_PORT) {
      throw new ValidationError(`packet.${field} must be an integer ${MIN_PORT}..${MAX_PORT}; got ${JSON.stringify(port)}`, {
        path: `packet.${field}`,
        accepted: `integer ${MIN_PORT}..${MAX_PORT}`,
        given: port,
      });
    }
  }
  return {
    ...packet,
    srcIp: canonicalAddress(packet.srcIp, 'packet.srcIp').address,
    dstIp: canonicalAddress(packet.dstIp, 'packet.dstIp').address,
  };
}

/**
 * Translates the first packet of a connection as the host's nat table would, or returns null when
 * no NAT rule applies (container to container on one bridge, traffic to the host itself, traffic
 * between bridges, which isolation drops, or a family with no egress address). Pure: the same
 * inputs give the same answer. Throws ValidationError for a malformed packet or host.
 */
export function translate(packet: PacketTuple, host: NatHost, bindings: readonly PortBinding[]): NatResult | null {
  const p = checkTuple(packet);
  const bridges = host.bridges.map((b, i) => ({
    subnet: checkCidr(b.subnet, `host.bridges[${i}].subnet`),
    gateway: canonicalAddress(b.gateway, `host.bridges[${i}].gateway`).address,
    masquerade: b.masquerade ?? true,
  }));
  const own = new Set(host.addresses.map((a, i) => canonicalAddress(a, `host.addresses[${i}]`).address));
  const bridgeOf = (ip: string) => bridges.find((b) => inSubnet(ip, b.subnet));
  const isLocal = (ip: string) => own.has(ip) || isLoopback(ip) || bridges.some((b) => b.gateway === ip);

  if (isLocal(p.dstIp)) {
    // PREROUTING/OUTPUT `--dst-type LOCAL -j DOCKER`: any local address reaches a binding on it or on its family's wildcard.
    const matching = bindings.filter((b) => b.hostPort === p.dstPort && b.protocol === p.protocol);
    const binding =
      matching.find((b) => b.hostIp === p.dstIp) ??
      matching.find((b) => isWildcard(b.hostIp) && familyOf(b.hostIp) === familyOf(p.dstIp));
    if (binding === undefined) return null;
    const target = bridgeOf(binding.containerIp);
    const dnatted = { ...p, dstIp: binding.containerIp, dstPort: binding.containerPort };
    const viaGateway = (kind: NatKind): NatResult =>
      target === undefined ? { kind, tuple: dnatted, binding } : { kind, tuple: { ...dnatted, srcIp: target.gateway }, binding };
    if (familyOf(binding.hostIp) !== familyOf(binding.containerIp)) return viaGateway('proxy');
    if (isLoopback(p.srcIp)) return viaGateway('loopback');
    const source = bridgeOf(p.srcIp);
    if (source !== undefined && target !== undefined && !own.has(p.srcIp) && source.gateway !== p.srcIp) {
      return viaGateway(source === target ? 'hairpin' : 'dnat-masquerade');
    }
    return { kind: 'dnat', tuple: dnatted, binding };
  }

  const source = bridgeOf(p.srcIp);
  if (source === undefined || !source.masquerade || source.gateway === p.srcIp) return null;
  if (bridgeOf(p.dstIp) !== undefined) return null;
  const egress = familyOf(p.srcIp) === 'ipv4' ? host.egress.ipv4 : host.egress.ipv6;
  if (egress === undefined) return null;
  return { kind: 'masquerade', tuple: { ...p, srcIp: canonicalAddress(egress, 'host.egress').address } };
}
