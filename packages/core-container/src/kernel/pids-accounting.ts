// The pids controller (kernel/cgroup/pids.c): every process, live or zombie until reaped, is
// charged to its cgroup and all its ancestors; a fork fails with EAGAIN when any ancestor-or-self
// with the controller would pass its pids.max. Migration moves the charge without a limit check,
// so current may end above max, as in the kernel.
import type { CgroupNode, CgroupTree } from './cgroup-tree.js';

/** Counters of one cgroup. */
export interface PidsCounters {
  current: number;
  peak: number;
  /** pids.events `max`: forks refused because this cgroup (or a descendant's limit) was at its limit — hierarchical. */
  eventsMax: number;
}

export class PidsAccounting {
  private readonly counters = new WeakMap<CgroupNode, PidsCounters>();

  constructor(private readonly tree: CgroupTree) {}

  of(node: CgroupNode): PidsCounters {
    let c = this.counters.get(node);
    if (c === undefined) {
      c = { current: 0, peak: 0, eventsMax: 0 };
      this.counters.set(node, c);
    }
    return c;
  }

  charge(node: CgroupNode): void {
    for (let n: CgroupNode | null = node; n !== null; n = n.parent) {
      const c = this.of(n);
      c.current++;
      if (c.current > c.peak) c.peak = c.current;
    }
  }

  uncharge(node: CgroupNode): void {
    for (let n: CgroupNode | null = node; n !== null; n = n.parent) this.of(n).current--;
  }

  /** Move one charge (cgroup.procs migration): no limit check, as pids_can_attach. */
  move(from: CgroupNode, to: CgroupNode): void {
    this.uncharge(from);
    this.charge(to);
  }

  /** The nearest cgroup whose pids.max one more process would pass, or null (pids_try_charge). */
  overLimit(node: CgroupNode): CgroupNode | null {
    for (let n: CgroupNode | null = node; n !== null; n = n.parent) {
      if (!this.tree.hasFile(n, 'pids.max')) continue;
      const max = this.tree.setting(n, 'pids.max');
      if (max !== 'max' && this.of(n).current + 1 > max) return n;
    }
    return null;
  }

  /** Count a refused fork: pids.events `max` of the limiting cgroup and its ancestors below the root (pids_event). */
  recordFailure(limited: CgroupNode): void {
    for (let n: CgroupNode | null = limited; n !== null && n.parent !== null; n = n.parent) this.of(n).eventsMax++;
  }
}
