// The cpu (and cpuset) controller on core-scheduler's group scheduler. A cgroup has the cpu
// controller when its parent enables it (the root always does); its processes' tasks run in the
// scheduler group of the nearest such cgroup, so siblings without the controller compete as plain
// tasks of that ancestor, as in the kernel. CPU time is accounted per cgroup here for cpu.stat,
// which every cgroup has (usage is rstat's, not the controller's).
import type { GroupCpuLimits, GroupScheduler } from '@strata/core-scheduler';
import type { CgroupNode, CgroupTree } from './cgroup-tree.js';

export class CpuGroups {
  /** Bumped whenever tasks may have moved between scheduler groups (`sync`): cached cgroup usages name a group. */
  epoch = 0;
  /** CPU µs of processes that have left each cgroup (exited or moved out). */
  private readonly settled = new WeakMap<CgroupNode, number>();

  constructor(
    private readonly tree: CgroupTree,
    private readonly sched: GroupScheduler,
  ) {}

  /** Whether `node` has the cpu controller (its own scheduler group). */
  hasCpu(node: CgroupNode): boolean {
    return node.parent === null || node.parent.subtreeControl.includes('cpu');
  }

  /** The scheduler group a process in `node` runs in. */
  groupOf(node: CgroupNode): string {
    let n = node;
    while (!this.hasCpu(n)) n = n.parent!;
    return n.path;
  }

  placeTask(taskId: string, node: CgroupNode): void {
    const group = this.groupOf(node);
    if (this.sched.taskStats(taskId).group !== group) this.sched.moveTask(taskId, group);
  }

  /** The scheduler settings `node`'s cpu and cpuset files stand for. */
  limitsOf(node: CgroupNode): GroupCpuLimits {
    const max = this.tree.setting(node, 'cpu.max');
    const cpus = this.tree.hasFile(node, 'cpuset.cpus') ? this.tree.setting(node, 'cpuset.cpus') : [];
    return { shares: this.tree.setting(node, 'cpu.weight'), quota: max.quota, period: max.period, cpus: cpus.length > 0 ? cpus : null };
  }

  /** Push `node`'s settings to its scheduler group, if it has one. */
  apply(node: CgroupNode): void {
    if (node.parent !== null && this.hasCpu(node)) this.sched.setGroupLimits(node.path, this.limitsOf(node));
  }

  /**
   * Bring the scheduler's groups in line with the tree after a change of who has the controller:
   * create missing groups parents first, move tasks to their new groups, drop groups no longer
   * wanted children first (they are empty by then).
   */
  sync(tasks: Iterable<{ readonly taskId: string; readonly cgroup: CgroupNode; readonly zombie: boolean }>): void {
    this.epoch++;
    const existing = new Set(this.sched.listGroups());
    for (const path of this.tree.paths()) {
      const node = this.tree.get(path);
      if (node.parent !== null && this.hasCpu(node) && !existing.has(path)) this.sched.addGroup(path, this.limitsOf(node));
    }
    for (const t of tasks) if (!t.zombie) this.placeTask(t.taskId, t.cgroup);
    for (const path of this.sched.listGroups().reverse()) {
      if (path === '/') continue;
      if (!this.tree.has(path) || !this.hasCpu(this.tree.get(path))) this.sched.removeGroup(path);
    }
  }

  /** Whether `node` or an ancestor is frozen (cgroup.freeze 1). */
  frozen(node: CgroupNode): boolean {
    for (let n: CgroupNode | null = node; n !== null; n = n.parent) if (n.parent !== null && this.tree.setting(n, 'cgroup.freeze')) return true;
    return false;
  }

  addUsage(node: CgroupNode, usec: number): void {
    this.settled.set(node, (this.settled.get(node) ?? 0) + usec);
  }

  /** CPU µs settled in `node` itself (not its children). */
  settledIn(node: CgroupNode): number {
    return this.settled.get(node) ?? 0;
  }
}
