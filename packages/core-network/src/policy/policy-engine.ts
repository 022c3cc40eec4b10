// Kubernetes NetworkPolicy v1 evaluation: which pod may open a connection to which pod, on which
// port and protocol, and why. Policies are compiled and indexed once; a decision walks only the
// policies that select the two ends.
import {
  ConflictError,
  NamespaceSchema,
  NETWORK_PROTOCOLS,
  NetworkPolicySchema,
  NotFoundError,
  parseWithSchema,
  PodSchema,
  ValidationError,
  type ContainerPort,
  type Labels,
  type LabelSelector,
  type NamespaceInput,
  type NetworkPolicy,
  type NetworkPolicyInput,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type NetworkProtocol,
  type PodInput,
} from '@strata/shared-types';
import { compileIpBlock, parseAddress, type AddressPredicate } from './ip-block.js';
import { compileLabelSelector, type LabelPredicate } from './label-selector.js';

/** The label every namespace carries implicitly: its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A decision: whether the connection is allowed, and the chain of reasons, source side first. */
export interface ReachDecision {
  readonly allowed: boolean;
  readonly reason: readonly string[];
}

/** The manifests an engine evaluates (raw, as written: each is validated and defaulted). */
export interface PolicyEngineInput {
  readonly namespaces: readonly NamespaceInput[];
  readonly pods: readonly PodInput[];
  readonly policies: readonly NetworkPolicyInput[];
}

/** A pod resolved once by `PolicyEngine.pod`, to skip the name lookup in hot loops. Opaque. */
export interface PodRef {
  readonly key: string;
  readonly [POD_REF]: true;
}
declare const POD_REF: unique symbol;

/** Evaluates NetworkPolicy v1 over a fixed set of namespaces, pods and policies. Pods are named `namespace/name`. */
export interface PolicyEngine {
  /** May `from` open a connection to `to` on `port`/`protocol` (default TCP)? With the reason chain. */
  reach(from: string | PodRef, to: string | PodRef, port: number, protocol?: NetworkProtocol): ReachDecision;
  /** The same decision as `reach`, without building reasons. */
  isAllowed(from: string | PodRef, to: string | PodRef, port: number, protocol?: NetworkProtocol): boolean;
  /** Resolve `ns/name` once (NotFoundError when unknown); refs are accepted by `reach` and `isAllowed` of this engine only. */
  pod(name: string): PodRef;
  /** Names (`ns/name`) of the policies that isolate `pod` per direction, in input order. */
  isolatingPolicies(pod: string): { readonly ingress: readonly string[]; readonly egress: readonly string[] };
  /** Every pod, as `ns/name`, in input order. */
  readonly podNames: readonly string[];
}

interface PodEntry {
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

/** `80/TCP`, built once per port and protocol. */
const TRAFFIC_TEXT = new Map<number, string>();
function trafficText(port: number, protocol: NetworkProtocol): string {
  const slot = port * 4 + (protocol === 'TCP' ? 0 : protocol === 'UDP' ? 1 : 2);
  let text = TRAFFIC_TEXT.get(slot);
  if (text === undefined) {
    text = `${port}/${protocol}`;
    TRAFFIC_TEXT.set(slot, text);
  }
  return text;
}

type PeerPredicate = (pod: PodEntry) => boolean;

interface CompiledPort {
  readonly protocol: NetworkProtocol;
  /** undefined: every port of the protocol. */
  readonly port: number | string | undefined;
  readonly endPort: number | undefined;
}

interface CompiledRule {
  /** `ns/name` of the policy holding the rule. */
  readonly policy: string;
  /** `ingress[0]` or `egress[2]`. */
  readonly label: string;
  /** ` is allowed by ns/policy rule ingress[0]`, for reasons. */
  readonly allowedBy: string;
  /** null: every peer (omitted or empty `from`/`to`). */
  readonly peers: readonly PeerPredicate[] | null;
  /** null: every port (omitted or empty `ports`). */
  readonly ports: readonly CompiledPort[] | null;
}

interface CompiledPolicy {
  readonly key: string;
  readonly order: number;
  readonly namespace: string;
  readonly selects: LabelPredicate;
  readonly ingress: readonly CompiledRule[] | null;
  readonly egress: readonly CompiledRule[] | null;
}

function compilePeer(peer: NetworkPolicyPeer, policyNamespace: string, path: string): PeerPredicate {
  if (peer.ipBlock !== undefined) {
    const inBlock: AddressPredicate = compileIpBlock(peer.ipBlock, `${path}.ipBlock`);
    return (pod) => pod.addresses.some(inBlock);
  }
  const podMatches = peer.podSelector === undefined ? null : compileLabelSelector(peer.podSelector);
  if (peer.namespaceSelector === undefined) {
    // podSelector alone: pods of the policy's own namespace.
    const matches = podMatches ?? (() => true);
    return (pod) => pod.namespace === policyNamespace && matches(pod.labels);
  }
  const nsMatches = compileLabelSelector(peer.namespaceSelector);
  // namespaceSelector alone: every pod there; with podSelector: both must hold (AND).
  if (podMatches === null) return (pod) => nsMatches(pod.namespaceLabels);
  return (pod) => nsMatches(pod.namespaceLabels) && podMatches(pod.labels);
}

function compileRules(
  rules: readonly { ports?: NetworkPolicyPort[] | undefined; from?: NetworkPolicyPeer[] | undefined; to?: NetworkPolicyPeer[] | undefined }[],
  direction: 'ingress' | 'egress',
  policy: NetworkPolicy,
  where: string,
): CompiledRule[] {
  return rules.map((rule, i) => {
    const label = `${direction}[${i}]`;
    const peers = direction === 'ingress' ? rule.from : rule.to;
    const peerField = direction === 'ingress' ? 'from' : 'to';
    return {
      policy: `${policy.metadata.namespace}/${policy.metadata.name}`,
      label,
      allowedBy: ` is allowed by ${policy.metadata.namespace}/${policy.metadata.name} rule ${label}`,
      peers: peers === undefined || peers.length === 0 ? null : peers.map((peer, j) => compilePeer(peer, policy.metadata.namespace, `${where}: spec.${label}.${peerField}[${j}]`)),
      ports: rule.ports === undefined || rule.ports.length === 0 ? null : rule.ports.map((p) => ({ protocol: p.protocol, port: p.port, endPort: p.endPort })),
    };
  });
}

function portMatches(entry: CompiledPort, port: number, protocol: NetworkProtocol, destination: PodEntry): boolean {
  if (entry.protocol !== protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'number') return entry.endPort === undefined ? entry.port === port : port >= entry.port && port <= entry.endPort;
  // A named port resolves against the destination pod's container ports of the same protocol.
  for (const cp of destination.ports) if (cp.name === entry.port && cp.protocol === protocol && cp.containerPort === port) return true;
  return false;
}

function ruleAdmits(rule: CompiledRule, peer: PodEntry, port: number, protocol: NetworkProtocol, destination: PodEntry): boolean {
  if (rule.ports !== null) {
    let portOk = false;
    for (const entry of rule.ports) {
      if (portMatches(entry, port, protocol, destination)) {
        portOk = true;
        break;
      }
    }
    if (!portOk) return false;
  }
  if (rule.peers === null) return true;
  for (const matches of rule.peers) if (matches(peer)) return true;
  return false;
}

/** The first rule, in policy then rule order, admitting `peer` on port/protocol toward `destination`, or undefined. */
function firstAdmitting(rules: readonly CompiledRule[], peer: PodEntry, port: number, protocol: NetworkProtocol, destination: PodEntry): CompiledRule | undefined {
  for (const rule of rules) if (ruleAdmits(rule, peer, port, protocol, destination)) return rule;
  return undefined;
}

/** One label `key=value` a selector requires, to index the policy under; undefined when it requires none. */
function anchorLabel(selector: LabelSelector): string | undefined {
  const entries = Object.entries(selector.matchLabels ?? {});
  if (entries.length > 0) return `${entries[0]![0]}\u0000${entries[0]![1]}`;
  const single = (selector.matchExpressions ?? []).find((r) => r.operator === 'In' && r.values?.length === 1);
  return single === undefined ? undefined : `${single.key}\u0000${single.values![0]!}`;
}

/**
 * Build an engine from Namespace, Pod and NetworkPolicy manifests. Validates each (ValidationError
 * naming the object and path), rejects duplicates (ConflictError) and pods in unknown namespaces
 * (NotFoundError). Every namespace carries `kubernetes.io/metadata.name: <name>` implicitly.
 */
export function createPolicyEngine(input: PolicyEngineInput): PolicyEngine {
  const owner = {};
  const namespaceLabels = new Map<string, Labels>();
  input.namespaces.forEach((raw, i) => {
    const ns = parseWithSchema(NamespaceSchema, raw, `namespace [${i}]`);
    if (namespaceLabels.has(ns.metadata.name)) throw new ConflictError(`namespace '${ns.metadata.name}' is given twice; give each namespace once`, { namespace: ns.metadata.name });
    namespaceLabels.set(ns.metadata.name, { ...ns.metadata.labels, [NAMESPACE_NAME_LABEL]: ns.metadata.name });
  });

  const pods = new Map<string, PodEntry>();
  const podsByNamespace = new Map<string, PodEntry[]>();
  input.pods.forEach((raw, i) => {
    const pod = parseWithSchema(PodSchema, raw, `pod [${i}]`);
    const { name, namespace } = pod.metadata;
    const key = `${namespace}/${name}`;
    const nsLabels = namespaceLabels.get(namespace);
    if (nsLabels === undefined) throw new NotFoundError('namespace', namespace, { pod: key, hint: 'list the namespace under namespaces' });
    if (pods.has(key)) throw new ConflictError(`pod '${key}' is given twice; pod names are unique within their namespace`, { pod: key });
    const ips = new Set<string>([...(pod.status?.podIP === undefined ? [] : [pod.status.podIP]), ...(pod.status?.podIPs ?? []).map((p) => p.ip)]);
    const entry: PodEntry = {
      key,
      owner,
      namespace,
      labels: pod.metadata.labels ?? {},
      namespaceLabels: nsLabels,
      addresses: [...ips].map(parseAddress),
      ports: (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []),
      ingress: [],
      egress: [],
      ingressRules: [],
      egressRules: [],
      texts: { ingressOpen: '', egressOpen: '', ingressDenied: '', egressDenied: '' },
    };
    pods.set(key, entry);
    const list = podsByNamespace.get(namespace) ?? [];
    list.push(entry);
    podsByNamespace.set(namespace, list);
  });

  // Index: namespace → (anchor label → policies) and namespace → policies without an anchor.
  const anchored = new Map<string, Map<string, CompiledPolicy[]>>();
  const unanchored = new Map<string, CompiledPolicy[]>();
  const policyKeys = new Set<string>();
  input.policies.forEach((raw, order) => {
    const policy = parseWithSchema(NetworkPolicySchema, raw, `network policy [${order}]`);
    const key = `${policy.metadata.namespace}/${policy.metadata.name}`;
    if (policyKeys.has(key)) throw new ConflictError(`network policy '${key}' is given twice; policy names are unique within their namespace`, { policy: key });
    policyKeys.add(key);
    const where = `network policy ${key}`;
    const compiled: CompiledPolicy = {
      key,
      order,
      namespace: policy.metadata.namespace,
      selects: compileLabelSelector(policy.spec.podSelector),
      // Rules of a direction not listed in policyTypes are ignored.
      ingress: policy.spec.policyTypes.includes('Ingress') ? compileRules(policy.spec.ingress ?? [], 'ingress', policy, where) : null,
      egress: policy.spec.policyTypes.includes('Egress') ? compileRules(policy.spec.egress ?? [], 'egress', policy, where) : null,
    };
    const anchor = anchorLabel(policy.spec.podSelector);
    if (anchor === undefined) {
      const list = unanchored.get(compiled.namespace) ?? [];
      list.push(compiled);
      unanchored.set(compiled.namespace, list);
    } else {
      const byLabel = anchored.get(compiled.namespace) ?? new Map<string, CompiledPolicy[]>();
      const list = byLabel.get(anchor) ?? [];
      list.push(compiled);
      byLabel.set(anchor, list);
      anchored.set(compiled.namespace, byLabel);
    }
  });

  // Each pod's isolating policies per direction, found through the index and kept in input order.
  for (const pod of pods.values()) {
    const candidates = [...(unanchored.get(pod.namespace) ?? [])];
    const byLabel = anchored.get(pod.namespace);
    if (byLabel !== undefined) {
      for (const [k, v] of Object.entries(pod.labels)) candidates.push(...(byLabel.get(`${k}\u0000${v}`) ?? []));
    }
    candidates.sort((a, b) => a.order - b.order);
    for (const policy of candidates) {
      if (!policy.selects(pod.labels)) continue;
      if (policy.ingress !== null) pod.ingress.push(policy);
      if (policy.egress !== null) pod.egress.push(policy);
    }
    pod.ingressRules = pod.ingress.flatMap((p) => p.ingress!);
    pod.egressRules = pod.egress.flatMap((p) => p.egress!);
    pod.texts = {
      ingressOpen: `pod ${pod.key} is not isolated for ingress: no policy selecting it has Ingress in policyTypes`,
      egressOpen: `pod ${pod.key} is not isolated for egress: no policy selecting it has Egress in policyTypes`,
      ingressDenied: `pod ${pod.key} is isolated for ingress by ${pod.ingress.map((p) => p.key).join(', ')}; no ingress rule of any policy selecting it admits `,
      egressDenied: `pod ${pod.key} is isolated for egress by ${pod.egress.map((p) => p.key).join(', ')}; no egress rule of any policy selecting it admits `,
    };
  }

  const byName = (key: string): PodEntry => {
    const pod = pods.get(key);
    if (pod === undefined) throw new NotFoundError('pod', key, { accepted: 'namespace/name of a listed pod' });
    return pod;
  };
  const lookup = (ref: string | PodRef): PodEntry => {
    if (typeof ref === 'string') return byName(ref);
    const entry = ref as unknown as PodEntry;
    if (entry.owner !== owner) throw new NotFoundError('pod', String(ref.key), { accepted: 'a pod ref made by this engine' });
    return entry;
  };
  const checkTraffic = (port: number, protocol: string): void => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ValidationError(`port: expected an integer 1..65535, got ${String(port)}`, { path: 'port', accepted: '1..65535', given: port });
    if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') throw new ValidationError(`protocol: expected TCP, UDP or SCTP, got ${JSON.stringify(protocol)}`, { path: 'protocol', accepted: NETWORK_PROTOCOLS, given: protocol });
  };

  return {
    podNames: [...pods.keys()],

    pod: (key) => byName(key) as unknown as PodRef,

    isAllowed(from, to, port, protocol = 'TCP') {
      checkTraffic(port, protocol);
      const src = lookup(from);
      const dst = lookup(to);
      if (src === dst) return true;
      if (src.egress.length > 0 && firstAdmitting(src.egressRules, dst, port, protocol, dst) === undefined) return false;
      return dst.ingress.length === 0 || firstAdmitting(dst.ingressRules, src, port, protocol, dst) !== undefined;
    },

    reach(from, to, port, protocol = 'TCP') {
      checkTraffic(port, protocol);
      const src = lookup(from);
      const dst = lookup(to);
      const traffic = trafficText(port, protocol);
      if (src === dst) return { allowed: true, reason: [`a pod can always reach itself: ${src.key} on ${traffic}`] };
      // Both sides are always explained, source (egress) first, so a denial names every blocking side.
      let egress: string;
      let ingress: string;
      let allowed = true;
      if (src.egress.length === 0) {
        egress = src.texts.egressOpen;
      } else {
        const hit = firstAdmitting(src.egressRules, dst, port, protocol, dst);
        if (hit === undefined) {
          allowed = false;
          egress = `${src.texts.egressDenied}${dst.key} on ${traffic}`;
        } else {
          egress = `egress of ${src.key} to ${dst.key} on ${traffic}${hit.allowedBy}`;
        }
      }
      if (dst.ingress.length === 0) {
        ingress = dst.texts.ingressOpen;
      } else {
        const hit = firstAdmitting(dst.ingressRules, src, port, protocol, dst);
        if (hit === undefined) {
          allowed = false;
          ingress = `${dst.texts.ingressDenied}${src.key} on ${traffic}`;
        } else {
          ingress = `ingress of ${dst.key} from ${src.key} on ${traffic}${hit.allowedBy}`;
        }
      }
      return { allowed, reason: [egress, ingress] };
    },

    isolatingPolicies(key) {
      const pod = lookup(key);
      return { ingress: pod.ingress.map((p) => p.key), egress: pod.egress.map((p) => p.key) };
    },
  };
}
