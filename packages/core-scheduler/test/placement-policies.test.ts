import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError, InsufficientResourcesError, NotFoundError, ValidationError } from '@strata/shared-types';
import { PlacementCluster } from '../src/placement/cluster.js';
import { bestFit, firstFit, pack, randomFit, roundRobin, spread, worstFit } from '../src/placement/policies.js';
import type { PlacementPolicy } from '../src/placement/cluster.js';
import { ReferenceModel } from './placement-reference-model.js';
import { G, hostArb, lcg, requestArb, toHost, toRequest } from './placement-arbitraries.js';

const POLICIES: Record<string, () => PlacementPolicy> = {
  'first-fit': firstFit,
  'best-fit': bestFit,
  'best-fit-memory': () => bestFit({ by: 'memory' }),
  'worst-fit': worstFit,
  'worst-fit-memory': () => worstFit({ by: 'memory' }),
  spread,
  pack,
  'round-robin': roundRobin,
};

const opArb = fc.oneof(
  { weight: 4, arbitrary: requestArb.map((r) => ({ kind: 'place' as const, r })) },
  { weight: 1, arbitrary: fc.nat().map((k) => ({ kind: 'release' as const, k })) },
);

function checkNoOverAllocation(cluster: PlacementCluster, model: ReferenceModel): void {
  for (let i = 0; i < cluster.hostCount; i++) {
    const h = cluster.host(i);
    expect(h.cpuUsed).toBeLessThanOrEqual(h.cpuCapacity);
    expect(h.memoryUsed).toBeLessThanOrEqual(h.memoryCapacity);
    const u = model.used(i);
    expect(h.cpuUsed).toBe(u.cpu);
    expect(h.memoryUsed).toBe(u.mem);
  }
}

describe('simple placement policies — cross-checked against naive scans', () => {
  for (const [policyName, make] of Object.entries(POLICIES)) {
    it(`${policyName} picks what a linear scan picks, never over-allocates, agrees on feasibility`, () => {
      fc.assert(
        fc.property(
          fc.array(hostArb, { minLength: 1, maxLength: 25 }),
          fc.constantFrom(1, 1.25, 2),
          fc.array(opArb, { maxLength: 60 }),
          (hosts, ratio, ops) => {
            const cluster = new PlacementCluster({ cpuOvercommit: ratio, memoryOvercommit: ratio === 2 ? 1.5 : 1 });
            const model = new ReferenceModel(ratio, ratio === 2 ? 1.5 : 1);
            hosts.forEach((h, i) => {
              cluster.addHost(toHost(h, i));
              model.addHost(toHost(h, i));
            });
            const policy = make();
            let n = 0;
            for (const op of ops) {
              if (op.kind === 'release') {
                const names = [...model.items.keys()];
                if (names.length === 0) continue;
                const name = names[op.k % names.length]!;
                cluster.release(name);
                model.items.delete(name);
                continue;
              }
              const req = toRequest(op.r, `item-${n++}`);
              for (let i = 0; i < cluster.hostCount; i++) expect(cluster.feasibility(req, i) === null).toBe(model.feasible(req, i));
              const want = model.expected(policyName, req);
              const got = cluster.place(req, policy);
              expect(got).toBe(want);
              if (got !== null) model.place(req, got, policyName);
              checkNoOverAllocation(cluster, model);
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('random places only on feasible hosts, null exactly when none is feasible, deterministic per seed', () => {
    fc.assert(
      fc.property(fc.array(hostArb, { minLength: 1, maxLength: 25 }), fc.array(requestArb, { maxLength: 40 }), fc.integer(), (hosts, reqs, seed) => {
        const run = () => {
          const cluster = new PlacementCluster();
          const model = new ReferenceModel();
          hosts.forEach((h, i) => {
            cluster.addHost(toHost(h, i));
            model.addHost(toHost(h, i));
          });
          const policy = randomFit(lcg(seed), { probes: 3 });
          const picks: (number | null)[] = [];
          reqs.forEach((r, k) => {
            const req = toRequest(r, `item-${k}`);
            const feasible = model.feasibleHosts(req);
            const got = cluster.place(req, policy);
            if (feasible.length === 0) expect(got).toBeNull();
            else expect(feasible).toContain(got);
            if (got !== null) model.place(req, got, 'random');
            picks.push(got);
          });
          checkNoOverAllocation(cluster, model);
          return picks;
        };
        expect(run()).toEqual(run());
      }),
      { numRuns: 60 },
    );
  });

  it('random is uniform over feasible hosts (seeded, so not flaky)', () => {
    const cluster = new PlacementCluster();
    for (let i = 0; i < 10; i++) cluster.addHost({ name: `h${i}`, cpu: i % 2 === 0 ? 1000 : 0, memory: 1 });
    const counts = new Array<number>(10).fill(0);
    const policy = randomFit(lcg(42), { probes: 1 }); // half the probes miss: exercises the fallback too
    const c = cluster.constraints({ name: 'x', cpu: 1, memory: 0 });
    for (let k = 0; k < 20_000; k++) counts[policy.select({ name: 'x', cpu: 1, memory: 0 }, cluster, c)!]!++;
    counts.forEach((n, i) => {
      if (i % 2 === 1) expect(n).toBe(0);
      else expect(Math.abs(n - 4000)).toBeLessThan(250); // ~4.4 standard deviations
    });
  });

  it('random accepts a function, a float() stream or a next() stream, and rejects a bad source', () => {
    const cluster = new PlacementCluster();
    cluster.addHost({ name: 'a', cpu: 1000, memory: 1 });
    const req = { name: 'x', cpu: 1, memory: 0 };
    expect(randomFit({ float: () => 0.5 }).select(req, cluster, cluster.constraints(req))).toBe(0);
    expect(randomFit({ next: () => 0.5 }).select(req, cluster, cluster.constraints(req))).toBe(0);
    expect(() => randomFit({} as never)).toThrow(ValidationError);
    expect(() => cluster.place(req, randomFit(() => 1))).toThrow(/\[0, 1\)/);
    expect(cluster.itemCount).toBe(0);
  });
});

describe('PlacementCluster — commands and errors', () => {
  const mk = () => {
    const c = new PlacementCluster({ cpuOvercommit: 2 });
    c.addHost({ name: 'a', cpu: 1000, memory: 4 * G });
    c.addHost({ name: 'b', cpu: 4000, memory: 8 * G, labels: { zone: 'x' } });
    return c;
  };

  it('overcommit scales CPU capacity; memory is not overcommitted unless asked', () => {
    const c = mk();
    expect(c.host(0).cpuCapacity).toBe(2000);
    expect(c.host(0).memoryCapacity).toBe(4 * G);
    expect(c.place({ name: 'v1', cpu: 2000, memory: G }, firstFit())).toBe(0);
    expect(c.place({ name: 'v2', cpu: 1, memory: G }, firstFit())).toBe(1);
  });

  it('allocate validates, then changes nothing on failure', () => {
    const c = mk();
    expect(() => c.allocate({ name: 'v', cpu: 2001, memory: 0 }, 0)).toThrow(InsufficientResourcesError);
    expect(() => c.allocate({ name: 'v', cpu: 1, memory: 5 * G }, 0)).toThrow(/insufficient memory/);
    expect(() => c.allocate({ name: 'v', cpu: -1, memory: 0 }, 0)).toThrow(ValidationError);
    expect(() => c.allocate({ name: 'v', cpu: 1, memory: 0 }, 7)).toThrow(NotFoundError);
    expect(() => c.allocate({ name: 'v', cpu: 1, memory: 0, hostSelector: { zone: 'x' } }, 0)).toThrow(/zone=x/);
    expect(c.itemCount).toBe(0);
    expect(c.host(0).cpuUsed).toBe(0);
    c.allocate({ name: 'v', cpu: 1, memory: 0 }, 0);
    expect(() => c.allocate({ name: 'v', cpu: 1, memory: 0 }, 1)).toThrow(ConflictError);
    expect(() => c.place({ name: 'v', cpu: 1, memory: 0 }, firstFit())).toThrow(ConflictError);
    expect(c.hostOf('v')).toBe(0);
  });

  it('rejects bad hosts and options by field', () => {
    const c = mk();
    const path = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ValidationError).details.path;
      }
      return 'no error';
    };
    expect(path(() => c.addHost({ name: '', cpu: 1, memory: 1 }))).toBe('host.name');
    expect(path(() => c.addHost({ name: 'z', cpu: 1.5, memory: 1 }))).toBe('host.cpu');
    expect(path(() => c.addHost({ name: 'z', cpu: 1, memory: 1, taints: [{ key: 'k', effect: 'Nope' as never }] }))).toBe('host.taints[0].effect');
    expect(path(() => c.addHost({ name: 'z', cpu: 1, memory: 1, cpuOvercommit: 0 }))).toBe('host.cpuOvercommit');
    expect(path(() => new PlacementCluster({ memoryOvercommit: Infinity }))).toBe('memoryOvercommit');
    expect(path(() => c.place({ name: 'q', cpu: 1, memory: 1, tolerations: [{ value: 'x' }] }, firstFit()))).toBe('request.tolerations[0].key');
    expect(path(() => c.place({ name: 'q', cpu: 1, memory: 1, affinity: { preferred: [{ selector: {}, weight: 0 }] } }, firstFit()))).toBe('request.affinity.preferred[0].weight');
    expect(path(() => bestFit({ by: 'disk' as never }))).toBe('by');
    expect(() => c.addHost({ name: 'a', cpu: 1, memory: 1 })).toThrow(ConflictError);
    expect(c.hostCount).toBe(2);
  });

  it('release frees resources and re-indexes; releasing twice is NotFound', () => {
    const c = mk();
    c.place({ name: 'v1', cpu: 2000, memory: 0 }, firstFit());
    expect(c.place({ name: 'v2', cpu: 2000, memory: 0 }, firstFit())).toBe(1);
    c.release('v1');
    expect(c.place({ name: 'v3', cpu: 2000, memory: 0 }, firstFit())).toBe(0);
    expect(() => c.release('v1')).toThrow(NotFoundError);
  });

  it('a policy choosing an infeasible host is caught, nothing changes', () => {
    const c = mk();
    const bad: PlacementPolicy = { name: 'bad', select: () => 0 };
    expect(() => c.place({ name: 'v', cpu: 5000, memory: 0 }, bad)).toThrow(/infeasible/);
    expect(() => c.place({ name: 'v', cpu: 1, memory: 0 }, { name: 'oob', select: () => 9 })).toThrow(/does not exist/);
    expect(c.itemCount).toBe(0);
  });

  it('hosts added after an index is built are indexed too', () => {
    const c = mk();
    c.place({ name: 'v1', cpu: 1, memory: 0 }, worstFit());
    c.addHost({ name: 'huge', cpu: 100_000, memory: 100 * G });
    expect(c.place({ name: 'v2', cpu: 1, memory: 0 }, worstFit())).toBe(2);
    expect(c.place({ name: 'v3', cpu: 50_000, memory: 0 }, firstFit())).toBe(2);
  });
});
