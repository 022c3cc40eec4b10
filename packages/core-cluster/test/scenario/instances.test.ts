// The instance-naming rule: known names, and for random templates the counts, the order, the
// uniqueness, and resolve() inverting the names it makes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWithSchema, ScenarioSchema, ValidationError, type Scenario } from '@strata/shared-types';
import { containerInstanceName, expandInstances, indexMachines, machineInstanceName, machineInstanceNames } from '@strata/core-cluster';

const scenario = (input: unknown): Scenario => parseWithSchema(ScenarioSchema, input, 'scenario');

describe('instance names', () => {
  it('known answers', () => {
    expect(machineInstanceName({ name: 'h' }, 0)).toBe('h');
    expect(machineInstanceName({ name: 'h', count: 5 }, 3)).toBe('h-3');
    expect(machineInstanceNames({ name: 'vm', count: 3 })).toEqual(['vm-0', 'vm-1', 'vm-2']);
    expect(machineInstanceNames({ name: 'vm', count: 0 })).toEqual([]);
    expect(containerInstanceName({ name: 'web', count: 2 }, 'vm-3', true, 0)).toBe('web-vm-3-0');
    expect(containerInstanceName({ name: 'web', count: 1 }, 'vm-3', true, 0)).toBe('web-vm-3');
    expect(containerInstanceName({ name: 'web', count: 1 }, 'vm-3', false, 0)).toBe('web');
  });

  it('expandInstances refuses an `on` that names nothing', () => {
    const s = scenario({ name: 'x', containers: [{ name: 'c', on: 'ghost', image: 'i' }] });
    expect(() => expandInstances(s)).toThrow(ValidationError);
  });

  it('random templates: counts, creation order, unique names, resolve inverts the names', () => {
    const template = fc.record({ count: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(template, { minLength: 1, maxLength: 4 }), fc.array(template, { minLength: 1, maxLength: 4 }), fc.array(fc.record({ target: fc.nat(), count: fc.integer({ min: 0, max: 3 }) }), { maxLength: 4 }), (hostTs, vmTs, containerTs) => {
        const hosts = hostTs.map((t, i) => ({ name: `h${i}`, ...(t.count === undefined ? {} : { count: t.count }), cpus: 1, memory: '1Gi', hypervisor: i === 0 ? 'none' : 'credit' }));
        const vms = vmTs.map((t, i) => ({ name: `v${i}`, ...(t.count === undefined ? {} : { count: t.count }), vcpus: 1, memory: '1Gi' }));
        const targets = ['h0', ...vms.map((v) => v.name)];
        const containers = containerTs.map((c, i) => ({ name: `c${i}`, on: targets[c.target % targets.length], count: c.count, image: 'i' }));
        const s = scenario({ name: 'p', hosts, vms, containers });
        const { hosts: hs, vms: vs, containers: cs } = expandInstances(s);
        const total = (ts: readonly { count?: number }[]) => ts.reduce((sum, t) => sum + (t.count ?? 1), 0);
        expect(hs).toHaveLength(total(hostTs));
        expect(vs).toHaveLength(total(vmTs));
        const all = [...hs, ...vs].map((m) => m.name);
        expect(new Set(all).size).toBe(all.length);
        expect(new Set(cs.map((c) => c.name)).size).toBe(cs.length);
        // Creation order: template order, then index order.
        expect(vs.map((v) => `${v.template.name}#${v.index}`)).toEqual(s.vms.flatMap((t) => Array.from({ length: t.count ?? 1 }, (_, i) => `${t.name}#${i}`)));
        const index = indexMachines(s);
        for (const v of vs) expect(index.resolve(v.name)).toMatchObject({ kind: 'vm', template: s.vms.indexOf(v.template) });
        for (const h of hs) expect(index.resolve(h.name)?.kind).toBe('host');
        // Each container runs on an instance that exists, and every target gets `count` of them.
        for (const c of cs) expect(all).toContain(c.on);
        containers.forEach((c, i) => {
          const template = s.containers[i]!;
          const t = index.resolve(c.on!)!;
          const machine = t.kind === 'vm' ? s.vms[t.template]! : s.hosts[t.template]!;
          const perTargets = t.instance === undefined ? (machine.count ?? 1) : 1;
          expect(cs.filter((x) => x.template === template)).toHaveLength(perTargets * c.count);
        });
      }),
      { numRuns: 200 },
    );
  });
});
