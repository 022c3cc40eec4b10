// NetworkPolicy on the NAT and host paths of topology `reach`: through published ports (DNAT),
// from and to hosts, across hosts (masquerade). Each node's filter sees the post-DNAT destination
// pod and port and the source as it arrived there; what is not a pod is matched by ipBlock only.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { NetworkPolicyInput, NetworkPolicyPeer, PodInput } from '@strata/shared-types';
import { createPolicyEngine, type PolicyEngine, type PolicyPeer } from '../src/policy/index.ts';
import { createNetworkModel } from '../src/topology/index.ts';
import type { NetworkModel } from '../src/topology/index.ts';

const UPLINK = { capacity: 1_250_000_000, latency: 50 };
const PODS = ['a', 'b', 'c', 'd'] as const;

function pod(name: string): PodInput {
  return { metadata: { name, namespace: 'x', labels: { app: name } }, spec: { containers: [{ name: 'main', ports: [{ containerPort: 80 }] }] } };
}

function policy(name: string, spec: NetworkPolicyInput['spec']): NetworkPolicyInput {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'x' }, spec };
}

function engineOf(policies: NetworkPolicyInput[]): PolicyEngine {
  return createPolicyEngine({ namespaces: [{ metadata: { name: 'x' } }], pods: PODS.map(pod), policies });
}

/**
 * Hosts h1 10.1.0.1, h2 10.1.0.2, h3 10.1.0.3 (no pods: a client outside the cluster).
 * h1: n1 (172.17.0.0/16) holds a .2, c .3 and `plain` .4 (no pod); n2 (172.18.0.0/16) holds b .2,
 * which publishes 80 on 8080. h2: n3 (172.17.0.0/16) holds d .2, which publishes 80 on 8080.
 * b and d listen on 80; h2 and h3 listen on 443, h1 on 22.
 */
function model(engine?: PolicyEngine): NetworkModel {
  const m = createNetworkModel(engine === undefined ? {} : { policy: engine });
  for (const [name, address] of [['h1', '10.1.0.1'], ['h2', '10.1.0.2'], ['h3', '10.1.0.3']] as const) m.addHost({ name, address, uplink: UPLINK });
  m.createNetwork({ name: 'n1', host: 'h1' });
  m.createNetwork({ name: 'n2', host: 'h1' });
  m.createNetwork({ name: 'n3', host: 'h2' });
  for (const [name, host, net] of [['a', 'h1', 'n1'], ['c', 'h1', 'n1'], ['b', 'h1', 'n2'], ['d', 'h2', 'n3']] as const) {
    m.createNamespace({ name, host, pod: `x/${name}` });
    m.attach({ namespace: name, network: net });
  }
  m.createNamespace({ name: 'plain', host: 'h1' });
  m.attach({ namespace: 'plain', network: 'n1' });
  for (const n of ['a', 'b', 'c', 'd']) m.listen(n, 80);
  m.publish({ namespace: 'b', containerPort: 80, hostPort: 8080 });
  m.publish({ namespace: 'd', containerPort: 80, hostPort: 8080 });
  m.listenOnHost('h2', 443);
  m.listenOnHost('h3', 443);
  m.listenOnHost('h1', 22);
  return m;
}

const policyReasons = (reasons: readonly string[]) => reasons.filter((r) => r.startsWith('NetworkPolicy'));

describe('through a published port on the same host', () => {
  const bFromC = policy('b-from-c', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'c' } } }], ports: [{ port: 80 }] }] });

  it('the policy sees the source pod and the post-DNAT destination pod and port', () => {
    const m = model(engineOf([bFromC]));
    const ok = m.reach('c', { host: 'h1' }, 8080);
    expect(ok).toMatchObject({ allowed: true, listening: true });
    expect(policyReasons(ok.reasons)).toEqual([
      'NetworkPolicy on h1 sees pod x/c (c) → pod x/b (b) at 172.18.0.2:80/tcp: after the DNAT of 10.1.0.1:8080, before any masquerade of the source',
      'NetworkPolicy: pod x/c is not isolated for egress: no policy selecting it has Egress in policyTypes',
      'NetworkPolicy: ingress of x/b from x/c on 80/TCP is allowed by x/b-from-c rule ingress[0]',
    ]);
    const denied = m.reach('a', { host: 'h1' }, 8080);
    expect(denied).toMatchObject({ allowed: false, listening: false });
    expect(denied.path.map((h) => h.kind)).toEqual(['veth', 'bridge', 'host-nic', 'nat', 'bridge', 'veth']);
    expect(denied.reasons.at(-1)).toBe('NetworkPolicy: pod x/b is isolated for ingress by x/b-from-c; no ingress rule of any policy selecting it admits x/a on 80/TCP');
    // b through its own published port is b to itself
    expect(m.reach('b', { host: 'h1' }, 8080).allowed).toBe(true);
  });

  it('a rule on the published host port (pre-DNAT) admits nothing: the policy never sees 8080', () => {
    const onHostPort = policy('b-8080', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ ports: [{ port: 8080 }] }] });
    const m = model(engineOf([onHostPort]));
    expect(m.reach('c', { host: 'h1' }, 8080).allowed).toBe(false);
    expect(m.reach({ host: 'h3' }, { host: 'h1' }, 8080).allowed).toBe(false);
  });
});

describe('from outside the cluster (another host): matched by ipBlock, never by selectors', () => {
  const bIngress = policy('b-ingress', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.1.0.3/32' } }, { namespaceSelector: {} }] }] });

  it('the source address reaches the destination node unchanged by DNAT', () => {
    const m = model(engineOf([bIngress]));
    const ok = m.reach({ host: 'h3' }, { host: 'h1' }, 8080);
    expect(ok).toMatchObject({ allowed: true, listening: true, address: '10.1.0.1' });
    expect(policyReasons(ok.reasons)).toEqual([
      'NetworkPolicy on h1 sees host h3 (10.1.0.3) → pod x/b (b) at 172.18.0.2:80/tcp: after the DNAT of 10.1.0.1:8080, before any masquerade of the source',
      'NetworkPolicy: 10.1.0.3 is not a pod: no egress policy applies on its side',
      'NetworkPolicy: ingress of x/b from 10.1.0.3 on 80/TCP is allowed by x/b-ingress rule ingress[0]',
    ]);
    const denied = m.reach({ host: 'h2' }, { host: 'h1' }, 8080);
    expect(denied.allowed).toBe(false);
    expect(denied.reasons.at(-1)).toBe(
      'NetworkPolicy: pod x/b is isolated for ingress by x/b-ingress; no ingress rule of any policy selecting it admits 10.1.0.2 on 80/TCP (10.1.0.2 is not a pod: only ipBlock peers and rules without peers can admit it)',
    );
    // every pod is admitted by `namespaceSelector: {}`
    expect(m.reach('a', { host: 'h1' }, 8080).allowed).toBe(true);
  });

  it('a namespace that is no pod is matched by ipBlock at its own address', () => {
    const cFromPlain = policy('c-from-plain', { podSelector: { matchLabels: { app: 'c' } }, ingress: [{ from: [{ ipBlock: { cidr: '172.17.0.4/32' } }] }] });
    const m = model(engineOf([cFromPlain]));
    const ok = m.reach('plain', 'c', 80);
    expect(ok.allowed).toBe(true);
    expect(ok.reasons.at(-2)).toBe('NetworkPolicy: ingress of x/c from 172.17.0.4 on 80/TCP is allowed by x/c-from-plain rule ingress[0]');
    expect(m.reach('a', 'c', 80).allowed).toBe(false);
    const selectorsOnly = model(engineOf([policy('c-from-pods', { podSelector: { matchLabels: { app: 'c' } }, ingress: [{ from: [{ podSelector: {} }] }] })]));
    expect(selectorsOnly.reach('plain', 'c', 80).allowed).toBe(false);
    expect(selectorsOnly.reach('a', 'c', 80).allowed).toBe(true);
  });
});

describe('egress to outside: masqueraded, matched by the destination ipBlock', () => {
  const aEgress = policy('a-egress', {
    podSelector: { matchLabels: { app: 'a' } },
    egress: [{ to: [{ ipBlock: { cidr: '10.1.0.3/32' } }], ports: [{ port: 443 }] }, { to: [{ podSelector: {} }] }],
  });

  it('the source node filters before the masquerade, on the destination address and port', () => {
    const m = model(engineOf([aEgress]));
    const ok = m.reach('a', { host: 'h3' }, 443);
    expect(ok).toMatchObject({ allowed: true, listening: true });
    expect(policyReasons(ok.reasons)).toEqual([
      'NetworkPolicy on h1 sees pod x/a (a) → 10.1.0.3:443/tcp (host h3, which does any DNAT later); masquerade to 10.1.0.1 comes after it',
      'NetworkPolicy: egress of x/a to 10.1.0.3 on 443/TCP is allowed by x/a-egress rule egress[0]',
      'NetworkPolicy: 10.1.0.3 is not a pod: no ingress policy applies on its side',
    ]);
    const denied = m.reach('a', { host: 'h2' }, 443);
    expect(denied.allowed).toBe(false);
    expect(denied.reasons.at(-2)).toBe(
      'NetworkPolicy: pod x/a is isolated for egress by x/a-egress; no egress rule of any policy selecting it admits 10.1.0.2 on 443/TCP (10.1.0.2 is not a pod: only ipBlock peers and rules without peers can admit it)',
    );
    expect(m.reach('a', 'c', 80).allowed).toBe(true);
  });
});

describe('across hosts through a published port', () => {
  const aToD = policy('a-to-d', { podSelector: { matchLabels: { app: 'a' } }, egress: [{ to: [{ podSelector: { matchLabels: { app: 'd' } } }], ports: [{ port: 80 }] }] });
  const aToH2 = policy('a-to-h2', { podSelector: { matchLabels: { app: 'a' } }, egress: [{ to: [{ ipBlock: { cidr: '10.1.0.2/32' } }], ports: [{ port: 8080 }] }] });
  const dFromA = policy('d-from-a', { podSelector: { matchLabels: { app: 'd' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }] });
  const dFromH1 = policy('d-from-h1', { podSelector: { matchLabels: { app: 'd' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.1.0.1/32' } }], ports: [{ port: 80 }] }] });

  it("egress at the source node sees the other host's address and port: a rule for pod d on 80 does not apply", () => {
    const m = model(engineOf([aToD]));
    const r = m.reach('a', { host: 'h2' }, 8080);
    expect(r.allowed).toBe(false);
    expect(r.reasons.filter((x) => x.startsWith('NetworkPolicy on'))).toEqual([
      'NetworkPolicy on h1 sees pod x/a (a) → 10.1.0.2:8080/tcp (host h2, which does any DNAT later); masquerade to 10.1.0.1 comes after it',
    ]);
  });

  it('ingress at the destination node sees the masqueraded source: a rule for pod a does not apply, an ipBlock of h1 does', () => {
    const blocked = model(engineOf([aToH2, dFromA])).reach('a', { host: 'h2' }, 8080);
    expect(blocked.allowed).toBe(false);
    expect(blocked.reasons.filter((x) => x.startsWith('NetworkPolicy on'))).toEqual([
      'NetworkPolicy on h1 sees pod x/a (a) → 10.1.0.2:8080/tcp (host h2, which does any DNAT later); masquerade to 10.1.0.1 comes after it',
      'NetworkPolicy on h2 sees host h1 (10.1.0.1) → pod x/d (d) at 172.17.0.2:80/tcp: after the DNAT of 10.1.0.2:8080, before any masquerade of the source',
    ]);
    expect(blocked.reasons.at(-1)).toMatch(/^NetworkPolicy: pod x\/d is isolated for ingress by x\/d-from-a; no ingress rule of any policy selecting it admits 10\.1\.0\.1 on 80\/TCP/);
    const ok = model(engineOf([aToH2, dFromH1])).reach('a', { host: 'h2' }, 8080);
    expect(ok).toMatchObject({ allowed: true, listening: true });
    expect(ok.reasons.at(-2)).toBe('NetworkPolicy: ingress of x/d from 10.1.0.1 on 80/TCP is allowed by x/d-from-h1 rule ingress[0]');
  });
});

describe('the own node', () => {
  const denyAll = policy('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

  it('traffic between a pod and its own node is always allowed, whichever path; other hosts are not', () => {
    const m = model(engineOf([denyAll]));
    const direct = m.reach({ host: 'h1' }, 'b', 80);
    expect(direct.allowed).toBe(true);
    expect(direct.reasons.at(-2)).toBe('NetworkPolicy: traffic from its own node (172.18.0.1) to pod x/b is always allowed, on 80/TCP as on any port');
    const published = m.reach({ host: 'h1' }, { host: 'h1' }, 8080);
    expect(published.allowed).toBe(true);
    expect(published.reasons).toContain('NetworkPolicy: traffic from its own node (10.1.0.1) to pod x/b is always allowed, on 80/TCP as on any port');
    const toNode = m.reach('b', { host: 'h1' }, 22);
    expect(toNode).toMatchObject({ allowed: true, listening: true });
    expect(toNode.reasons).toContain('NetworkPolicy: traffic from pod x/b to its own node (10.1.0.1) is always allowed, on 22/TCP as on any port');
    expect(m.reach({ host: 'h2' }, { host: 'h1' }, 8080).allowed).toBe(false);
    expect(m.reach('a', { host: 'h3' }, 443).allowed).toBe(false);
    expect(m.reach('a', 'c', 80).allowed).toBe(false);
    expect(m.reach('a', 'a', 80).allowed).toBe(true);
  });
});

describe('without a policy engine', () => {
  it('the same paths are allowed and give no NetworkPolicy reasons', () => {
    const m = model();
    for (const r of [m.reach('a', { host: 'h1' }, 8080), m.reach({ host: 'h3' }, { host: 'h1' }, 8080), m.reach('a', { host: 'h2' }, 8080), m.reach('a', { host: 'h3' }, 443)]) {
      expect(r.allowed).toBe(true);
      expect(policyReasons(r.reasons)).toEqual([]);
    }
  });
});

// ---- properties ----

const peerArb: fc.Arbitrary<NetworkPolicyPeer | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(...PODS).map((p) => ({ podSelector: { matchLabels: { app: p } } })),
  fc.constant({ namespaceSelector: {} }),
  fc.constantFrom('10.1.0.1/32', '10.1.0.2/32', '10.1.0.3/32', '10.1.0.0/24', '172.17.0.0/16').map((cidr) => ({ ipBlock: { cidr } })),
);
interface PolicySketch {
  readonly target: (typeof PODS)[number] | undefined;
  readonly direction: 'ingress' | 'egress';
  readonly peer: NetworkPolicyPeer | undefined;
  readonly port: number | undefined;
}
const policyArb: fc.Arbitrary<PolicySketch> = fc.record({
  target: fc.constantFrom(undefined, ...PODS),
  direction: fc.constantFrom('ingress' as const, 'egress' as const),
  peer: peerArb,
  port: fc.constantFrom(undefined, 80, 443, 8080),
});

function build(specs: readonly PolicySketch[]): NetworkPolicyInput[] {
  return specs.map((s, i) => {
    const rule = { ...(s.peer === undefined ? {} : { [s.direction === 'ingress' ? 'from' : 'to']: [s.peer] }), ...(s.port === undefined ? {} : { ports: [{ port: s.port }] }) };
    return policy(`p${i}`, {
      podSelector: s.target === undefined ? {} : { matchLabels: { app: s.target } },
      ...(s.direction === 'ingress' ? { ingress: [rule] } : { egress: [rule], policyTypes: ['Egress'] as ('Ingress' | 'Egress')[] }),
    });
  });
}

describe('policy on NAT paths: properties', () => {
  it('each path decides as the engine does on what its filters see (post-DNAT pod and port, pre-SNAT source, ipBlock for the rest)', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 4 }), (specs) => {
        const engine = engineOf(build(specs));
        const m = model(engine);
        const allows = (from: PolicyPeer, to: PolicyPeer, port: number) => engine.isAllowed(from, to, port);
        expect(m.reach('a', 'c', 80).allowed).toBe(allows('x/a', 'x/c', 80));
        expect(m.reach('a', { host: 'h1' }, 8080).allowed).toBe(allows('x/a', 'x/b', 80));
        expect(m.reach('plain', { host: 'h1' }, 8080).allowed).toBe(allows({ address: '172.17.0.4' }, 'x/b', 80));
        expect(m.reach({ host: 'h3' }, { host: 'h1' }, 8080).allowed).toBe(allows({ address: '10.1.0.3' }, 'x/b', 80));
        expect(m.reach('a', { host: 'h3' }, 443).allowed).toBe(allows('x/a', { address: '10.1.0.3' }, 443));
        expect(m.reach('a', { host: 'h2' }, 8080).allowed).toBe(allows('x/a', { address: '10.1.0.2' }, 8080) && allows({ address: '10.1.0.1' }, 'x/d', 80));
        // own node: always
        expect(m.reach({ host: 'h1' }, 'b', 80).allowed).toBe(true);
        expect(m.reach('c', { host: 'h1' }, 22).allowed).toBe(true);
      }),
    );
  });
});
