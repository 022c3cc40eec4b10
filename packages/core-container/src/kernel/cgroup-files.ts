// Reading and writing interface files of the kernel's cgroups: parse with cgroupfs's kernel rules,
// apply to the models (scheduler, freezer), store only once nothing refused; reads print the live
// counters in the kernel's formats.
import { NotFoundError } from '@strata/shared-types';
import { CGROUP_FILES, isCgroupFileName, readCgroupFile, type CgroupFileName, type CgroupFileValues } from '../cgroupfs/registry.js';
import type { CgroupNode, CgroupTree, GroupActivity } from './cgroup-tree.js';
import type { CpuGroups } from './cpu-groups.js';
import type { PidsAccounting } from './pids-accounting.js';
import type { Proc } from './process.js';
import type { GroupScheduler } from '@strata/core-scheduler';
import type { MemoryModel } from '../memory/types.js';
import { isProcessFile, readProcessFile, writeProcessFile, type ProcessFileHost } from './process-files.js';
import type { BlockIo } from './block-io.js';

/** What file access needs of the kernel. */
export interface CgroupFileHost extends ProcessFileHost {
  readonly tree: CgroupTree;
  readonly cpuGroups: CpuGroups;
  readonly pids: PidsAccounting;
  readonly sched: GroupScheduler;
  liveProcesses(): Iterable<Proc>;
  cpuSinceBase(p: Proc): number;
  refreezeAll(): void;
  readonly mem: MemoryModel;
  readonly io: BlockIo;
  applyMemoryLimit(node: CgroupNode, file: CgroupFileName): void;
  /** io.max or io.weight of `node` changed: the block layer applies it at once. */
  applyIoFile(node: CgroupNode, file: 'io.max' | 'io.weight'): void;
  /** What the threads of `node`'s scheduler group did (wake-ups, runnable now), or null when unknown. */
  cpuActivity(node: CgroupNode): GroupActivity | null;
}

function requireFile(tree: CgroupTree, node: CgroupNode, file: string): CgroupFileName {
  if (!isCgroupFileName(file) || !tree.hasFile(node, file)) {
    const why = isCgroupFileName(file) ? `its controller (${CGROUP_FILES[file].controller}) is not enabled for ${node.path}${node.parent === null ? ' or the root has no such file' : '; enable it in the parent\'s cgroup.subtree_control'}` : 'no such interface file';
    const error = new NotFoundError('cgroup file', `${node.path === '/' ? '' : node.path}/${file}`, { hint: why });
    error.message = `${error.message}: ${why}`;
    throw error;
  }
  return file;
}

/** The text `cat <path>/<file>` prints. */
export function readFile(host: CgroupFileHost, node: CgroupNode, fileName: string): string {
  if (isProcessFile(fileName)) return readProcessFile(host, node, fileName);
  const file = requireFile(host.tree, node, fileName);
  return readCgroupFile(file, currentValue(host, node, file));
}

/** `echo text > <path>/<file>`: all or nothing. */
export function writeFile(host: CgroupFileHost, node: CgroupNode, fileName: string, text: string): void {
  if (isProcessFile(fileName)) return writeProcessFile(host, node, fileName, text);
  const file = requireFile(host.tree, node, fileName);
  const value = host.tree.parseWrite(node, file, text);
  const before = host.tree.setting(node, file);
  host.tree.store(node, file, value);
  try {
    applyWrite(host, node, file);
  } catch (error) {
    host.tree.store(node, file, before);
    applyWrite(host, node, file);
    throw error;
  }
}

/**
 * Every live thread's task and cgroup: each process's main thread and its serving workers (threads of
 * a process run in its cgroup, so a change of who has the cpu controller moves them all).
 */
function liveThreads(host: CgroupFileHost): { readonly taskId: string; readonly cgroup: CgroupNode; readonly zombie: boolean }[] {
  const out: { readonly taskId: string; readonly cgroup: CgroupNode; readonly zombie: boolean }[] = [];
  for (const p of host.liveProcesses()) {
    out.push(p);
    if (p.server !== null) for (const w of p.server.workers) out.push({ taskId: w.taskId, cgroup: p.cgroup, zombie: p.zombie });
  }
  return out;
}

function applyWrite(host: CgroupFileHost, node: CgroupNode, file: CgroupFileName): void {
  switch (file) {
    case 'cgroup.subtree_control':
      host.cpuGroups.sync(liveThreads(host));
      for (const child of node.children.values()) host.cpuGroups.apply(child);
      return;
    case 'cgroup.freeze':
      host.refreezeAll();
      return;
    case 'cpu.weight':
    case 'cpu.weight.nice':
      // One value behind both files: the group's load weight.
      host.tree.store(node, file === 'cpu.weight' ? 'cpu.weight.nice' : 'cpu.weight', host.tree.setting(node, file));
      host.cpuGroups.apply(node);
      return;
    case 'cpu.max':
    case 'cpuset.cpus':
      host.cpuGroups.apply(node);
      return;
    case 'memory.min':
    case 'memory.low':
    case 'memory.high':
    case 'memory.max':
    case 'memory.swap.max':
    case 'memory.oom.group':
      host.applyMemoryLimit(node, file);
      return;
    case 'io.max':
    case 'io.weight':
      host.applyIoFile(node, file);
      return;
    default:
      return;
  }
}

/** Live value of a file: stored settings, or counters from the models. */
function currentValue<N extends CgroupFileName>(host: CgroupFileHost, node: CgroupNode, file: N): CgroupFileValues[N] {
  const v = liveValue(host, node, file);
  return (v === undefined ? host.tree.setting(node, file) : v) as CgroupFileValues[N];
}

function liveValue(host: CgroupFileHost, node: CgroupNode, file: CgroupFileName): unknown {
  switch (file) {
    case 'cgroup.controllers':
      return host.tree.controllers(node);
    case 'cgroup.subtree_control':
      return node.subtreeControl;
    case 'cgroup.events':
      return { populated: populated(node) ? 1 : 0, frozen: host.cpuGroups.frozen(node) && node.parent !== null ? 1 : 0 };
    case 'cpu.stat':
      return cpuStat(host, node);
    case 'memory.current':
      return host.mem.stats(node.path).current;
    case 'memory.peak':
      return host.mem.stats(node.path).peak;
    case 'memory.events':
      return host.mem.stats(node.path).events;
    case 'memory.stat':
      return host.mem.stats(node.path).stat;
    case 'pids.current':
      return host.pids.of(node).current;
    case 'pids.peak':
      return host.pids.of(node).peak;
    case 'pids.events':
      return { max: host.pids.of(node).eventsMax };
    case 'io.stat':
      return host.io.stat(node);
    default:
      return undefined;
  }
}

function populated(node: CgroupNode): boolean {
  if (node.liveProcs > 0) return true;
  for (const c of node.children.values()) if (populated(c)) return true;
  return false;
}

/** CPU µs used by processes in `node`'s subtree, settled and live. */
export function cpuUsage(host: CgroupFileHost, node: CgroupNode): number {
  // A leaf's usage moves only while a thread of its scheduler group runs, or when tasks change groups
  // (`CpuGroups.epoch`): a process joining, leaving, exiting or ending its server first folds its CPU
  // time into the cgroup's settled time and starts again from 0 (`settleCpu`), and a child cgroup's
  // threads run in this group (waking it) or in their own (an epoch: the cpu controller was enabled).
  // Read while the group had no runnable thread, the usage holds until one of those moves: a sampler
  // reading thousands of idle containers each second then walks none of their processes.
  // A cache is a leaf's (mkdir beneath a cgroup drops it), so it is checked before the children.
  const c = node.cpuCache;
  const epoch = host.cpuGroups.epoch;
  if (c !== null && c.epoch === epoch && c.group.runnable === 0 && c.wakes === c.group.wakes) return c.usage;
  if (node.children.size > 0) return freshCpuUsage(host, node);
  const usage = freshCpuUsage(host, node);
  // Within one epoch the leaf keeps its scheduler group: no lookup by path.
  const g = c !== null && c.epoch === epoch ? c.group : host.cpuActivity(node);
  if (g !== null && g.runnable === 0) {
    if (c === null) node.cpuCache = { usage, epoch, group: g, wakes: g.wakes };
    else {
      c.usage = usage;
      c.epoch = epoch;
      c.group = g;
      c.wakes = g.wakes;
    }
  }
  return usage;
}

/** `cpuUsage` computed afresh: the subtree's settled time and its cgroups' own live processes. */
export function freshCpuUsage(host: CgroupFileHost, node: CgroupNode): number {
  // Every term is a whole number of µs (the scheduler's task times are), so the order of the sum
  // does not matter: the subtree's settled time and its cgroups' own live processes, no other.
  let total = host.cpuGroups.settledIn(node);
  for (let m = node.firstMember; m !== null; m = m.cgNext) total += host.cpuSinceBase(m as Proc);
  if (node.children.size > 0) for (const c of node.children.values()) total += subtreeCpu(host, c);
  return Math.round(total);
}

function subtreeCpu(host: CgroupFileHost, node: CgroupNode): number {
  let total = host.cpuGroups.settledIn(node);
  for (let m = node.firstMember; m !== null; m = m.cgNext) total += host.cpuSinceBase(m as Proc);
  for (const c of node.children.values()) total += subtreeCpu(host, c);
  return total;
}

function cpuStat(host: CgroupFileHost, node: CgroupNode): CgroupFileValues['cpu.stat'] {
  // The model has no kernel/user split: all CPU time is user time.
  const usage = cpuUsage(host, node);
  const base = { usage_usec: usage, user_usec: usage, system_usec: 0 };
  if (node.parent === null || !host.cpuGroups.hasCpu(node)) return base;
  const g = host.sched.groupStats(node.path);
  return { ...base, nr_periods: g.nrPeriods, nr_throttled: g.nrThrottled, throttled_usec: Math.round(g.throttledUsec), nr_bursts: 0, burst_usec: 0 };
}
