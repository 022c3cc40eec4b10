// How the kernel's processes meet the memory controller: `alloc` touches pages (the headroom in
// one go, then page by page through reclaim, the memory.high throttle and the OOM killer), `free`
// and exec release anonymous memory, buffered I/O charges page cache, and memory.* writes apply.
// The accounting itself is the memory model's (src/memory).
import { wholePages } from './pages.js';
import type { AllocStep, FreeStep, Micros } from '@strata/shared-types';
import { PAGE_SIZE } from '../cgroupfs/memparse.js';
import type { CgroupFileName } from '../cgroupfs/registry.js';
import type { MemoryLimitsPatch, MemoryModel, OomOutcome } from '../memory/types.js';
import type { CgroupNode, CgroupTree } from './cgroup-tree.js';
import type { Proc } from './process.js';
import { fail, type StepHost } from './program-steps.js';
import type { KernelEvent } from './types.js';

/** What the driver needs of the kernel. */
export interface MemoryHost extends StepHost {
  readonly mem: MemoryModel;
  readonly tree: CgroupTree;
  now(): Micros;
  emit(e: KernelEvent): void;
  /** SIGKILL the OOM killer's victims. */
  oomKill(out: OomOutcome): void;
}

/** Begin an `alloc` step: the process touches `size` bytes (whole pages). */
export function startAlloc(h: MemoryHost, p: Proc, step: AllocStep): void {
  const bytes = wholePages(step.size);
  p.allocations.push({ name: step.name, bytes: 0 });
  p.alloc = { step, remaining: bytes, pendingChunk: 0 };
  continueAlloc(h, p);
}

/**
 * Touch the rest of an allocation: up to the headroom in one go (the pages that fit without any
 * slow path), then page by page through the slow path (reclaim, memory.high throttle, OOM). With a
 * rate, touching takes CPU time: a chunk is charged once its CPU burst is done.
 */
export function continueAlloc(h: MemoryHost, p: Proc): void {
  const a = p.alloc!;
  const rate = a.step.rate;
  while (a.remaining > 0 || a.pendingChunk > 0) {
    h.countStep();
    if (a.pendingChunk === 0) {
      const headroom = h.mem.headroom(p.pid, 'anon');
      const chunk = Math.min(a.remaining, headroom > 0 ? headroom : PAGE_SIZE);
      a.pendingChunk = chunk;
      a.remaining -= chunk;
      if (rate !== null) {
        h.startCpu(p, Math.max(1, Math.ceil((chunk * 1_000_000) / rate)));
        return;
      }
    }
    const out = h.mem.charge(p.pid, 'anon', a.pendingChunk);
    if (out.kind === 'charged') {
      p.allocations[p.allocations.length - 1]!.bytes += a.pendingChunk;
      a.pendingChunk = 0;
      if (out.throttleUsec > 0) {
        h.emit({ type: 'memory.high_exceeded', time: h.now(), cgroup: p.cgroup.path, pid: p.pid, delayUs: out.throttleUsec as Micros });
        h.startSleep(p, out.throttleUsec);
        return;
      }
      continue;
    }
    if (out.kind === 'oom' && out.victims.length > 0) {
      h.oomKill(out);
      if (p.zombie) return;
      continue;
    }
    // Nobody could be killed: the allocation fails (what was touched so far stays).
    p.alloc = null;
    fail(h, p, a.step.onError, 'ENOMEM');
    return;
  }
  p.alloc = null;
}

/** Charge page cache as a reader fills it: the headroom at once, then page by page through reclaim (and the OOM killer); false when it cannot be had or `p` was killed. */
export function chargePageCache(h: MemoryHost, p: Proc, bytes: number): boolean {
  let left = bytes;
  while (left > 0) {
    h.countStep();
    const headroom = h.mem.headroom(p.pid, 'file');
    const chunk = Math.min(left, headroom > 0 ? headroom : PAGE_SIZE);
    const out = h.mem.charge(p.pid, 'file', chunk);
    if (out.kind === 'charged') left -= chunk;
    else if (out.kind === 'oom' && out.victims.length > 0) h.oomKill(out);
    else return false;
    if (p.zombie) return false;
  }
  return true;
}

/** Release anonymous memory as a `free` step says: everything, the latest allocation of a name, or bytes from the newest back. */
export function freeMemory(mem: MemoryModel, p: Proc, step: FreeStep): void {
  let bytes = 0;
  const allocs = p.allocations;
  if (step.target.kind === 'all') {
    for (const a of allocs) bytes += a.bytes;
    allocs.length = 0;
  } else if (step.target.kind === 'name') {
    const name = step.target.name;
    for (let i = allocs.length - 1; i >= 0; i--) {
      if (allocs[i]!.name !== name) continue;
      bytes = allocs[i]!.bytes;
      allocs.splice(i, 1);
      break;
    }
  } else {
    // From the newest allocations back, whole pages.
    let want = wholePages(step.target.size);
    while (want > 0 && allocs.length > 0) {
      const last = allocs[allocs.length - 1]!;
      const take = Math.min(want, last.bytes);
      last.bytes -= take;
      want -= take;
      bytes += take;
      if (last.bytes === 0) allocs.pop();
    }
  }
  if (bytes > 0) mem.uncharge(p.pid, 'anon', bytes);
}

const LIMIT_FIELD: Readonly<Record<string, keyof MemoryLimitsPatch>> = {
  'memory.min': 'min',
  'memory.low': 'low',
  'memory.high': 'high',
  'memory.max': 'max',
  'memory.swap.max': 'swapMax',
  'memory.oom.group': 'oomGroup',
};

/** Apply a memory.* limit file to the memory model; a memory.max below usage OOM-kills until it fits or nobody is left. */
export function applyMemoryLimit(h: MemoryHost, node: CgroupNode, file: CgroupFileName): void {
  const field = LIMIT_FIELD[file];
  if (field === undefined || node.parent === null) return;
  const patch = { [field]: h.tree.setting(node, file) } as MemoryLimitsPatch;
  for (let out = h.mem.setLimits(node.path, patch); out.kind === 'oom' && out.victims.length > 0; out = h.mem.setLimits(node.path, patch)) h.oomKill(out);
}
