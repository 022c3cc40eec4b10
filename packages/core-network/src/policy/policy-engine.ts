// Kubernetes NetworkPolicy v1 evaluation: which pod may open a connection to which pod (or to or
// from an address that is not a pod), on which port and protocol, and why. Policies are compiled
// and indexed once; a decision walks only the policies that select the two ends.
import {
  ConflictError,
  NamespaceSchema,
  NETWORK_PROTOCOLS,
  NetworkPolicySchema,
  NotFoundError,
  parseWithSchema,
  PodSchema,
  ValidationError,
  type Labels,
  type LabelSelector,
} from '@strata/shared-types';
import { parseAddress } from './ip-block.js';
import { compileLabelSelector } from './label-selector.js';
import { compileRules, firstAdmitting, trafficText, type CompiledPolicy, type PodEntry } from './compiled-rules.js';
import { decideWithAddress, toAddressEnd, type AddressEnd } from './address-peer.js';
import type { AddressPeer, PolicyEngine, PolicyEngineInput, PolicyPeer, PodRef } from './types.js';

/** The label every namespace carries implicitly: its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

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
      kind: 'pod',
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
  /** A pod by name or ref, or an address that is not a pod; NotFoundError for an unknown pod or a foreign ref. */
  const lookup = (ref: PolicyPeer, field: 'from' | 'to'): PodEntry | AddressEnd => {
    if (typeof ref === 'string') return byName(ref);
    const entry = ref as unknown as PodEntry;
    if (entry.owner === owner) return entry;
    if (typeof (ref as AddressPeer).address === 'string') return toAddressEnd(ref as AddressPeer, field);
    throw new NotFoundError('pod', String((ref as PodRef).key), { accepted: 'a pod ref made by this engine, ns/name, or { address }' });
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
      const src = lookup(from, 'from');
      const dst = lookup(to, 'to');
      if (src.kind === 'address' || dst.kind === 'address') return decideWithAddress(src, dst, port, protocol).allowed;
      if (src === dst) return true;
      if (src.egress.length > 0 && firstAdmitting(src.egressRules, dst, port, protocol, dst) === undefined) return false;
      return dst.ingress.length === 0 || firstAdmitting(dst.ingressRules, src, port, protocol, dst) !== undefined;
    },

    reach(from, to, port, protocol = 'TCP') {
      checkTraffic(port, protocol);
      const src = lookup(from, 'from');
      const dst = lookup(to, 'to');
      if (src.kind === 'address' || dst.kind === 'address') return decideWithAddress(src, dst, port, protocol);
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
      const pod = byName(key);
      return { ingress: pod.ingress.map((p) => p.key), egress: pod.egress.map((p) => p.key) };
    },
  };
}
