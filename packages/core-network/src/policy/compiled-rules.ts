// NetworkPolicy rules compiled once into predicates, and the matching of a rule against the other
// end of a connection (a pod, or an address that is not a pod) on a port and protocol.
import type { ContainerPort, Labels, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkProtocol } from '@strata/shared-types';
import { compileIpBlock, type AddressPredicate, type parseAddress } from './ip-block.js';
import { compileLabelSelector, type LabelPredicate } from './label-selector.js';

/** A pod as the engine holds it: labels, addresses, ports, and the policies isolating it. */
export interface PodEntry {
  readonly kind: 'pod';
  readonly key: string;
  /** The engine that built the entry, so that a ref from another engine is refused. */
  readonly owner: object;
  readonly namespace: string;
  readonly labels: Labels;
  readonly namespaceLabels: Labels;
  readonly addresses: readonly ReturnType<typeof parseAddress>[];
  readonly ports: readonly ContainerPort[];
  /** Policies isolating the pod per direction, in input order. */
  readonly ingress: CompiledPolicy[];
  readonly egress: CompiledPolicy[];
  /** Their rules, flattened in policy then rule order, and their names joined for reasons. */
  ingressRules: CompiledRule[];
  egressRules: CompiledRule[];
  /** The fixed parts of this pod's reasons. */
  texts: { ingressOpen: string; egressOpen: string; ingressDenied: string; egressDenied: string };
}

type PeerPredicate = (pod: PodEntry) => boolean;

interface CompiledPort {
  readonly protocol: NetworkProtocol;
  /** undefined: every port of the protocol. */
  readonly port: number | string | undefined;
  readonly endPort: number | undefined;
}

/** One ingress or egress rule of a policy. */
export interface CompiledRule {
  /** `ns/name` of the policy holding the rule. */
  readonly policy: string;
  /** `ingress[0]` or `egress[2]`. */
  readonly label: string;
  /** ` is allowed by ns/policy rule ingress[0]`, for reasons. */
  readonly allowedBy: string;
  /** null: every peer (omitted or empty `from`/`to`). */
  readonly peers: readonly PeerPredicate[] | null;
  /** The ipBlock peers alone, which are all that can match an address that is not a pod; null as `peers`. */
  readonly addressPeers: readonly AddressPredicate[] | null;
  /** null: every port (omitted or empty `ports`). */
  readonly ports: readonly CompiledPort[] | null;
}

/** A policy: what it selects and its rules per direction (null: the direction is not in policyTypes). */
export interface CompiledPolicy {
  readonly key: string;
  readonly order: number;
  readonly namespace: string;
  readonly selects: LabelPredicate;
  readonly ingress: readonly CompiledRule[] | null;
  readonly egress: readonly CompiledRule[] | null;
}

/** `80/TCP`, built once per port and protocol. */
const TRAFFIC_TEXT = new Map<number, string>();
export function trafficText(port: number, protocol: NetworkProtocol): string {
  const slot = port * 4 + (protocol === 'TCP' ? 0 : protocol === 'UDP' ? 1 : 2);
  let text = TRAFFIC_TEXT.get(slot);
  if (text === undefined) {
    text = `${port}/${protocol}`;
    TRAFFIC_TEXT.set(slot, text);
  }
  return text;
}

function compilePeer(peer: NetworkPolicyPeer, policyNamespace: string, path: string): { pod: PeerPredicate; address?: AddressPredicate } {
  if (peer.ipBlock !== undefined) {
    const inBlock: AddressPredicate = compileIpBlock(peer.ipBlock, `${path}.ipBlock`);
    return { pod: (pod) => pod.addresses.some(inBlock), address: inBlock };
  }
  const podMatches = peer.podSelector === undefined ? null : compileLabelSelector(peer.podSelector);
  if (peer.namespaceSelector === undefined) {
    // podSelector alone: pods of the policy's own namespace.
    const matches = podMatches ?? (() => true);
    return { pod: (pod) => pod.namespace === policyNamespace && matches(pod.labels) };
  }
  const nsMatches = compileLabelSelector(peer.namespaceSelector);
  // namespaceSelector alone: every pod there; with podSelector: both must hold (AND).
  if (podMatches === null) return { pod: (pod) => nsMatches(pod.namespaceLabels) };
  return { pod: (pod) => nsMatches(pod.namespaceLabels) && podMatches(pod.labels) };
}

/** Compiles the rules of one direction of `policy`; `where` names the policy in errors. */
export function compileRules(
  rules: readonly { ports?: NetworkPolicyPort[] | undefined; from?: NetworkPolicyPeer[] | undefined; to?: NetworkPolicyPeer[] | undefined }[],
  direction: 'ingress' | 'egress',
  policy: NetworkPolicy,
  where: string,
): CompiledRule[] {
  return rules.map((rule, i) => {
    const label = `${direction}[${i}]`;
    const peers = direction === 'ingress' ? rule.from : rule.to;
    const peerField = direction === 'ingress' ? 'from' : 'to';
    const compiled = peers === undefined || peers.length === 0 ? null : peers.map((peer, j) => compilePeer(peer, policy.metadata.namespace, `${where}: spec.${label}.${peerField}[${j}]`));
    return {
      policy: `${policy.metadata.namespace}/${policy.metadata.name}`,
      label,
      allowedBy: ` is allowed by ${policy.metadata.namespace}/${policy.metadata.name} rule ${label}`,
      peers: compiled === null ? null : compiled.map((p) => p.pod),
      addressPeers: compiled === null ? null : compiled.flatMap((p) => (p.address === undefined ? [] : [p.address])),
      ports: rule.ports === undefined || rule.ports.length === 0 ? null : rule.ports.map((p) => ({ protocol: p.protocol, port: p.port, endPort: p.endPort })),
    };
  });
}

/** Does a rule's port entry admit `port`/`protocol`? A named port needs the destination pod; toward an address it never matches. */
function portMatches(entry: CompiledPort, port: number, protocol: NetworkProtocol, destination: PodEntry | undefined): boolean {
  if (entry.protocol !== protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'number') return entry.endPort === undefined ? entry.port === port : port >= entry.port && port <= entry.endPort;
  if (destination === undefined) return false;
  // A named port resolves against the destination pod's container ports of the same protocol.
  for (const cp of destination.ports) if (cp.name === entry.port && cp.protocol === protocol && cp.containerPort === port) return true;
  return false;
}

function portsAdmit(rule: CompiledRule, port: number, protocol: NetworkProtocol, destination: PodEntry | undefined): boolean {
  if (rule.ports === null) return true;
  for (const entry of rule.ports) if (portMatches(entry, port, protocol, destination)) return true;
  return false;
}

function ruleAdmits(rule: CompiledRule, peer: PodEntry, port: number, protocol: NetworkProtocol, destination: PodEntry): boolean {
  if (!portsAdmit(rule, port, protocol, destination)) return false;
  if (rule.peers === null) return true;
  for (const matches of rule.peers) if (matches(peer)) return true;
  return false;
}

/** The first rule, in policy then rule order, admitting `peer` on port/protocol toward `destination`, or undefined. */
export function firstAdmitting(rules: readonly CompiledRule[], peer: PodEntry, port: number, protocol: NetworkProtocol, destination: PodEntry): CompiledRule | undefined {
  for (const rule of rules) if (ruleAdmits(rule, peer, port, protocol, destination)) return rule;
  return undefined;
}

/**
 * The first rule admitting an address that is not a pod (only ipBlock peers and rules without
 * peers can), on port/protocol toward `destination` (the pod for ingress; undefined for egress
 * to the address, where named ports cannot resolve), or undefined.
 */
export function firstAdmittingAddress(
  rules: readonly CompiledRule[],
  address: ReturnType<typeof parseAddress>,
  port: number,
  protocol: NetworkProtocol,
  destination: PodEntry | undefined,
): CompiledRule | undefined {
  for (const rule of rules) {
    if (!portsAdmit(rule, port, protocol, destination)) continue;
    if (rule.addressPeers === null || rule.addressPeers.some((inBlock) => inBlock(address))) return rule;
  }
  return undefined;
}
