// VM placement on core-scheduler's PlacementCluster: the scenario's policy word or the filter-score
// profile, a template's `host` as a constraint, and the explanation kept for `placementOf`.
import { DEFAULT_PROFILE, PlacementCluster, bestFit, decide, firstFit, formatDecision, roundRobin, spread, worstFit } from '@strata/core-scheduler';
import type { PlacementDecision, PlacementPolicy, PlacementRequest } from '@strata/core-scheduler';
import type { PlacementSpec, VmBody } from '@strata/shared-types';

/** What placement needs of a host. */
export interface PlaceableHost {
  readonly name: string;
  readonly index: number;
  readonly cpus: number;
  readonly memory: number;
  readonly overcommit: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly hypervisor: string;
  readonly state: 'up' | 'failed';
}

/** How a VM's host was chosen, for `placementOf`. */
export interface PlacementExplanation {
  readonly vm: string;
  /** The policy word, `filter-score`, or `host` when the template named its host. */
  readonly policy: string;
  readonly host: string | null;
  /** The filter-and-score decision (every host filtered or scored) under the filter-score profile. */
  readonly decision?: PlacementDecision;
  /** One line for people. */
  readonly reason: string;
}


/**
 * vCPUs a host may carry per physical CPU when placing VMs (OpenStack's initial
 * `cpu_allocation_ratio`, 4.0): hosts are oversubscribed in CPU as clouds do, while memory is bounded
 * by the host's `overcommit` ratio.
 */
export const VCPU_ALLOCATION_RATIO = 4;

/** The placement state and the scenario's policy. */
export class VmPlacer {
  readonly cluster = new PlacementCluster({ cpuOvercommit: VCPU_ALLOCATION_RATIO });
  private readonly policy: PlacementPolicy | null;
  readonly policyName: string;

  constructor(spec: PlacementSpec) {
    if (typeof spec === 'object') {
      this.policy = null;
      this.policyName = 'filter-score';
    } else {
      this.policyName = spec;
      this.policy = spec === 'first-fit' ? firstFit() : spec === 'best-fit' ? bestFit() : spec === 'worst-fit' ? worstFit() : spec === 'spread' ? spread() : roundRobin();
    }
  }

  /** Bare-metal hosts join with no capacity: no VM ever fits them. */
  addHost(h: PlaceableHost): void {
    const bare = h.hypervisor === 'none';
    this.cluster.addHost({ name: h.name, cpu: bare ? 0 : h.cpus * 1000, memory: bare ? 0 : h.memory, labels: h.labels, memoryOvercommit: h.overcommit });
  }

  /**
   * A failed host takes no VMs: what is left of it is filled by a placeholder item until it is
   * repaired (its own VMs were released when it failed, so the placeholder is the whole host).
   */
  setAvailable(h: PlaceableHost, available: boolean): void {
    const name = `\u0000failed:${h.name}`;
    if (available) {
      if (this.cluster.hostOf(name) !== undefined) this.cluster.release(name);
      return;
    }
    const view = this.cluster.host(h.index);
    const cpu = Math.floor(Math.max(0, view.cpuCapacity - view.cpuUsed));
    const memory = Math.floor(Math.max(0, view.memoryCapacity - view.memoryUsed));
    if (cpu > 0 || memory > 0) this.cluster.allocate({ name, cpu, memory }, h.index);
  }

  /** Choose a host for `vm` without allocating. `pinned`: the hosts the template names (instance or template). */
  choose(vm: string, body: VmBody, hosts: readonly PlaceableHost[], pinned?: readonly PlaceableHost[]): PlacementExplanation {
    const request = this.request(vm, body);
    if (pinned !== undefined) {
      const h = pinned.find((c) => c.state === 'up' && c.hypervisor !== 'none' && this.cluster.fits(request, c.index)) ?? null;
      const names = pinned.map((c) => c.name).join(', ');
      return { vm, policy: 'host', host: h?.name ?? null, reason: h === null ? `no host of ${names} is up with room for ${body.vcpus} vCPUs and ${body.memory} bytes` : `the template names ${body.host ?? names}: first of them with room` };
    }
    if (this.policy === null) {
      const decision = decide(this.cluster, request, DEFAULT_PROFILE);
      const host = decision.chosen?.host ?? null;
      return { vm, policy: 'filter-score', host, decision, reason: formatDecision(decision).split('\n')[0] ?? '' };
    }
    const i = this.policy.select(request, this.cluster, this.cluster.constraints(request));
    const host = i === null ? null : hosts[i]!.name;
    return { vm, policy: this.policyName, host, reason: host === null ? `no host fits ${body.vcpus} vCPUs and ${body.memory} bytes` : `${this.policyName}: ${host}` };
  }

  allocate(vm: string, body: VmBody, h: PlaceableHost): void {
    this.cluster.allocate(this.request(vm, body), h.index);
  }

  release(vm: string): void {
    if (this.cluster.hostOf(vm) !== undefined) this.cluster.release(vm);
  }

  private request(vm: string, body: VmBody): PlacementRequest {
    return { name: vm, cpu: body.vcpus * 1000, memory: body.memory, ...(body.labels === undefined ? {} : { labels: body.labels }) };
  }
}
