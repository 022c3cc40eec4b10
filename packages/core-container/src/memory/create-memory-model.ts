// The memory model's factory: validates each command whole, then applies it to the state through
// the charge path, reclaim and the OOM killer. See types.ts for the contract.
import { ConflictError, NotFoundError, ValidationError } from '@strata/shared-types';
import type { MemoryEvents, MemoryStat } from '../cgroupfs/memory-files.js';
import { EMPTY_MEMORY_STAT } from '../cgroupfs/memory-files.js';
import { PAGE_SIZE } from '../cgroupfs/memparse.js';
import { chargeProcess, chargeWithinLimits, enforceHigh, enforceMax, headroomPages, tallyOf } from './charge-path.js';
import {
  checkCgroupPath,
  checkChargeBytes,
  checkKind,
  checkLimitsPatch,
  checkModelOptions,
  checkOomScoreAdj,
  checkPid,
  limitValue,
  nodeAt,
  processOf,
} from './input-checks.js';
import { anonPagesOf, newMemcgNode, preorder, releaseProcess, unchargeAnon, unchargeFile, type EventCounters, type MemcgNode, type MemoryState, type ProcessRecord } from './memcg-state.js';
import { globalTotalPages, oomBadness } from './oom-killer.js';
import { newReclaimCounter } from './reclaim.js';
import type {
  ChargeOutcome,
  LimitOutcome,
  MemoryCgroupStats,
  MemoryCgroupRef,
  MemoryChargeKind,
  MemoryGlobalStats,
  MemoryLimits,
  MemoryLimitsPatch,
  MemoryModel,
  MemoryModelOptions,
  MemoryProcessOptions,
  MemoryProcessRef,
  MemoryProcessStats,
} from './types.js';

function parentPathOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut === 0 ? '/' : path.slice(0, cut);
}

function eventsOf(counters: EventCounters): MemoryEvents {
  return { ...counters };
}

function limitsOf(node: MemcgNode): MemoryLimits {
  const l = node.limits;
  return { min: limitValue(l.min), low: limitValue(l.low), high: limitValue(l.high), max: limitValue(l.max), swapMax: limitValue(l.swapMax), oomGroup: l.oomGroup };
}

function checkProcessOptions(options: unknown): { oomScoreAdj: number; unkillable: boolean } {
  if (options === undefined) return { oomScoreAdj: 0, unkillable: false };
  if (options === null || typeof options !== 'object') throw new ValidationError('process options must be an object { oomScoreAdj?, unkillable? }', { options });
  const o = options as MemoryProcessOptions;
  if (o.unkillable !== undefined && typeof o.unkillable !== 'boolean') throw new ValidationError('unkillable must be true or false', { unkillable: o.unkillable });
  return { oomScoreAdj: o.oomScoreAdj === undefined ? 0 : checkOomScoreAdj(o.oomScoreAdj), unkillable: o.unkillable === true };
}

/** Fold a removed cgroup's remaining charges into its parent (they are already in the parent's counters). */
function reparentCharges(node: MemcgNode, parent: MemcgNode): void {
  parent.ownFile += node.ownFile;
  parent.ownAnon += node.ownAnon;
  parent.ownSwap += node.ownSwap;
  parent.ownFaults += node.ownFaults;
  for (const proc of node.anonOwners) {
    for (const seg of proc.segments) if (seg.node === node) seg.node = parent;
    parent.anonOwners.add(proc);
  }
}

class MemoryModelImpl implements MemoryModel {
  private readonly state: MemoryState;

  constructor(options: MemoryModelOptions) {
    const checked = checkModelOptions(options);
    const root = newMemcgNode('/', null);
    this.state = { root, nodes: new Map([['/', root]]), processes: new Map(), ...checked };
  }

  addCgroup(path: string, parent?: string): void {
    checkCgroupPath(path);
    if (this.state.nodes.has(path)) throw new ConflictError(`cgroup '${path}' already exists`, { path });
    const parentPath = parentPathOf(path);
    if (parent !== undefined && checkCgroupPath(parent, 'parent') !== parentPath) {
      throw new ValidationError(`cgroup '${path}' is not a child of '${parent}': its parent is '${parentPath}'`, { path, parent });
    }
    const parentNode = nodeAt(this.state, parentPath);
    const node = newMemcgNode(path, parentNode);
    parentNode.children.push(node);
    this.state.nodes.set(path, node);
  }

  removeCgroup(path: string): void {
    const node = nodeAt(this.state, path);
    const parent = node.parent;
    if (parent === null) throw new ValidationError('the root cgroup cannot be removed', { path });
    if (node.children.length > 0) throw new ConflictError(`cgroup '${path}' has child cgroups: remove them first`, { path });
    if (node.processes.size > 0) throw new ConflictError(`cgroup '${path}' has processes: move or remove them first`, { path });
    reparentCharges(node, parent);
    parent.children.splice(parent.children.indexOf(node), 1);
    this.state.nodes.delete(path);
  }

  setLimits(path: string, patch: MemoryLimitsPatch): LimitOutcome {
    const node = nodeAt(this.state, path);
    if (node.parent === null) throw new ValidationError('the root cgroup has no memory limits', { path });
    const { pages, oomGroup } = checkLimitsPatch(patch);
    Object.assign(node.limits, pages);
    if (oomGroup !== undefined) node.limits.oomGroup = oomGroup;
    const counter = newReclaimCounter();
    if (pages.high !== undefined) enforceHigh(this.state, node, counter);
    if (pages.max !== undefined) return enforceMax(this.state, node, counter);
    return { kind: 'applied', reclaimed: tallyOf(counter) };
  }

  limits(path: string): MemoryLimits {
    return limitsOf(nodeAt(this.state, path));
  }

  addProcess(pid: number, path: string, options?: MemoryProcessOptions): void {
    checkPid(pid);
    if (this.state.processes.has(pid)) throw new ConflictError(`process ${pid} already exists`, { pid });
    const node = nodeAt(this.state, path);
    const { oomScoreAdj, unkillable } = checkProcessOptions(options);
    const proc: ProcessRecord = { pid, node, oomScoreAdj, unkillable, segments: [], oomVictim: false, sinceHighCheck: 0, removed: false };
    this.state.processes.set(pid, proc);
    node.processes.add(proc);
  }

  moveProcess(pid: number, path: string): void {
    const proc = processOf(this.state, pid);
    const node = nodeAt(this.state, path);
    proc.node.processes.delete(proc);
    node.processes.add(proc);
    proc.node = node;
  }

  setOomScoreAdj(pid: number, oomScoreAdj: number): void {
    const proc = processOf(this.state, pid);
    proc.oomScoreAdj = checkOomScoreAdj(oomScoreAdj);
  }

  removeProcess(pid: number): void {
    const proc = processOf(this.state, pid);
    releaseProcess(proc);
    proc.node.processes.delete(proc);
    this.state.processes.delete(pid);
    proc.removed = true;
  }

  headroom(pid: number, kind: MemoryChargeKind): number {
    const proc = processOf(this.state, pid);
    checkKind(kind);
    return headroomPages(this.state, proc) * PAGE_SIZE;
  }

  charge(pid: number, kind: MemoryChargeKind, bytes: number): ChargeOutcome {
    const proc = processOf(this.state, pid);
    checkKind(kind);
    return chargeProcess(this.state, proc, kind, checkChargeBytes(bytes));
  }

  tryCharge(pid: number, kind: MemoryChargeKind, bytes: number): boolean {
    return this.tryChargeOf(processOf(this.state, pid), kind, bytes);
  }

  processRef(pid: number): MemoryProcessRef {
    return processOf(this.state, pid) as unknown as MemoryProcessRef;
  }

  tryChargeRef(ref: MemoryProcessRef, kind: MemoryChargeKind, bytes: number): boolean {
    return this.tryChargeOf(liveProcess(ref), kind, bytes);
  }

  unchargeRef(ref: MemoryProcessRef, kind: MemoryChargeKind, bytes: number): number {
    return this.unchargeOf(liveProcess(ref), kind, bytes);
  }

  private tryChargeOf(proc: ProcessRecord, kind: MemoryChargeKind, bytes: number): boolean {
    checkKind(kind);
    return chargeWithinLimits(this.state, proc, kind, checkChargeBytes(bytes));
  }

  uncharge(pid: number, kind: MemoryChargeKind, bytes: number): number {
    return this.unchargeOf(processOf(this.state, pid), kind, bytes);
  }

  private unchargeOf(proc: ProcessRecord, kind: MemoryChargeKind, bytes: number): number {
    const pid = proc.pid;
    checkKind(kind);
    const pages = checkChargeBytes(bytes);
    if (kind === 'file') {
      const freed = Math.min(pages, proc.node.ownFile);
      unchargeFile(proc.node, freed);
      return freed * PAGE_SIZE;
    }
    // The newest segment alone usually holds them (a request's pages): no sum over the segments then.
    const last = proc.segments[proc.segments.length - 1];
    if (last === undefined || last.resident < pages) {
      const { resident, swapped } = anonPagesOf(proc);
      if (pages > resident + swapped) {
        throw new ValidationError(`process ${pid} has ${(resident + swapped) * PAGE_SIZE} bytes of anonymous memory, cannot free ${bytes}`, { pid, bytes });
      }
    }
    unchargeAnon(proc, pages);
    return bytes;
  }

  stats(path: string): MemoryCgroupStats {
    const node = nodeAt(this.state, path);
    let anon = 0;
    let file = 0;
    let faults = 0;
    for (const n of preorder(node)) {
      anon += n.ownAnon;
      file += n.ownFile;
      faults += n.ownFaults;
    }
    const stat: MemoryStat = { ...EMPTY_MEMORY_STAT, anon: anon * PAGE_SIZE, file: file * PAGE_SIZE, pgfault: faults };
    return {
      path,
      current: node.usage * PAGE_SIZE,
      peak: node.peak * PAGE_SIZE,
      swapCurrent: node.swapUsage * PAGE_SIZE,
      events: eventsOf(node.events),
      eventsLocal: eventsOf(node.eventsLocal),
      stat,
      limits: limitsOf(node),
    };
  }

  cgroupRef(path: string): MemoryCgroupRef {
    return nodeAt(this.state, path) as unknown as MemoryCgroupRef;
  }

  currentBytes(ref: MemoryCgroupRef): number {
    return (ref as unknown as MemcgNode).usage * PAGE_SIZE;
  }

  processStats(pid: number): MemoryProcessStats {
    const proc = processOf(this.state, pid);
    const { resident, swapped } = anonPagesOf(proc);
    const total = globalTotalPages(this.state);
    const points = oomBadness(proc, total);
    // fs/proc/base.c proc_oom_score(): C integer division truncates toward zero.
    const oomScore = points === null ? 0 : Math.trunc(((1000 + Math.trunc((points * 1000) / total)) * 2) / 3);
    return { pid, cgroup: proc.node.path, oomScoreAdj: proc.oomScoreAdj, rss: resident * PAGE_SIZE, swap: swapped * PAGE_SIZE, oomScore, oomVictim: proc.oomVictim };
  }

  globalStats(): MemoryGlobalStats {
    const s = this.state;
    return {
      ram: s.ramPages * PAGE_SIZE,
      used: s.root.usage * PAGE_SIZE,
      free: (s.ramPages - s.root.usage) * PAGE_SIZE,
      swap: s.swapPages * PAGE_SIZE,
      swapUsed: s.root.swapUsage * PAGE_SIZE,
    };
  }
}

/** A memory controller for a kernel with `ram` bytes of memory and `swap` bytes of swap. Throws ValidationError on bad options. */
export function createMemoryModel(options: MemoryModelOptions): MemoryModel {
  return new MemoryModelImpl(options);
}

/** The record a process handle names, refused once the process has left its model. */
function liveProcess(ref: MemoryProcessRef): ProcessRecord {
  const proc = ref as unknown as ProcessRecord;
  if (proc.removed) throw new NotFoundError('process', String(proc.pid), { hint: 'the process left the memory model; resolve a handle on a process that is in it' });
  return proc;
}
