// Where a batch scenario's VMs go: the datacenter's rule (VMs in creation order, vCPU allowance
// cpus × VCPU_ALLOCATION_RATIO, memory × overcommit, a template's `host` restricting the choice).
// First-fit runs on plain arrays with a per-shape cursor; other policies on core-scheduler's
// PlacementCluster. A test holds the array first-fit to PlacementCluster's firstFit.
import { InsufficientResourcesError, ValidationError, type Scenario } from '@strata/shared-types';
import { DEFAULT_PROFILE, PlacementCluster, bestFit, decide, roundRobin, spread, worstFit } from '@strata/core-scheduler';
import type { PlacementPolicy } from '@strata/core-scheduler';
import { VCPU_ALLOCATION_RATIO } from '../datacenter/vm-placement.js';
import type { HostInstance, VmInstance } from '../scenario/instances.js';

/** The policy of a placement word other than first-fit. */
function policyOf(placement: Exclude<Scenario['placement'], 'first-fit' | object>): PlacementPolicy {
  switch (placement) {
    case 'best-fit':
      return bestFit();
    case 'worst-fit':
      return worstFit();
    case 'spread':
      return spread();
    case 'round-robin':
      return roundRobin();
    default: {
      const never: never = placement;
      throw new ValidationError(`unknown placement ${String(never)}`, { path: 'placement' });
    }
  }
}

function noHost(vm: VmInstance): never {
  throw new InsufficientResourcesError(
    `vm ${vm.name} (${vm.template.vcpus} vCPUs, ${vm.template.memory} B) fits no host: placement allows ${VCPU_ALLOCATION_RATIO} vCPUs per host CPU and memory × overcommit; add hosts or shrink the VMs`,
    { vm: vm.name },
  );
}

/**
 * The host index of every VM (creation order), as the datacenter places them: `placement` is the
 * scenario's word, or `{ profile: filter-score }` for core-scheduler's default profile.
 * InsufficientResourcesError when a VM fits no host; ValidationError when its `host` names none.
 */
export function placeBatchVms(placement: Scenario['placement'], hosts: readonly HostInstance[], vms: readonly VmInstance[]): Int32Array {
  const H = hosts.length;
  const hostByName = new Map<string, number>();
  const templateHosts = new Map<string, number[]>();
  for (let i = 0; i < H; i++) {
    const h = hosts[i]!;
    hostByName.set(h.name, i);
    const list = templateHosts.get(h.template.name);
    if (list === undefined) templateHosts.set(h.template.name, [i]);
    else list.push(i);
  }
  const pinned = (vm: VmInstance): number[] => {
    const pin = vm.template.host!;
    const at = hostByName.get(pin);
    const candidates = at !== undefined ? [at] : (templateHosts.get(pin) ?? []);
    if (candidates.length === 0) throw new ValidationError(`vm ${vm.name}: host ${pin} names no host instance or template`, { path: `vms.${vm.template.name}.host`, value: pin });
    return candidates;
  };
  const out = new Int32Array(vms.length);

  if (placement !== 'first-fit') {
    const policy = typeof placement === 'object' ? null : policyOf(placement);
    const cluster = new PlacementCluster({ cpuOvercommit: VCPU_ALLOCATION_RATIO });
    for (const h of hosts) {
      const bare = h.template.hypervisor === 'none';
      cluster.addHost({ name: h.name, cpu: bare ? 0 : h.template.cpus * 1000, memory: bare ? 0 : h.template.memory, memoryOvercommit: h.template.overcommit });
    }
    vms.forEach((vm, v) => {
      const request = { name: vm.name, cpu: vm.template.vcpus * 1000, memory: vm.template.memory };
      let h: number | null;
      if (vm.template.host !== undefined) {
        h = pinned(vm).find((i) => cluster.fits(request, i)) ?? null;
        if (h !== null) cluster.allocate(request, h);
      } else if (policy === null) {
        h = decide(cluster, request, DEFAULT_PROFILE).chosen?.index ?? null;
        if (h !== null) cluster.allocate(request, h);
      } else h = cluster.place(request, policy);
      if (h === null) noHost(vm);
      out[v] = h;
    });
    return out;
  }

  // First-fit on arrays: the same capacities and test as PlacementCluster (raw × ratio, used + ask ≤ cap).
  const capCpu = new Float64Array(H);
  const capMem = new Float64Array(H);
  const usedCpu = new Float64Array(H);
  const usedMem = new Float64Array(H);
  for (let i = 0; i < H; i++) {
    const t = hosts[i]!.template;
    const bare = t.hypervisor === 'none';
    capCpu[i] = (bare ? 0 : t.cpus * 1000) * VCPU_ALLOCATION_RATIO;
    capMem[i] = (bare ? 0 : t.memory) * t.overcommit;
  }
  const fits = (i: number, cpu: number, mem: number): boolean => usedCpu[i]! + cpu <= capCpu[i]! && usedMem[i]! + mem <= capMem[i]!;
  // Hosts only fill up while VMs are placed, so a host that refused a (cpu, memory) shape refuses it
  // for good: each shape's search resumes where it last succeeded (amortized O(hosts + VMs)).
  const cursor = new Map<string, number>();
  for (let v = 0; v < vms.length; v++) {
    const vm = vms[v]!;
    const cpu = vm.template.vcpus * 1000;
    const mem = vm.template.memory;
    let h = -1;
    if (vm.template.host !== undefined) h = pinned(vm).find((i) => fits(i, cpu, mem)) ?? -1;
    else {
      const shape = `${cpu}:${mem}`;
      let i = cursor.get(shape) ?? 0;
      while (i < H && !fits(i, cpu, mem)) i++;
      if (i < H) {
        h = i;
        cursor.set(shape, i);
      }
    }
    if (h < 0) noHost(vm);
    usedCpu[h] = usedCpu[h]! + cpu;
    usedMem[h] = usedMem[h]! + mem;
    out[v] = h;
  }
  return out;
}
