import { describe, expect, it } from 'vitest';
import { PlacementCluster } from '../src/placement/cluster.js';
import { labelsMatch, tolerates } from '../src/placement/constraints.js';
import { firstFit } from '../src/placement/policies.js';

describe('tolerations (Kubernetes ToleratesTaint)', () => {
  const taint = { key: 'gpu', value: 'a100', effect: 'NoSchedule' as const };
  it.each([
    [{ key: 'gpu', value: 'a100' }, true],
    [{ key: 'gpu', value: 'h100' }, false],
    [{ key: 'gpu' }, false], // Equal with an empty value does not match a valued taint
    [{ key: 'gpu', operator: 'Exists' as const }, true],
    [{ operator: 'Exists' as const }, true], // empty key + Exists tolerates everything
    [{ operator: 'Exists' as const, effect: 'NoExecute' as const }, false],
    [{ key: 'gpu', operator: 'Exists' as const, effect: 'NoSchedule' as const }, true],
    [{ key: 'tpu', operator: 'Exists' as const }, false],
  ])('%j tolerates gpu=a100:NoSchedule → %s', (tol, want) => {
    expect(tolerates(tol, taint)).toBe(want);
  });
  it('an unvalued taint matches an unvalued Equal toleration', () => {
    expect(tolerates({ key: 'spot' }, { key: 'spot', effect: 'NoExecute' })).toBe(true);
  });
  it('label selectors: every pair must match; empty matches all', () => {
    expect(labelsMatch({ a: '1', b: '2' }, { a: '1', b: '2', c: '3' })).toBe(true);
    expect(labelsMatch({ a: '1', b: '2' }, { a: '1' })).toBe(false);
    expect(labelsMatch({}, {})).toBe(true);
  });
});

describe('affinity and anti-affinity', () => {
  const zones = () => {
    const c = new PlacementCluster();
    c.addHost({ name: 'a1', cpu: 8000, memory: 1 << 30, labels: { zone: 'a' } });
    c.addHost({ name: 'a2', cpu: 8000, memory: 1 << 30, labels: { zone: 'a' } });
    c.addHost({ name: 'b1', cpu: 8000, memory: 1 << 30, labels: { zone: 'b' } });
    c.addHost({ name: 'nz', cpu: 8000, memory: 1 << 30 });
    return c;
  };

  it('required affinity by zone follows the matching item into its zone', () => {
    const c = zones();
    c.allocate({ name: 'db', cpu: 1000, memory: 0, labels: { app: 'db' } }, 2);
    const web = { name: 'web', cpu: 1000, memory: 0, affinity: { required: [{ selector: { app: 'db' }, topologyKey: 'zone' }] } };
    expect(c.place(web, firstFit())).toBe(2);
    const c2 = zones();
    c2.allocate({ name: 'db', cpu: 1000, memory: 0, labels: { app: 'db' } }, 1);
    expect(c2.place(web, firstFit())).toBe(0); // same zone a, a different host
    expect(c2.feasibility(web, 3)?.reason).toMatch(/host has no zone label/);
  });

  it('required affinity with no matching item anywhere fails, unless the request matches itself (first of a group)', () => {
    const c = zones();
    const lonely = { name: 'x', cpu: 1, memory: 0, affinity: { required: [{ selector: { app: 'db' } }] } };
    expect(c.place(lonely, firstFit())).toBeNull();
    expect(c.feasibility(lonely, 0)?.reason).toBe('affinity {app=db} on the same host: no matching item there');
    const first = { name: 'db-0', cpu: 1, memory: 0, labels: { app: 'db' }, affinity: { required: [{ selector: { app: 'db' }, topologyKey: 'zone' }] } };
    expect(c.place(first, firstFit())).toBe(0);
    const second = { ...first, name: 'db-1' };
    c.allocate({ name: 'filler', cpu: 8000 - 1, memory: 0 }, 0);
    expect(c.place(second, firstFit())).toBe(1); // a1 is full; a2 shares zone a
  });

  it('required anti-affinity keeps replicas on different hosts; hosts without the topology label pass', () => {
    const c = zones();
    const replica = (n: number) => ({ name: `r${n}`, cpu: 1, memory: 0, labels: { app: 'r' }, antiAffinity: { required: [{ selector: { app: 'r' }, topologyKey: 'zone' }] } });
    expect(c.place(replica(0), firstFit())).toBe(0);
    expect(c.place(replica(1), firstFit())).toBe(2);
    expect(c.place(replica(2), firstFit())).toBe(3);
    expect(c.place(replica(3), firstFit())).toBe(3); // nz has no zone: anti-affinity cannot apply
    expect(c.feasibility(replica(4), 1)?.reason).toBe('anti-affinity {app=r} in the same zone: 1 matching item(s) there');
  });

  it('a placed item’s anti-affinity repels matching newcomers (symmetry)', () => {
    const c = zones();
    c.allocate({ name: 'noisy', cpu: 1, memory: 0, antiAffinity: { required: [{ selector: { tier: 'batch' } }] } }, 0);
    expect(c.place({ name: 'job', cpu: 1, memory: 0, labels: { tier: 'batch' } }, firstFit())).toBe(1);
    expect(c.place({ name: 'svc', cpu: 1, memory: 0, labels: { tier: 'web' } }, firstFit())).toBe(0);
    c.release('noisy');
    expect(c.place({ name: 'job2', cpu: 1, memory: 0, labels: { tier: 'batch' } }, firstFit())).toBe(0);
  });

  it('an empty anti-affinity selector matches every item', () => {
    const c = zones();
    c.allocate({ name: 'any', cpu: 1, memory: 0 }, 0);
    expect(c.place({ name: 'alone', cpu: 1, memory: 0, antiAffinity: { required: [{ selector: {} }] } }, firstFit())).toBe(1);
    expect(c.place({ name: 'next', cpu: 1, memory: 0 }, firstFit())).toBe(0); // 'alone' repels everyone from a2, not from a1
    expect(c.hostOf('next')).toBe(0);
  });

  it('host selector and NoExecute taints filter; PreferNoSchedule does not', () => {
    const c = new PlacementCluster();
    c.addHost({ name: 't', cpu: 1000, memory: 1, taints: [{ key: 'maint', effect: 'NoExecute' }] });
    c.addHost({ name: 'p', cpu: 1000, memory: 1, taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] });
    c.addHost({ name: 's', cpu: 1000, memory: 1, labels: { disk: 'ssd' } });
    expect(c.place({ name: 'a', cpu: 1, memory: 0 }, firstFit())).toBe(1);
    expect(c.place({ name: 'b', cpu: 1, memory: 0, hostSelector: { disk: 'ssd' } }, firstFit())).toBe(2);
    expect(c.place({ name: 'c', cpu: 1, memory: 0, tolerations: [{ key: 'maint', operator: 'Exists' }] }, firstFit())).toBe(0);
    expect(c.feasibility({ name: 'd', cpu: 1, memory: 0 }, 0)).toEqual({ plugin: 'TaintToleration', reason: 'untolerated taint maint:NoExecute' });
    expect(c.feasibility({ name: 'd', cpu: 1, memory: 0, hostSelector: { disk: 'hdd' } }, 2)?.reason).toBe('host label disk=hdd required; host has disk=ssd');
  });
});
