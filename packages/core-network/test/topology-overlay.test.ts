import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError, type NetworkPolicyInput, type PodInput } from '@strata/shared-types';
import { createFlowNetwork } from '../src/flows/index.ts';
import { createPolicyEngine } from '../src/policy/index.ts';
import { createNetworkModel } from '../src/topology/index.ts';
import type { NetworkModel, NetworkModelOptions } from '../src/topology/index.ts';

const GIGABIT = 125_000_000;

/** h1 (a, c) and h2 (b), an overlay `ov` over both, uplinks of 1 Gbit/s and 100 µs. */
function twoHosts(options: NetworkModelOptions = {}): NetworkModel {
  const m = createNetworkModel(options);
  m.addHost({ name: 'h1', address: '192.0.2.1', uplink: { capacity: GIGABIT, latency: 100 } });
  m.addHost({ name: 'h2', address: '192.0.2.2', uplink: { capacity: GIGABIT, latency: 100 } });
  m.createNamespace({ name: 'a', host: 'h1' });
  m.createNamespace({ name: 'c', host: 'h1' });
  m.createNamespace({ name: 'b', host: 'h2' });
  m.createNetwork({ name: 'ov', driver: 'overlay' });
  for (const n of ['a', 'b', 'c']) m.attach({ namespace: n, network: 'ov' });
  return m;
}

describe('overlay networks', () => {
  it('take subnets from the global pool (10.0.0.0/8 in /24s) and span hosts', () => {
    const m = twoHosts();
    expect(m.network('ov')).toMatchObject({ driver: 'overlay', subnet: '10.0.0.0/24', gateway: '10.0.0.1', endpoints: ['a', 'b', 'c'] });
    expect(m.createNetwork({ name: 'ov2', driver: 'overlay' }).subnet).toBe('10.0.1.0/24');
    expect(() => m.createNetwork({ name: 'ov3', driver: 'overlay', host: 'h1' })).toThrow(ValidationError);
  });

  it('traffic between endpoints on different hosts crosses both uplinks through a VXLAN tunnel', () => {
    const m = twoHosts();
    const bridge = m.network('ov').bridge;
    const r = m.reach('a', 'b', 80);
    expect(r.allowed).toBe(true);
    expect(r.path).toEqual([
      { kind: 'veth', id: 'a/eth0', host: 'h1' },
      { kind: 'bridge', id: `${bridge}@h1`, host: 'h1' },
      { kind: 'host-nic', id: 'h1/uplink', host: 'h1' },
      { kind: 'physical-link', id: 'h1/uplink', host: 'h1' },
      { kind: 'overlay-tunnel', id: 'vxlan ov 192.0.2.1→192.0.2.2', host: 'h1' },
      { kind: 'physical-link', id: 'h2/uplink', host: 'h2' },
      { kind: 'host-nic', id: 'h2/uplink', host: 'h2' },
      { kind: 'bridge', id: `${bridge}@h2`, host: 'h2' },
      { kind: 'veth', id: 'b/eth0', host: 'h2' },
    ]);
    expect(r.reasons).toContain('overlay ov: VXLAN tunnel from h1 (192.0.2.1) to h2 (192.0.2.2) over their uplinks');
    expect(m.pathLinks('a', 'b')).toEqual(['ns:a/eth0:tx', 'host:h1/uplink:tx', 'host:h2/uplink:rx', 'ns:b/eth0:rx']);
    // Same host: the uplinks are not crossed.
    expect(m.pathLinks('a', 'c')).toEqual(['ns:a/eth0:tx', 'ns:c/eth0:rx']);
    expect(m.pathLinks('a', 'a')).toEqual(['ns:a/lo']);
  });

  it('pathLinks refuses unreachable pairs with the reasons', () => {
    const m = twoHosts();
    m.createNamespace({ name: 'd', host: 'h2' });
    m.createNetwork({ name: 'lonely', host: 'h2', internal: true });
    m.attach({ namespace: 'd', network: 'lonely' });
    expect(() => m.pathLinks('a', 'd')).toThrow(ConflictError);
    expect(() => m.pathLinks('d', 'a')).toThrow(/^no path from d to a: no route to 10\.0\.0\.2/);
  });

  it('flows run on the topology: the uplinks bottleneck a cross-host flow, and two flows share h1\'s uplink', () => {
    const m = twoHosts();
    const flows = createFlowNetwork();
    for (const link of m.links()) flows.addLink(link);
    flows.startFlow({ id: 'f1', path: m.pathLinks('a', 'b'), bytes: GIGABIT });
    expect(flows.flow('f1').rateBytesPerSecond).toBe(GIGABIT);
    flows.startFlow({ id: 'f2', path: m.pathLinks('c', 'b'), bytes: GIGABIT / 2 });
    expect(flows.flow('f1').rateBytesPerSecond).toBe(GIGABIT / 2);
    expect(flows.flow('f2').rateBytesPerSecond).toBe(GIGABIT / 2);
    flows.startFlow({ id: 'local', path: m.pathLinks('a', 'c'), bytes: 1_250_000 });
    expect(flows.flow('local').rateBytesPerSecond).toBeGreaterThan(GIGABIT);
    const done = flows.advanceTo(2_000_000).map((e) => [e.flow, e.time]);
    // local shares a's veth with f1 (62.5 MB/s), so it gets 1.25 GB/s − 62.5 MB/s: 1.25 MB in 1052.6 µs.
    expect(done).toEqual([
      ['local', 1_053],
      ['f2', 1_000_000],
      ['f1', 1_500_000],
    ]);
  });
});

describe('reach with a NetworkPolicy engine', () => {
  const pod = (ns: string, name: string, ip: string): PodInput => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: { containers: [{ name: 'main', ports: [{ containerPort: 80 }] }] },
    status: { podIP: ip, podIPs: [{ ip }] },
  });
  const allowFromA: NetworkPolicyInput = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'b-from-a', namespace: 'x' },
    spec: { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 80 }] }] },
  };
  const engine = createPolicyEngine({
    namespaces: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }],
    pods: [pod('x', 'a', '10.0.0.2'), pod('x', 'b', '10.0.0.3'), pod('x', 'c', '10.0.0.4')],
    policies: [allowFromA],
  });

  function cluster(): NetworkModel {
    const m = createNetworkModel({ policy: engine });
    m.addHost({ name: 'h1', address: '192.0.2.1', uplink: { capacity: GIGABIT, latency: 100 } });
    m.addHost({ name: 'h2', address: '192.0.2.2', uplink: { capacity: GIGABIT, latency: 100 } });
    m.createNetwork({ name: 'pods', driver: 'overlay' });
    for (const [n, host] of [['a', 'h1'], ['b', 'h2'], ['c', 'h1']] as const) {
      m.createNamespace({ name: n, host, pod: `x/${n}` });
      m.attach({ namespace: n, network: 'pods' });
      m.listen(n, 80);
    }
    return m;
  }

  it('delegates to the engine after routing: the policy and rule that allowed it, or why nothing did', () => {
    const m = cluster();
    const ok = m.reach('a', 'b', 80);
    expect(ok.allowed).toBe(true);
    expect(ok.reasons.filter((r) => r.startsWith('NetworkPolicy: '))).toEqual(engine.reach('x/a', 'x/b', 80, 'TCP').reason.map((r) => `NetworkPolicy: ${r}`));
    expect(ok.reasons.some((r) => r.includes('x/b-from-a'))).toBe(true);
    const denied = m.reach('c', 'b', 80);
    expect(denied).toMatchObject({ allowed: false, listening: false });
    expect(denied.reasons[0]).toMatch(/^route '10\.0\.0\.0\/24 dev eth0' of c/);
    expect(denied.reasons.filter((r) => r.startsWith('NetworkPolicy: '))).toEqual(engine.reach('x/c', 'x/b', 80, 'TCP').reason.map((r) => `NetworkPolicy: ${r}`));
    expect(m.reach('a', 'b', 81).allowed).toBe(false);
    expect(m.reach('b', 'a', 80).allowed).toBe(true);
  });
});
