// NetworkPolicy with one end that is not a pod (Kubernetes network-policies.md: ipBlock is for
// cluster-external IPs; selectors select pods; traffic to and from a pod's own node is always allowed).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NotFoundError, ValidationError, type NetworkPolicyInput, type PodInput } from '@strata/shared-types';
import { createPolicyEngine, type PolicyEngine } from '../src/policy/index.js';

function pod(name: string, ip: string): PodInput {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'x', labels: { app: name } },
    spec: { containers: [{ name: 'main', ports: [{ name: 'http', containerPort: 80 }] }] },
    status: { podIP: ip },
  };
}

function policy(name: string, spec: NetworkPolicyInput['spec']): NetworkPolicyInput {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'x' }, spec };
}

function engine(policies: NetworkPolicyInput[]): PolicyEngine {
  return createPolicyEngine({ namespaces: [{ metadata: { name: 'x' } }], pods: [pod('a', '10.0.0.2'), pod('b', '10.0.0.3')], policies });
}

const OUTSIDE = { address: '203.0.113.5' };

describe('ingress from an address that is not a pod', () => {
  it('is open while the pod is not isolated for ingress; the address side has no policy', () => {
    expect(engine([]).reach(OUTSIDE, 'x/b', 80)).toEqual({
      allowed: true,
      reason: ['203.0.113.5 is not a pod: no egress policy applies on its side', 'pod x/b is not isolated for ingress: no policy selecting it has Ingress in policyTypes'],
    });
  });

  it('is admitted by an ipBlock holding it, not by its except, and named in the reason', () => {
    const e = engine([policy('from-net', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] }] })]);
    expect(e.reach(OUTSIDE, 'x/b', 80).reason.at(-1)).toBe('ingress of x/b from 203.0.113.5 on 80/TCP is allowed by x/from-net rule ingress[0]');
    const denied = e.reach({ address: '203.0.113.200' }, 'x/b', 80);
    expect(denied.allowed).toBe(false);
    expect(denied.reason.at(-1)).toBe(
      'pod x/b is isolated for ingress by x/from-net; no ingress rule of any policy selecting it admits 203.0.113.200 on 80/TCP (203.0.113.200 is not a pod: only ipBlock peers and rules without peers can admit it)',
    );
  });

  it('is never matched by pod or namespace selectors, even `{}` ones; a rule without peers admits it', () => {
    const selectors = engine([policy('all-pods', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }, { podSelector: {} }] }] })]);
    expect(selectors.reach(OUTSIDE, 'x/b', 80).allowed).toBe(false);
    expect(selectors.reach('x/a', 'x/b', 80).allowed).toBe(true);
    const anyone = engine([policy('anyone-on-80', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] })]);
    expect(anyone.reach(OUTSIDE, 'x/b', 80).allowed).toBe(true);
    expect(anyone.reach(OUTSIDE, 'x/b', 81).allowed).toBe(false);
  });

  it('named ports resolve against the destination pod', () => {
    const e = engine([policy('http', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 'http' }] }] })]);
    expect(e.isAllowed(OUTSIDE, 'x/b', 80)).toBe(true);
    expect(e.isAllowed(OUTSIDE, 'x/b', 81)).toBe(false);
  });

  it('IPv6 addresses match IPv6 blocks only', () => {
    const e = engine([policy('v6', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '2001:db8::/32' } }] }] })]);
    expect(e.isAllowed({ address: '2001:db8::5' }, 'x/b', 80)).toBe(true);
    expect(e.isAllowed({ address: '2001:db9::5' }, 'x/b', 80)).toBe(false);
    expect(e.isAllowed({ address: '32.1.13.184' }, 'x/b', 80)).toBe(false);
  });
});

describe('egress to an address that is not a pod', () => {
  const e = engine([
    policy('egress', {
      podSelector: { matchLabels: { app: 'a' } },
      egress: [{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: 443 }, { port: 'http' }] }, { to: [{ podSelector: {} }] }],
    }),
  ]);

  it('is admitted by an ipBlock and a numeric port; the address side has no ingress policy', () => {
    expect(e.reach('x/a', { address: '198.51.100.7' }, 443)).toEqual({
      allowed: true,
      reason: ['egress of x/a to 198.51.100.7 on 443/TCP is allowed by x/egress rule egress[0]', '198.51.100.7 is not a pod: no ingress policy applies on its side'],
    });
  });

  it('a named port cannot match an address (it names a port of the destination pod); pod selectors do not match it', () => {
    expect(e.isAllowed('x/a', { address: '198.51.100.7' }, 80)).toBe(false);
    expect(e.isAllowed('x/a', OUTSIDE, 443)).toBe(false);
    expect(e.reach('x/a', OUTSIDE, 443).reason[0]).toBe(
      'pod x/a is isolated for egress by x/egress; no egress rule of any policy selecting it admits 203.0.113.5 on 443/TCP (203.0.113.5 is not a pod: only ipBlock peers and rules without peers can admit it)',
    );
    expect(e.isAllowed('x/a', 'x/b', 80)).toBe(true);
  });
});

describe('the own node and bad peers', () => {
  it('traffic between a pod and its own node is always allowed, both ways', () => {
    const e = engine([policy('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })]);
    expect(e.reach({ address: '10.1.0.1', ownNode: true }, 'x/b', 80)).toEqual({
      allowed: true,
      reason: ['traffic from its own node (10.1.0.1) to pod x/b is always allowed, on 80/TCP as on any port'],
    });
    expect(e.reach('x/b', { address: '10.1.0.1', ownNode: true }, 9100).allowed).toBe(true);
    expect(e.reach({ address: '10.1.0.1' }, 'x/b', 80).allowed).toBe(false);
  });

  it('refuses two addresses, a malformed address and a foreign object, naming the field', () => {
    const e = engine([]);
    expect(() => e.reach(OUTSIDE, { address: '198.51.100.7' }, 80)).toThrow(ValidationError);
    expect(() => e.reach(OUTSIDE, { address: '198.51.100.7' }, 80)).toThrow('NetworkPolicy judges connections with at least one pod end; got two addresses');
    expect(() => e.reach({ address: '10.0.0' }, 'x/b', 80)).toThrow('from.address must be an IPv4 or IPv6 address (e.g. 203.0.113.5, 2001:db8::5); got "10.0.0"');
    expect(() => e.isAllowed('x/a', { address: 'web' }, 80)).toThrow('to.address must be an IPv4 or IPv6 address');
    expect(() => e.reach('x/a', { address: '10.0.0.1', ownNode: 'yes' as never }, 80)).toThrow('to.ownNode must be true or false; got "yes"');
    expect(() => e.reach('x/a', { key: 'x/b' } as never, 80)).toThrow(NotFoundError);
  });
});

describe('address peers: properties', () => {
  const cidrArb = fc.constantFrom('203.0.113.0/24', '203.0.113.0/28', '198.51.100.0/24', '0.0.0.0/0');
  const addressArb = fc.constantFrom('203.0.113.5', '203.0.113.20', '198.51.100.7', '192.0.2.1');
  const inCidr = (address: string, cidr: string): boolean => {
    const [net, bits] = cidr.split('/') as [string, string];
    const n = (ip: string) => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    return Math.floor(n(address) / size) === Math.floor(n(net) / size);
  };

  it('isAllowed equals reach().allowed, and an address is admitted for ingress iff some isolating rule has no peers or an ipBlock holding it', () => {
    fc.assert(
      fc.property(fc.array(fc.option(cidrArb, { nil: undefined }), { minLength: 0, maxLength: 3 }), addressArb, (rules, address) => {
        const policies = rules.length === 0 ? [] : [policy('p', { podSelector: {}, ingress: rules.map((cidr) => (cidr === undefined ? {} : { from: [{ ipBlock: { cidr } }, { podSelector: {} }] })) })];
        const e = engine(policies);
        const decision = e.reach({ address }, 'x/b', 80);
        expect(e.isAllowed({ address }, 'x/b', 80)).toBe(decision.allowed);
        const expected = rules.length === 0 || rules.some((cidr) => cidr === undefined || inCidr(address, cidr));
        expect(decision.allowed).toBe(expected);
      }),
    );
  });
});
