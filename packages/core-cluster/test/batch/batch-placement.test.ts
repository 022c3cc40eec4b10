// The batch runner's array first-fit against core-scheduler's PlacementCluster + firstFit (what the
// datacenter uses): same host for every VM, or both refuse, on random hosts, VMs and pins.
import { PlacementCluster, firstFit } from '@strata/core-scheduler';
import { ScenarioSchema } from '@strata/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VCPU_ALLOCATION_RATIO } from '../../src/datacenter/vm-placement.ts';
import { placeBatchVms } from '../../src/batch/batch-placement.ts';
import { expandInstances } from '../../src/scenario/instances.ts';

const GiB = 2 ** 30;

function viaCluster(hosts: ReturnType<typeof expandInstances>['hosts'], vms: ReturnType<typeof expandInstances>['vms']): number[] | 'refused' {
  const cluster = new PlacementCluster({ cpuOvercommit: VCPU_ALLOCATION_RATIO });
  for (const h of hosts) {
    const bare = h.template.hypervisor === 'none';
    cluster.addHost({ name: h.name, cpu: bare ? 0 : h.template.cpus * 1000, memory: bare ? 0 : h.template.memory, memoryOvercommit: h.template.overcommit });
  }
  const out: number[] = [];
  for (const vm of vms) {
    const request = { name: vm.name, cpu: vm.template.vcpus * 1000, memory: vm.template.memory };
    let h: number | null;
    if (vm.template.host !== undefined) {
      const pin = vm.template.host;
      const candidates = hosts.flatMap((x, i) => (x.name === pin || x.template.name === pin ? [i] : []));
      h = candidates.find((i) => cluster.fits(request, i)) ?? null;
      if (h !== null) cluster.allocate(request, h);
    } else h = cluster.place(request, firstFit());
    if (h === null) return 'refused';
    out.push(h);
  }
  return out;
}

describe('placeBatchVms first-fit = PlacementCluster firstFit', () => {
  it('random host and VM templates, pins, bare-metal hosts, memory overcommit', () => {
    const hostArb = fc.record({ cpus: fc.integer({ min: 1, max: 8 }), memGi: fc.integer({ min: 1, max: 16 }), overcommit: fc.constantFrom(1, 1.5, 2), bare: fc.integer({ min: 0, max: 6 }).map((x) => x === 0), count: fc.integer({ min: 1, max: 5 }) });
    const vmArb = fc.record({ vcpus: fc.integer({ min: 1, max: 8 }), memGi: fc.integer({ min: 1, max: 8 }), count: fc.integer({ min: 1, max: 12 }), pin: fc.option(fc.nat(), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(hostArb, { minLength: 1, maxLength: 4 }), fc.array(vmArb, { minLength: 1, maxLength: 5 }), (hs, vs) => {
        const scenario = ScenarioSchema.parse({
          name: 'p',
          hosts: hs.map((h, i) => ({ name: `h${i}`, count: h.count, cpus: h.cpus, memory: `${h.memGi}Gi`, overcommit: h.overcommit, hypervisor: h.bare ? 'none' : 'credit' })),
          vms: vs.map((v, i) => ({ name: `v${i}`, count: v.count, vcpus: v.vcpus, memory: `${v.memGi}Gi`, ...(v.pin === undefined ? {} : { host: v.pin % 2 === 0 ? `h${v.pin % hs.length}` : `h${v.pin % hs.length}-0` }) })),
        });
        const { hosts, vms } = expandInstances(scenario);
        const expected = viaCluster(hosts, vms);
        if (expected === 'refused') expect(() => placeBatchVms('first-fit', hosts, vms)).toThrow(/fits no host/);
        else expect(Array.from(placeBatchVms('first-fit', hosts, vms))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('the issue shape: 16 VMs of 2 vCPUs and 4Gi per host of 32 CPUs and 64Gi (memory binds)', () => {
    const scenario = ScenarioSchema.parse({ name: 'p', hosts: [{ name: 'h', count: 3, cpus: 32, memory: '64Gi' }], vms: [{ name: 'vm', count: 40, vcpus: 2, memory: '4Gi' }] });
    const { hosts, vms } = expandInstances(scenario);
    expect(Array.from(placeBatchVms('first-fit', hosts, vms))).toEqual(Array.from({ length: 40 }, (_, i) => Math.floor(i / 16)));
    expect(Array.from(placeBatchVms('worst-fit', hosts, vms)).slice(0, 3)).toEqual([0, 1, 2]);
    expect(hosts[0]!.template.memory).toBe(64 * GiB);
  });
});
