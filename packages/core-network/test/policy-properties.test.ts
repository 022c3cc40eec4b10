// Properties of NetworkPolicy evaluation on random small clusters, checked against a brute-force
// evaluator written straight from the Kubernetes documentation (no index, no compilation).
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import type { IPBlock, LabelSelector, NamespaceInput, NetworkPolicyInput, NetworkPolicyPeer, NetworkProtocol, PodInput } from '@strata/shared-types';
import { createPolicyEngine, type PolicyEngine } from '../src/policy/index.js';

interface Cluster {
  namespaces: NamespaceInput[];
  pods: PodInput[];
  policies: NetworkPolicyInput[];
}

const NS_NAMES = ['n0', 'n1', 'n2'];
const PROTOCOLS: NetworkProtocol[] = ['TCP', 'UDP', 'SCTP'];
const PORTS = [80, 81, 82];

const labelsArb = fc.record({ app: fc.constantFrom('web', 'db'), tier: fc.constantFrom('1', '2') }, { requiredKeys: [] });

const selectorArb: fc.Arbitrary<LabelSelector> = fc.record(
  {
    matchLabels: fc.record({ app: fc.constantFrom('web', 'db'), tier: fc.constantFrom('1', '2'), env: fc.constantFrom('prod') }, { requiredKeys: [] }),
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({ key: fc.constantFrom('app', 'tier', 'env'), operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.uniqueArray(fc.constantFrom('web', 'db', '1', '2', 'prod'), { minLength: 1, maxLength: 2 }) }),
        fc.record({ key: fc.constantFrom('app', 'tier', 'env'), operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

const peerArb: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb }),
  fc.record({ podSelector: selectorArb, namespaceSelector: selectorArb }),
  fc.record({ namespaceSelector: fc.record({ matchLabels: fc.record({ 'kubernetes.io/metadata.name': fc.constantFrom(...NS_NAMES) }) }) }),
  fc.record(
    { ipBlock: fc.constantFrom<IPBlock>({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }, { cidr: '10.2.0.0/16' }, { cidr: 'fd00::/16', except: ['fd00::1:0/112'] }) },
  ),
);

const portArb = fc.record(
  {
    protocol: fc.constantFrom(...PROTOCOLS),
    port: fc.oneof(fc.constantFrom(80, 81, 82), fc.constantFrom('http', 'alt')),
  },
  { requiredKeys: [] },
).chain((p) => (typeof p.port === 'number' ? fc.record({ endPort: fc.constantFrom(p.port, p.port + 1) }, { requiredKeys: [] }).map((e) => ({ ...p, ...e })) : fc.constant(p)));

const ruleArb = (field: 'from' | 'to') =>
  fc.record({ [field]: fc.array(peerArb, { maxLength: 2 }), ports: fc.array(portArb, { maxLength: 2 }) }, { requiredKeys: [] });

const policyArb = (namespace: string, name: string): fc.Arbitrary<NetworkPolicyInput> =>
  fc
    .record(
      {
        podSelector: selectorArb,
        policyTypes: fc.oneof(fc.constant(['Ingress']), fc.constant(['Egress']), fc.constant(['Ingress', 'Egress']), fc.constant([])),
        ingress: fc.array(ruleArb('from'), { maxLength: 2 }),
        egress: fc.array(ruleArb('to'), { maxLength: 2 }),
      },
      { requiredKeys: ['podSelector'] },
    )
    .map((spec) => ({ metadata: { name, namespace }, spec }) as NetworkPolicyInput);

const clusterArb: fc.Arbitrary<Cluster> = fc
  .tuple(
    fc.array(fc.record({ env: fc.constantFrom('prod') }, { requiredKeys: [] }), { minLength: 3, maxLength: 3 }),
    fc.array(fc.tuple(fc.nat(2), labelsArb, fc.boolean()), { minLength: 2, maxLength: 6 }),
    fc.array(fc.nat(2), { maxLength: 4 }),
  )
  .chain(([nsLabels, podSpecs, policyNs]) =>
    fc.tuple(...policyNs.map((n, i) => policyArb(NS_NAMES[n]!, `p${i}`))).map((policies) => ({
      namespaces: nsLabels.map((labels, i) => ({ metadata: { name: NS_NAMES[i]!, labels } })),
      pods: podSpecs.map(([n, labels, altHttp], i) => ({
        metadata: { name: `pod${i}`, namespace: NS_NAMES[n]!, labels },
        spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: altHttp ? 81 : 80 }, { name: 'alt', containerPort: 82, protocol: 'UDP' as const }] }] },
        status: { podIPs: [{ ip: `10.${n}.0.${i + 1}` }, { ip: `fd00::${n}:${i + 1}` }] },
      })),
      policies,
    })),
  );

// ---- brute force, straight from the documentation ----

type L = Record<string, string>;
function bfSelects(sel: LabelSelector, labels: L): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of sel.matchExpressions ?? []) {
    const has = k(labels, r.key);
    const v = labels[r.key];
    if (r.operator === 'In' && !(has && (r.values ?? []).includes(v!))) return false;
    if (r.operator === 'NotIn' && has && (r.values ?? []).includes(v!)) return false;
    if (r.operator === 'Exists' && !has) return false;
    if (r.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
const k = (labels: L, key: string): boolean => Object.prototype.hasOwnProperty.call(labels, key);

function bruteForce(c: Cluster) {
  const nsLabels = (ns: string): L => ({ ...(c.namespaces.find((n) => n.metadata.name === ns)!.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns });
  const podNs = (p: PodInput) => p.metadata.namespace ?? 'default';
  const key = (p: PodInput) => `${podNs(p)}/${p.metadata.name}`;
  const types = (p: NetworkPolicyInput): string[] => (p.spec.policyTypes?.length ? p.spec.policyTypes : (p.spec.egress?.length ?? 0) > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
  const selecting = (pod: PodInput, type: string) => c.policies.filter((p) => (p.metadata.namespace ?? 'default') === podNs(pod) && types(p).includes(type) && bfSelects(p.spec.podSelector, pod.metadata.labels ?? {}));
  const peerMatches = (peer: NetworkPolicyPeer, policyNs: string, pod: PodInput): boolean => {
    if (peer.ipBlock) {
      const [net, bits] = ipaddr.parseCIDR(peer.ipBlock.cidr);
      const ex = (peer.ipBlock.except ?? []).map((e) => ipaddr.parseCIDR(e));
      return (pod.status?.podIPs ?? []).some(({ ip }) => {
        const a = ipaddr.parse(ip);
        const inside = (r: [ipaddr.IPv4 | ipaddr.IPv6, number]) => a.kind() === r[0].kind() && a.match(r);
        return inside([net, bits]) && !ex.some(inside);
      });
    }
    const nsOk = peer.namespaceSelector ? bfSelects(peer.namespaceSelector, nsLabels(podNs(pod))) : podNs(pod) === policyNs;
    const podOk = peer.podSelector ? bfSelects(peer.podSelector, pod.metadata.labels ?? {}) : true;
    return nsOk && podOk;
  };
  const portOk = (ports: { protocol?: string; port?: number | string; endPort?: number }[] | undefined, port: number, protocol: string, dst: PodInput) =>
    !ports?.length ||
    ports.some((p) => {
      if ((p.protocol ?? 'TCP') !== protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'string') return (dst.spec?.containers ?? []).some((ct) => (ct.ports ?? []).some((cp) => cp.name === p.port && (cp.protocol ?? 'TCP') === protocol && cp.containerPort === port));
      return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
    });
  const allows = (pod: PodInput, type: 'Ingress' | 'Egress', peer: PodInput, port: number, protocol: string, dst: PodInput) => {
    const ps = selecting(pod, type);
    if (ps.length === 0) return true;
    return ps.some((p) =>
      ((type === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []).some((r) => {
        const peers = (type === 'Ingress' ? (r as { from?: NetworkPolicyPeer[] }).from : (r as { to?: NetworkPolicyPeer[] }).to) ?? [];
        return portOk(r.ports, port, protocol, dst) && (peers.length === 0 || peers.some((pe) => peerMatches(pe, p.metadata.namespace ?? 'default', peer)));
      }),
    );
  };
  return (from: string, to: string, port: number, protocol: NetworkProtocol): boolean => {
    const src = c.pods.find((p) => key(p) === from)!;
    const dst = c.pods.find((p) => key(p) === to)!;
    if (src === dst) return true;
    return allows(src, 'Egress', dst, port, protocol, dst) && allows(dst, 'Ingress', src, port, protocol, dst);
  };
}

function everyDecision(engine: PolicyEngine, visit: (from: string, to: string, port: number, protocol: NetworkProtocol, allowed: boolean) => void): void {
  for (const from of engine.podNames) for (const to of engine.podNames) for (const port of PORTS) for (const protocol of PROTOCOLS) visit(from, to, port, protocol, engine.reach(from, to, port, protocol).allowed);
}

const RUNS = { numRuns: 300 };

describe('NetworkPolicy properties', () => {
  it('the indexed engine agrees with a brute-force evaluator', () => {
    fc.assert(
      fc.property(clusterArb, (cluster) => {
        const engine = createPolicyEngine(cluster);
        const oracle = bruteForce(cluster);
        everyDecision(engine, (from, to, port, protocol, allowed) => {
          expect(allowed, `${from} -> ${to} ${port}/${protocol}`).toBe(oracle(from, to, port, protocol));
          expect(engine.isAllowed(from, to, port, protocol)).toBe(allowed);
        });
      }),
      RUNS,
    );
  });

  it('a policy that selects no pod changes nothing', () => {
    fc.assert(
      fc.property(clusterArb, policyArb('n0', 'nobody'), (cluster, extra) => {
        const before = createPolicyEngine(cluster);
        const none: NetworkPolicyInput = { ...extra, spec: { ...extra.spec, podSelector: { matchLabels: { nobody: 'here' } } } };
        const after = createPolicyEngine({ ...cluster, policies: [...cluster.policies, none] });
        everyDecision(before, (from, to, port, protocol, allowed) => expect(after.reach(from, to, port, protocol).allowed).toBe(allowed));
      }),
      RUNS,
    );
  });

  it('in namespaces already isolated both ways, adding a policy never removes a reachable pair', () => {
    fc.assert(
      fc.property(clusterArb, fc.constantFrom(...NS_NAMES), fc.nat(), (cluster, ns, seed) => {
        const isolated = NS_NAMES.map((n): NetworkPolicyInput => ({ metadata: { name: 'isolate', namespace: n }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }));
        const base = { ...cluster, policies: [...isolated, ...cluster.policies.slice(1)] };
        const added = cluster.policies[0] ?? { metadata: { name: `extra${seed % 10}`, namespace: ns }, spec: { podSelector: {}, ingress: [{}], egress: [{}] } };
        const before = createPolicyEngine(base);
        const after = createPolicyEngine({ ...base, policies: [...base.policies, added] });
        everyDecision(before, (from, to, port, protocol, allowed) => {
          if (allowed) expect(after.reach(from, to, port, protocol).allowed).toBe(true);
        });
      }),
      RUNS,
    );
  });

  it('a pod can always reach itself, whatever the policies', () => {
    fc.assert(
      fc.property(clusterArb, fc.constantFrom(...PORTS), fc.constantFrom(...PROTOCOLS), (cluster, port, protocol) => {
        const engine = createPolicyEngine(cluster);
        for (const pod of engine.podNames) expect(engine.reach(pod, pod, port, protocol).allowed).toBe(true);
      }),
      RUNS,
    );
  });
});
