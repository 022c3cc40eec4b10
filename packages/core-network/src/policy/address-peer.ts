// NetworkPolicy decisions where one end is not a pod (Kubernetes: traffic from or to outside the
// pod network is matched by ipBlock, never by pod or namespace selectors; traffic between a pod and
// its own node is always allowed). Only the pod end's policies apply.
import { ValidationError, type NetworkProtocol } from '@strata/shared-types';
import { isIp, normalizeIp } from '../addressing/index.js';
import { parseAddress } from './ip-block.js';
import { firstAdmittingAddress, trafficText, type PodEntry } from './compiled-rules.js';
import type { AddressPeer, ReachDecision } from './types.js';

/** An AddressPeer, validated: its text, its parsed address, whether it is the pod's own node. */
export interface AddressEnd {
  readonly kind: 'address';
  readonly text: string;
  readonly address: ReturnType<typeof parseAddress>;
  readonly ownNode: boolean;
}

/** Validates an AddressPeer given as `field` (`from` or `to`); ValidationError naming the field and what is accepted. */
export function toAddressEnd(peer: AddressPeer, field: 'from' | 'to'): AddressEnd {
  // Strict (dotted decimal only): ipaddr.js alone would take '10.0.0' for 10.0.0.0.
  if (!isIp(peer.address)) {
    throw new ValidationError(`${field}.address must be an IPv4 or IPv6 address (e.g. 203.0.113.5, 2001:db8::5); got ${JSON.stringify(peer.address)}`, {
      path: `${field}.address`,
      accepted: 'an IPv4 or IPv6 address',
      given: peer.address,
    });
  }
  const text = normalizeIp(peer.address, `${field}.address`);
  if (peer.ownNode !== undefined && typeof peer.ownNode !== 'boolean') {
    throw new ValidationError(`${field}.ownNode must be true or false; got ${JSON.stringify(peer.ownNode)}`, { path: `${field}.ownNode`, accepted: 'boolean', given: peer.ownNode });
  }
  return { kind: 'address', text, address: parseAddress(text), ownNode: peer.ownNode === true };
}

/** Ingress of pod `dst` from an address that is not a pod; `allowed` false when isolated and no rule admits it. */
function ingressFrom(src: AddressEnd, dst: PodEntry, port: number, protocol: NetworkProtocol, traffic: string): { allowed: boolean; reason: string } {
  if (dst.ingress.length === 0) return { allowed: true, reason: dst.texts.ingressOpen };
  const hit = firstAdmittingAddress(dst.ingressRules, src.address, port, protocol, dst);
  if (hit !== undefined) return { allowed: true, reason: `ingress of ${dst.key} from ${src.text} on ${traffic}${hit.allowedBy}` };
  return { allowed: false, reason: `${dst.texts.ingressDenied}${src.text} on ${traffic} (${src.text} is not a pod: only ipBlock peers and rules without peers can admit it)` };
}

/** Egress of pod `src` to an address that is not a pod (after DNAT, before SNAT); named ports cannot match it. */
function egressTo(src: PodEntry, dst: AddressEnd, port: number, protocol: NetworkProtocol, traffic: string): { allowed: boolean; reason: string } {
  if (src.egress.length === 0) return { allowed: true, reason: src.texts.egressOpen };
  const hit = firstAdmittingAddress(src.egressRules, dst.address, port, protocol, undefined);
  if (hit !== undefined) return { allowed: true, reason: `egress of ${src.key} to ${dst.text} on ${traffic}${hit.allowedBy}` };
  return { allowed: false, reason: `${src.texts.egressDenied}${dst.text} on ${traffic} (${dst.text} is not a pod: only ipBlock peers and rules without peers can admit it)` };
}

/**
 * The decision for a connection with one address end and one pod end, reasons source side first.
 * Precondition: exactly one of `src`, `dst` is an AddressEnd (the engine refuses two).
 */
export function decideWithAddress(src: PodEntry | AddressEnd, dst: PodEntry | AddressEnd, port: number, protocol: NetworkProtocol): ReachDecision {
  const traffic = trafficText(port, protocol);
  if (src.kind === 'address' && dst.kind === 'pod') {
    if (src.ownNode) return { allowed: true, reason: [`traffic from its own node (${src.text}) to pod ${dst.key} is always allowed, on ${traffic} as on any port`] };
    const ingress = ingressFrom(src, dst, port, protocol, traffic);
    return { allowed: ingress.allowed, reason: [`${src.text} is not a pod: no egress policy applies on its side`, ingress.reason] };
  }
  if (src.kind === 'pod' && dst.kind === 'address') {
    if (dst.ownNode) return { allowed: true, reason: [`traffic from pod ${src.key} to its own node (${dst.text}) is always allowed, on ${traffic} as on any port`] };
    const egress = egressTo(src, dst, port, protocol, traffic);
    return { allowed: egress.allowed, reason: [egress.reason, `${dst.text} is not a pod: no ingress policy applies on its side`] };
  }
  throw new ValidationError('NetworkPolicy judges connections with at least one pod end; got two addresses', { path: 'from', accepted: 'a pod at one end at least' });
}
