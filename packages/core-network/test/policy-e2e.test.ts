// The upstream Kubernetes network policy e2e layout (test/e2e/network/netpol): namespaces x, y, z;
// pods a, b, c in each, serving 80 and 81 over TCP, UDP and SCTP; one reachability matrix per case.
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError, type NetworkPolicyInput, type NetworkProtocol, type PodInput } from '@strata/shared-types';
import { createPolicyEngine, type PolicyEngine } from '../src/policy/index.js';

const NAMESPACES = ['x', 'y', 'z'] as const;
const PODS = ['a', 'b', 'c'] as const;
const PORTS = [80, 81] as const;
const PROTOCOLS: readonly NetworkProtocol[] = ['TCP', 'UDP', 'SCTP'];
const ALL = NAMESPACES.flatMap((ns) => PODS.map((p) => `${ns}/${p}`));

function pod(ns: number, p: number): PodInput {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: PODS[p]!, namespace: NAMESPACES[ns]!, labels: { pod: PODS[p]! } },
    spec: {
      containers: PORTS.flatMap((port) =>
        PROTOCOLS.map((protocol) => ({ name: `cont-${port}-${protocol.toLowerCase()}`, ports: [{ name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol }] })),
      ),
    },
    status: { podIP: `10.0.${ns}.${p + 1}`, podIPs: [{ ip: `10.0.${ns}.${p + 1}` }, { ip: `fd00::${ns}:${p + 1}` }] },
  };
}

function cluster(policies: NetworkPolicyInput[]): PolicyEngine {
  return createPolicyEngine({
    namespaces: NAMESPACES.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ns } } })),
    pods: NAMESPACES.flatMap((_, n) => PODS.map((_p, p) => pod(n, p))),
    policies,
  });
}

function policy(namespace: string, name: string, spec: NetworkPolicyInput['spec']): NetworkPolicyInput {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/** The matrix as text: one row per source, `.` allowed, `X` denied, columns in ALL order. */
function matrix(engine: PolicyEngine, port: number, protocol: NetworkProtocol): string[] {
  return ALL.map((from) => `${from} ${ALL.map((to) => (engine.reach(from, to, port, protocol).allowed ? '.' : 'X')).join('')}`);
}

function expected(allowed: (from: string, to: string) => boolean): string[] {
  return ALL.map((from) => `${from} ${ALL.map((to) => (from === to || allowed(from, to) ? '.' : 'X')).join('')}`);
}

const ns = (pod: string): string => pod.split('/')[0]!;
const name = (pod: string): string => pod.split('/')[1]!;
const everywhere = (engine: PolicyEngine, allowed: (from: string, to: string, port: number, protocol: NetworkProtocol) => boolean): void => {
  for (const port of PORTS) {
    for (const protocol of PROTOCOLS) {
      expect(matrix(engine, port, protocol), `${port}/${protocol}`).toEqual(expected((f, t) => allowed(f, t, port, protocol)));
    }
  }
};

const denyAllIngress = (namespace: string) => policy(namespace, 'deny-all', { podSelector: {} });

describe('NetworkPolicy e2e matrices', () => {
  it('allows everything without policies', () => {
    everywhere(cluster([]), () => true);
  });

  it('deny-all ingress in x isolates every pod of x for ingress only', () => {
    const engine = cluster([denyAllIngress('x')]);
    everywhere(engine, (_f, t) => ns(t) !== 'x');
    expect(engine.reach('y/a', 'x/b', 80, 'TCP').reason).toContain('pod x/b is isolated for ingress by x/deny-all; no ingress rule of any policy selecting it admits y/a on 80/TCP');
  });

  it('deny-all ingress with `ingress: []` is the same', () => {
    everywhere(cluster([policy('x', 'deny', { podSelector: {}, policyTypes: ['Ingress'], ingress: [] })]), (_f, t) => ns(t) !== 'x');
  });

  it('allow from the same namespace', () => {
    const engine = cluster([policy('x', 'same-ns', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })]);
    everywhere(engine, (f, t) => ns(t) !== 'x' || ns(f) === 'x');
    expect(engine.reach('x/a', 'x/b', 80).reason).toContain('ingress of x/b from x/a on 80/TCP is allowed by x/same-ns rule ingress[0]');
  });

  it('allow from namespaces with a label (matchLabels and matchExpressions)', () => {
    everywhere(cluster([policy('x', 'from-y', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] })]), (f, t) => ns(t) !== 'x' || ns(f) === 'y');
    everywhere(
      cluster([policy('x', 'not-y', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['y'] }] } }] }] })]),
      (f, t) => ns(t) !== 'x' || ns(f) !== 'y',
    );
    everywhere(cluster([policy('x', 'by-name', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'z' } } }] }] })]), (f, t) => ns(t) !== 'x' || ns(f) === 'z');
  });

  it('a namespaceSelector of {} admits every namespace; Exists and DoesNotExist', () => {
    everywhere(cluster([policy('x', 'any-ns', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] })]), () => true);
    everywhere(
      cluster([policy('x', 'no-pod-label', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'pod', operator: 'DoesNotExist' }] } }] }] })]),
      (_f, t) => t !== 'x/a',
    );
    everywhere(
      cluster([policy('x', 'has-pod-label', { podSelector: { matchExpressions: [{ key: 'pod', operator: 'Exists' }] }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] } }] }] })]),
      (f, t) => ns(t) !== 'x' || name(f) !== 'a',
    );
  });

  it('AND inside one peer, OR between peers', () => {
    const and = cluster([
      policy('x', 'and', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'b' } } }] }] }),
    ]);
    everywhere(and, (f, t) => t !== 'x/a' || f === 'y/b');
    const or = cluster([
      policy('x', 'or', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }, { podSelector: { matchLabels: { pod: 'b' } } }] }] }),
    ]);
    everywhere(or, (f, t) => t !== 'x/a' || ns(f) === 'y' || f === 'x/b');
  });

  it('the union of all selecting policies', () => {
    const engine = cluster([
      policy('x', 'from-y', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] }),
      policy('x', 'from-z-to-a', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'z' } } }] }] }),
    ]);
    everywhere(engine, (f, t) => ns(t) !== 'x' || ns(f) === 'y' || (t === 'x/a' && ns(f) === 'z'));
  });

  it('egress deny-all in x; egress allow to y on 80 only', () => {
    everywhere(cluster([policy('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] })]), (f) => ns(f) !== 'x');
    const engine = cluster([policy('x', 'to-y-80', { podSelector: {}, egress: [{ to: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 80 }] }] })]);
    // The defaulted policyTypes include Ingress too: ingress into x is denied as well.
    everywhere(engine, (f, t, port, protocol) => ns(t) !== 'x' && (ns(f) !== 'x' || (ns(t) === 'y' && port === 80 && protocol === 'TCP')));
    expect(engine.reach('y/a', 'x/a', 80).allowed).toBe(false);
    expect(engine.reach('x/a', 'z/a', 80).reason[0]).toBe('pod x/a is isolated for egress by x/to-y-80; no egress rule of any policy selecting it admits z/a on 80/TCP');
  });

  it('both ends must allow: egress allowed at the source is not enough', () => {
    const engine = cluster([
      policy('x', 'egress-all', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }),
      policy('y', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }),
    ]);
    const decision = engine.reach('x/a', 'y/b', 80, 'TCP');
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toEqual([
      'egress of x/a to y/b on 80/TCP is allowed by x/egress-all rule egress[0]',
      'pod y/b is isolated for ingress by y/deny-all; no ingress rule of any policy selecting it admits x/a on 80/TCP',
    ]);
  });

  it('protocols: TCP by default, UDP and SCTP by name', () => {
    everywhere(cluster([policy('x', 'tcp-80', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] })]), (_f, t, port, protocol) => ns(t) !== 'x' || (port === 80 && protocol === 'TCP'));
    everywhere(cluster([policy('x', 'udp', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }] }] })]), (_f, t, _port, protocol) => ns(t) !== 'x' || protocol === 'UDP');
    everywhere(cluster([policy('x', 'sctp-81', { podSelector: {}, ingress: [{ ports: [{ protocol: 'SCTP', port: 81 }] }] })]), (_f, t, port, protocol) => ns(t) !== 'x' || (port === 81 && protocol === 'SCTP'));
  });

  it('named ports resolve against the destination pod', () => {
    everywhere(cluster([policy('x', 'named', { podSelector: {}, ingress: [{ ports: [{ port: 'serve-80-tcp' }] }] })]), (_f, t, port, protocol) => ns(t) !== 'x' || (port === 80 && protocol === 'TCP'));
    everywhere(cluster([policy('x', 'named-udp', { podSelector: {}, ingress: [{ ports: [{ port: 'serve-81-udp', protocol: 'UDP' }] }] })]), (_f, t, port, protocol) => ns(t) !== 'x' || (port === 81 && protocol === 'UDP'));
    // Protocol mismatch: serve-81-udp with the default TCP matches nothing.
    everywhere(cluster([policy('x', 'named-mismatch', { podSelector: {}, ingress: [{ ports: [{ port: 'serve-81-udp' }] }] })]), (_f, t) => ns(t) !== 'x');
    // Egress: the name is looked up on the destination (y's pods serve it).
    everywhere(
      cluster([policy('x', 'egress-named', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-81-tcp' }] }] })]),
      (f, _t, port, protocol) => ns(f) !== 'x' || (port === 81 && protocol === 'TCP'),
    );
  });

  it('endPort ranges', () => {
    const engine = cluster([policy('x', 'range', { podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 81 }] }] })]);
    everywhere(engine, (_f, t, _port, protocol) => ns(t) !== 'x' || protocol === 'TCP');
    expect(engine.reach('y/a', 'x/a', 79).allowed).toBe(false);
    expect(engine.reach('y/a', 'x/a', 82).allowed).toBe(false);
    everywhere(cluster([policy('x', 'range-81', { podSelector: {}, ingress: [{ ports: [{ port: 81, endPort: 1000, protocol: 'UDP' }] }] })]), (_f, t, port, protocol) => ns(t) !== 'x' || (port === 81 && protocol === 'UDP'));
  });

  it('ipBlock with except, IPv4 and IPv6', () => {
    // Everything in 10.0.0.0/16 except y (10.0.1.0/24) may reach x/a; y/b is re-admitted by a /128 of its IPv6 address.
    const engine = cluster([
      policy('x', 'cidr', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } }, { ipBlock: { cidr: 'fd00::1:2/128' } }] }] }),
    ]);
    everywhere(engine, (f, t) => t !== 'x/a' || ns(f) !== 'y' || f === 'y/b');
    everywhere(cluster([policy('x', 'egress-cidr', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.2.0/24' } }] }] })]), (f, t) => ns(t) !== 'x' && (ns(f) !== 'x' || ns(t) === 'z'));
  });

  it('policyTypes default: Ingress always, Egress only with at least one egress rule', () => {
    // `egress: []` does not count: x stays open for egress.
    const empty = cluster([policy('x', 'empty-egress', { podSelector: {}, egress: [] })]);
    expect(empty.isolatingPolicies('x/a')).toEqual({ ingress: ['x/empty-egress'], egress: [] });
    everywhere(empty, (_f, t) => ns(t) !== 'x');
    // One egress rule: Egress is added.
    const one = cluster([policy('x', 'one-egress', { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] })]);
    expect(one.isolatingPolicies('x/a')).toEqual({ ingress: ['x/one-egress'], egress: ['x/one-egress'] });
    everywhere(one, (f, t) => ns(t) !== 'x' && ns(f) !== 'x');
    // Egress rules are ignored when policyTypes lists only Ingress.
    const ignored = cluster([policy('x', 'ingress-only', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}], egress: [{ to: [{ podSelector: {} }] }] })]);
    expect(ignored.isolatingPolicies('x/a')).toEqual({ ingress: ['x/ingress-only'], egress: [] });
    everywhere(ignored, () => true);
    // Egress alone: ingress rules are ignored and ingress stays open.
    everywhere(cluster([policy('x', 'egress-only', { podSelector: {}, policyTypes: ['Egress'], ingress: [], egress: [{}] })]), () => true);
  });

  it('a pod can always reach itself', () => {
    const engine = cluster([denyAllIngress('x'), policy('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] })]);
    expect(engine.reach('x/a', 'x/a', 80, 'SCTP')).toEqual({ allowed: true, reason: ['a pod can always reach itself: x/a on 80/SCTP'] });
  });
});

describe('NetworkPolicy engine details', () => {
  it('a policy selects pods of its own namespace only', () => {
    everywhere(cluster([policy('y', 'deny-a', { podSelector: { matchLabels: { pod: 'a' } } })]), (_f, t) => t !== 'y/a');
  });

  it('names every isolating policy when nothing admits', () => {
    const engine = cluster([denyAllIngress('x'), policy('x', 'from-y-81', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 81 }] }] })]);
    expect(engine.reach('y/a', 'x/a', 80).reason[1]).toBe('pod x/a is isolated for ingress by x/deny-all, x/from-y-81; no ingress rule of any policy selecting it admits y/a on 80/TCP');
    expect(engine.reach('y/a', 'x/a', 81).reason[1]).toBe('ingress of x/a from y/a on 81/TCP is allowed by x/from-y-81 rule ingress[0]');
    expect(engine.reach('y/a', 'x/a', 81).reason[0]).toBe('pod y/a is not isolated for egress: no policy selecting it has Egress in policyTypes');
  });

  it('pod refs decide as names do, and only for the engine that made them', () => {
    const engine = cluster([denyAllIngress('x')]);
    for (const from of ALL) for (const to of ALL) expect(engine.reach(engine.pod(from), engine.pod(to), 80)).toEqual(engine.reach(from, to, 80));
    const other = cluster([]);
    expect(() => engine.reach(other.pod('x/a'), 'x/b', 80)).toThrow(NotFoundError);
    expect(() => engine.pod('x/zz')).toThrow(NotFoundError);
  });
});

describe('NetworkPolicy input errors', () => {
  const fail = (fn: () => unknown): Error => {
    try {
      fn();
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a failure');
  };

  it('names the object and the path of a bad field', () => {
    const error = fail(() => cluster([policy('x', 'bad', { podSelector: {}, ingress: [{ ports: [{ port: 81, endPort: 80 }] }] })]));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('invalid network policy [0]: spec.ingress[0].ports[0].endPort: expected endPort at least port 81, got 80');
  });

  it('rejects an except outside its cidr, naming the policy and path', () => {
    const error = fail(() => cluster([policy('x', 'bad', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] })]));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('network policy x/bad: spec.ingress[0].from[0].ipBlock.except[0]: expected a CIDR strictly inside 10.0.0.0/16, got "10.1.0.0/24"');
  });

  it('unknown pods, unknown namespaces, duplicates, bad ports and protocols', () => {
    const engine = cluster([]);
    expect(fail(() => engine.reach('x/a', 'q/a', 80))).toBeInstanceOf(NotFoundError);
    expect(fail(() => engine.reach('x/a', 'x/b', 0)).message).toBe('port: expected an integer 1..65535, got 0');
    expect(fail(() => engine.reach('x/a', 'x/b', 80, 'ICMP' as NetworkProtocol)).message).toBe('protocol: expected TCP, UDP or SCTP, got "ICMP"');
    expect(fail(() => createPolicyEngine({ namespaces: [], pods: [pod(0, 0)], policies: [] }))).toBeInstanceOf(NotFoundError);
    expect(fail(() => cluster([denyAllIngress('x'), denyAllIngress('x')]))).toBeInstanceOf(ConflictError);
  });
});
