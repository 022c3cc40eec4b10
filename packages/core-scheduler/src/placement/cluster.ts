// The state placement works on: hosts with capacity and overcommit, what is placed where, and the
// indexes (segment tree, ordered treaps, label counts) that keep each placement sub-linear.
import { ConflictError, InsufficientResourcesError, NotFoundError, ValidationError } from '@strata/shared-types';
import { RequestConstraints, type ConstraintData, type ConstraintVerdict } from './constraints.js';
import { HostSegmentTree } from './host-segment-tree.js';
import { OrderedHostIndex } from './ordered-host-index.js';
import { labelsOf, requireRatio, validateHost, validateRequest } from './validation.js';
import type { AffinityTerm, HostView, Labels, PlacementHostSpec, PlacementRequest, Taint } from './types.js';

/** Cluster-wide overcommit ratios (finite, > 0; default 1 = none): effective capacity = raw × ratio. */
export interface PlacementClusterOptions {
  readonly cpuOvercommit?: number;
  readonly memoryOvercommit?: number;
}

/**
 * Host orders the indexed policies pick from (ties: lowest host index):
 * least/most free CPU or memory, and least/most allocated — the mean of the CPU and memory
 * allocated fractions (used / effective capacity; a zero capacity counts as fully allocated).
 */
export type HostOrder = 'leastFreeCpu' | 'mostFreeCpu' | 'leastFreeMemory' | 'mostFreeMemory' | 'leastAllocated' | 'mostAllocated';

/** The host orders, for iteration and validation. */
export const HOST_ORDERS: readonly HostOrder[] = ['leastFreeCpu', 'mostFreeCpu', 'leastFreeMemory', 'mostFreeMemory', 'leastAllocated', 'mostAllocated'];

interface PlacedItem {
  readonly host: number;
  readonly request: PlacementRequest;
}

interface AntiHolder {
  readonly host: number;
  readonly term: AffinityTerm;
  readonly item: string;
}

const pairKey = (k: string, v: string): string => `${k}\u0000${v}`;

/**
 * A placement policy: chooses a feasible host index for `request`, or null when none is feasible.
 * Must not mutate the cluster. Declared beside the cluster whose `place` calls it, so that the
 * policies (policies.ts, filter-score.ts) import the cluster and not the other way round.
 */
export interface PlacementPolicy {
  readonly name: string;
  select(request: PlacementRequest, cluster: PlacementCluster, constraints: RequestConstraints): number | null;
}

/**
 * Hosts and their allocations, indexed for fast placement. Hosts get dense indices in insertion order
 * (the order first-fit and tie-breaking use). `allocate` and `release` keep every index current in
 * O(log n) each. A failed command changes nothing.
 */
export class PlacementCluster {
  private readonly cpuRatio: number;
  private readonly memRatio: number;
  private readonly names: string[] = [];
  private readonly byName = new Map<string, number>();
  private readonly specs: PlacementHostSpec[] = [];
  private readonly capCpu: number[] = [];
  private readonly capMem: number[] = [];
  private readonly usedCpu: number[] = [];
  private readonly usedMem: number[] = [];
  private readonly labels: Labels[] = [];
  private readonly taints: (readonly Taint[])[] = [];
  private readonly itemsOn: string[][] = [];
  private readonly items = new Map<string, PlacedItem>();
  private readonly labelIndex = new Map<string, Map<number, number>>();
  private readonly antiIndex = new Map<string, AntiHolder[]>();
  private hardTainted = 0;
  private readonly segTree = new HostSegmentTree();
  private readonly ordered = new Map<HostOrder, OrderedHostIndex>();
  private readonly data: ConstraintData;

  /** An empty cluster. Throws ValidationError for a non-positive or non-finite ratio. */
  constructor(options: PlacementClusterOptions = {}) {
    if (options.cpuOvercommit !== undefined) requireRatio(options.cpuOvercommit, 'cpuOvercommit');
    if (options.memoryOvercommit !== undefined) requireRatio(options.memoryOvercommit, 'memoryOvercommit');
    this.cpuRatio = options.cpuOvercommit ?? 1;
    this.memRatio = options.memoryOvercommit ?? 1;
    this.data = {
      hostCount: () => this.names.length,
      hostLabels: (i) => this.labels[i]!,
      hostTaints: (i) => this.taints[i]!,
      hostsWithLabel: (k, v) => this.labelIndex.get(pairKey(k, v)),
      itemLabelsOn: (i) => this.itemsOn[i]!.map((n) => labelsOf(this.items.get(n)!.request.labels)),
      itemCountOn: (i) => this.itemsOn[i]!.length,
      antiAffinityAgainst: (labels) => this.antiAgainst(labels),
      hardTaintedHosts: () => this.hardTainted,
    };
  }

  /** Number of hosts. */
  get hostCount(): number {
    return this.names.length;
  }

  /** Number of placed items. */
  get itemCount(): number {
    return this.items.size;
  }

  /** Add a host; returns its index. Throws ValidationError for a bad spec, ConflictError for a duplicate name. */
  addHost(spec: PlacementHostSpec): number {
    validateHost(spec);
    if (this.byName.has(spec.name)) throw new ConflictError(`host '${spec.name}' already exists; host names must be unique`, { path: 'host.name', name: spec.name });
    const i = this.names.length;
    this.names.push(spec.name);
    this.byName.set(spec.name, i);
    this.specs.push(spec);
    this.capCpu.push(spec.cpu * (spec.cpuOvercommit ?? this.cpuRatio));
    this.capMem.push(spec.memory * (spec.memoryOvercommit ?? this.memRatio));
    this.usedCpu.push(0);
    this.usedMem.push(0);
    this.labels.push(labelsOf(spec.labels));
    const taints = spec.taints ?? [];
    this.taints.push(taints);
    if (taints.some((t) => t.effect !== 'PreferNoSchedule')) this.hardTainted++;
    this.itemsOn.push([]);
    this.segTree.push(this.capCpu[i]!, this.capMem[i]!);
    for (const [order, idx] of this.ordered) idx.insert(i, this.orderKey(order, i), this.capCpu[i]!, this.capMem[i]!);
    return i;
  }

  /** The index of host `name`, or undefined. */
  hostIndex(name: string): number | undefined {
    return this.byName.get(name);
  }

  /** A snapshot view of host `i`. Throws NotFoundError for an index out of range. */
  host(i: number): HostView {
    this.requireHost(i);
    const s = this.specs[i]!;
    return {
      index: i,
      name: s.name,
      cpu: s.cpu,
      memory: s.memory,
      labels: this.labels[i]!,
      taints: this.taints[i]!,
      cpuCapacity: this.capCpu[i]!,
      memoryCapacity: this.capMem[i]!,
      cpuUsed: this.usedCpu[i]!,
      memoryUsed: this.usedMem[i]!,
      items: this.itemsOn[i]!.slice(),
    };
  }

  /** The host index item `name` is placed on, or undefined. */
  hostOf(itemName: string): number | undefined {
    return this.items.get(itemName)?.host;
  }

  /** The request item `name` was placed with, or undefined. */
  item(itemName: string): PlacementRequest | undefined {
    return this.items.get(itemName)?.request;
  }

  /** True when `request`'s CPU and memory fit host `i`'s free effective capacity. */
  fits(request: PlacementRequest, i: number): boolean {
    return this.usedCpu[i]! + request.cpu <= this.capCpu[i]! && this.usedMem[i]! + request.memory <= this.capMem[i]!;
  }

  /** Why `request` cannot fit host `i`'s resources, or null when it fits. */
  resourceVerdict(request: PlacementRequest, i: number): ConstraintVerdict {
    const freeCpu = this.capCpu[i]! - this.usedCpu[i]!;
    if (request.cpu > freeCpu) return { plugin: 'ResourceFit', reason: `insufficient cpu: requested ${request.cpu}m, free ${fmt(freeCpu)}m of ${fmt(this.capCpu[i]!)}m` };
    const freeMem = this.capMem[i]! - this.usedMem[i]!;
    if (request.memory > freeMem) return { plugin: 'ResourceFit', reason: `insufficient memory: requested ${request.memory} B, free ${fmt(freeMem)} B of ${fmt(this.capMem[i]!)} B` };
    return null;
  }

  /** The evaluator of `request`'s non-resource constraints against the current state (valid until the next change). */
  constraints(request: PlacementRequest): RequestConstraints {
    return new RequestConstraints(request, this.data);
  }

  /** Why `request` cannot go on host `i` (resources, then host selector, taints, affinity), or null. Validates the request. */
  feasibility(request: PlacementRequest, i: number): ConstraintVerdict {
    validateRequest(request);
    this.requireHost(i);
    return this.resourceVerdict(request, i) ?? this.constraints(request).check(i);
  }

  /**
   * The lowest host index ≥ `from` where `request` is feasible (resources and every hard constraint), or null.
   * O(log n) via the segment tree when its pruning meets no false positives and the constraints reject no
   * resource-fitting host; O(n) worst case.
   */
  findFirstFit(request: PlacementRequest, from = 0, constraints?: RequestConstraints): number | null {
    validateRequest(request);
    constraints ??= this.constraints(request);
    const accept = constraints.trivial ? undefined : (i: number) => constraints.check(i) === null;
    const i = this.segTree.findFirst(request.cpu, request.memory, from, accept);
    return i < 0 ? null : i;
  }

  /** The first host in `order` where `request` is feasible, or null; the order's index is built on first use (O(n log n)). */
  findFirstInOrder(order: HostOrder, request: PlacementRequest, constraints?: RequestConstraints): number | null {
    validateRequest(request);
    constraints ??= this.constraints(request);
    const idx = this.orderedIndex(order);
    const accept = constraints.trivial ? undefined : (i: number) => constraints.check(i) === null;
    const i = idx.findFirst(request.cpu, request.memory, accept);
    return i < 0 ? null : i;
  }

  /** Every host index where `request` is feasible, ascending (O(n)). */
  feasibleHosts(request: PlacementRequest, constraints?: RequestConstraints): number[] {
    validateRequest(request);
    constraints ??= this.constraints(request);
    const out: number[] = [];
    for (let i = 0; i < this.names.length; i++) if (this.fits(request, i) && constraints.check(i) === null) out.push(i);
    return out;
  }

  /**
   * Place `request` on host `i`. Throws ValidationError for a bad request, NotFoundError for a bad index,
   * ConflictError for an item name already placed, InsufficientResourcesError when it does not fit, and
   * ValidationError naming the constraint when a hard constraint forbids it. Changes nothing on failure.
   */
  allocate(request: PlacementRequest, i: number): void {
    validateRequest(request);
    this.requireHost(i);
    this.requireUnplaced(request);
    const res = this.resourceVerdict(request, i);
    if (res !== null) throw new InsufficientResourcesError(`cannot place '${request.name}' on host '${this.names[i]!}': ${res.reason}`, { host: this.names[i], item: request.name });
    const c = this.constraints(request).check(i);
    if (c !== null) throw new ValidationError(`cannot place '${request.name}' on host '${this.names[i]!}': ${c.reason}`, { path: 'request', plugin: c.plugin, host: this.names[i] });
    this.commit(request, i);
  }

  /** Remove placed item `name`, freeing its resources. Throws NotFoundError if it is not placed. */
  release(itemName: string): void {
    const placed = this.items.get(itemName);
    if (placed === undefined) throw new NotFoundError('item', itemName);
    const { host: i, request } = placed;
    this.items.delete(itemName);
    const list = this.itemsOn[i]!;
    list.splice(list.indexOf(itemName), 1);
    // Subtracting can leave float dust with fractional overcommit; an empty host is exactly empty.
    this.usedCpu[i] = list.length === 0 ? 0 : this.usedCpu[i]! - request.cpu;
    this.usedMem[i] = list.length === 0 ? 0 : this.usedMem[i]! - request.memory;
    for (const [k, v] of Object.entries(labelsOf(request.labels))) {
      const key = pairKey(k, v);
      const m = this.labelIndex.get(key)!;
      const n = m.get(i)! - 1;
      if (n === 0) m.delete(i);
      else m.set(i, n);
      if (m.size === 0) this.labelIndex.delete(key);
    }
    for (const term of request.antiAffinity?.required ?? []) {
      const key = antiKey(term);
      const list2 = this.antiIndex.get(key)!;
      list2.splice(list2.findIndex((h) => h.item === itemName && h.term === term), 1);
      if (list2.length === 0) this.antiIndex.delete(key);
    }
    this.reindex(i);
  }

  /** Internal: record a validated, feasible placement. */
  private commit(request: PlacementRequest, i: number): void {
    this.items.set(request.name, { host: i, request });
    this.itemsOn[i]!.push(request.name);
    this.usedCpu[i] = this.usedCpu[i]! + request.cpu;
    this.usedMem[i] = this.usedMem[i]! + request.memory;
    for (const [k, v] of Object.entries(labelsOf(request.labels))) {
      const key = pairKey(k, v);
      let m = this.labelIndex.get(key);
      if (m === undefined) this.labelIndex.set(key, (m = new Map<number, number>()));
      m.set(i, (m.get(i) ?? 0) + 1);
    }
    for (const term of request.antiAffinity?.required ?? []) {
      const key = antiKey(term);
      let list = this.antiIndex.get(key);
      if (list === undefined) this.antiIndex.set(key, (list = []));
      list.push({ host: i, term, item: request.name });
    }
    this.reindex(i);
  }

  /**
   * Place `request` where `policy` selects and return the host index, or null (nothing changed) when no
   * host is feasible. Validates the request first; re-checks the policy's choice (a policy that picks an
   * infeasible host gets a ValidationError naming it). Same errors as `allocate` for bad input.
   */
  place(request: PlacementRequest, policy: PlacementPolicy): number | null {
    validateRequest(request);
    this.requireUnplaced(request);
    const constraints = this.constraints(request);
    const i = policy.select(request, this, constraints);
    if (i === null) return null;
    if (!Number.isInteger(i) || i < 0 || i >= this.names.length) throw new ValidationError(`policy '${policy.name}' selected host index ${String(i)}, which does not exist`, { path: 'policy', policy: policy.name, value: i });
    const verdict = this.resourceVerdict(request, i) ?? constraints.check(i);
    if (verdict !== null) throw new ValidationError(`policy '${policy.name}' selected host '${this.names[i]!}' for '${request.name}', which is infeasible: ${verdict.reason}`, { path: 'policy', policy: policy.name, host: this.names[i] });
    this.commit(request, i);
    return i;
  }

  private requireUnplaced(request: PlacementRequest): void {
    const placed = this.items.get(request.name);
    if (placed !== undefined) throw new ConflictError(`item '${request.name}' is already placed on host '${this.names[placed.host]!}'; item names must be unique`, { path: 'request.name', name: request.name });
  }

  private reindex(i: number): void {
    const freeCpu = this.capCpu[i]! - this.usedCpu[i]!;
    const freeMem = this.capMem[i]! - this.usedMem[i]!;
    this.segTree.set(i, freeCpu, freeMem);
    for (const [order, idx] of this.ordered) idx.update(i, this.orderKey(order, i), freeCpu, freeMem);
  }

  private orderedIndex(order: HostOrder): OrderedHostIndex {
    let idx = this.ordered.get(order);
    if (idx === undefined) {
      if (!HOST_ORDERS.includes(order)) throw new ValidationError(`unknown host order '${String(order)}'`, { path: 'order', value: order, accepted: HOST_ORDERS });
      idx = new OrderedHostIndex();
      for (let i = 0; i < this.names.length; i++) idx.insert(i, this.orderKey(order, i), this.capCpu[i]! - this.usedCpu[i]!, this.capMem[i]! - this.usedMem[i]!);
      this.ordered.set(order, idx);
    }
    return idx;
  }

  /** Sort key of host `i` in `order`: ascending keys come first, so "most" orders negate. */
  private orderKey(order: HostOrder, i: number): number {
    switch (order) {
      case 'leastFreeCpu':
        return this.capCpu[i]! - this.usedCpu[i]!;
      case 'mostFreeCpu':
        return -(this.capCpu[i]! - this.usedCpu[i]!);
      case 'leastFreeMemory':
        return this.capMem[i]! - this.usedMem[i]!;
      case 'mostFreeMemory':
        return -(this.capMem[i]! - this.usedMem[i]!);
      case 'leastAllocated':
        return this.allocatedFraction(i);
      case 'mostAllocated':
        return -this.allocatedFraction(i);
      default: {
        const never: never = order;
        return never;
      }
    }
  }

  /** Mean of host `i`'s CPU and memory allocated fractions (a zero capacity counts as full). */
  allocatedFraction(i: number): number {
    const c = this.capCpu[i]! > 0 ? this.usedCpu[i]! / this.capCpu[i]! : 1;
    const m = this.capMem[i]! > 0 ? this.usedMem[i]! / this.capMem[i]! : 1;
    return (c + m) / 2;
  }

  private antiAgainst(labels: Labels): AntiHolder[] {
    const out: AntiHolder[] = [];
    const consider = (list: AntiHolder[] | undefined): void => {
      if (list === undefined) return;
      for (const h of list) {
        let ok = true;
        for (const k in h.term.selector) if (labels[k] !== h.term.selector[k]) ok = false;
        if (ok) out.push(h);
      }
    };
    consider(this.antiIndex.get(''));
    for (const [k, v] of Object.entries(labels)) consider(this.antiIndex.get(pairKey(k, v)));
    return out;
  }

  private requireHost(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.names.length) throw new NotFoundError('host index', String(i), { hostCount: this.names.length });
  }
}

/** Anti-affinity holders are filed under the first label pair of their selector ('' for an empty selector). */
function antiKey(term: AffinityTerm): string {
  for (const k in term.selector) return pairKey(k, term.selector[k]!);
  return '';
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}
