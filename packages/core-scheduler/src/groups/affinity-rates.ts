// Rates under CPU affinity: the group tree's rates (cpusets as caps) made servable CPU by CPU.
//
// The hierarchical water-filling of `computeGroupRates` bounds a group by its cpuset's capacity but
// does not match tasks to CPUs, so where cpusets overlap partly it can give a set of CPUs more work
// than they have (two tasks pinned to CPU 0 beside one on CPU 1: ⅔ each, and CPU 0 would need 4/3).
// This module takes those rates as weights and fills again, with the CPU sets respected: weighted
// max-min fairness with per-task CPU sets, by progressive filling. Every task's rate grows in
// proportion to its weight (its tree rate) from 0, up to its cap; when a set of CPUs (or a quota)
// saturates, the tasks that cannot grow any more stop there, and the others go on. Feasibility of a
// set of rates is a maximum flow (source → tasks → allowed CPUs → sink, CPUs at their capacities); a
// task can grow when the residual graph has a path from it to the sink. When
// the tree's rates are servable as they are (the common case: no partial overlap), they stand, for
// one maximum flow. Small graphs (a scheduler's tasks and CPUs): Dinic's algorithm, floats with a
// tolerance.
import type { SchedGroup, SchedTask } from './group-tree.js';

/** Residual capacities below this many CPUs count as none (flows, reachability, caps). */
const EPS = 1e-12;
/** Bisection steps for the level at which the next set of tasks saturates (2⁻⁶⁰ of the range: exact to the float). */
const BISECT_STEPS = 60;

/** A flow network on integer nodes with float capacities (Dinic). */
class FlowNet {
  readonly head: number[];
  readonly to: number[] = [];
  readonly cap: number[] = [];
  readonly next: number[] = [];
  private level: Int32Array;
  private iter: Int32Array;

  constructor(readonly n: number) {
    this.head = new Array<number>(n).fill(-1);
    this.level = new Int32Array(n);
    this.iter = new Int32Array(n);
  }

  /** An edge u → v of capacity c (and its residual twin); returns the forward edge's index. */
  add(u: number, v: number, c: number): number {
    const e = this.to.length;
    this.to.push(v, u);
    this.cap.push(c, 0);
    this.next.push(this.head[u]!, this.head[v]!);
    this.head[u] = e;
    this.head[v] = e + 1;
    return e;
  }

  private bfs(s: number, t: number): boolean {
    this.level.fill(-1);
    const queue = [s];
    this.level[s] = 0;
    for (let i = 0; i < queue.length; i++) {
      const u = queue[i]!;
      for (let e = this.head[u]!; e >= 0; e = this.next[e]!) {
        const v = this.to[e]!;
        if (this.cap[e]! > EPS && this.level[v]! < 0) {
          this.level[v] = this.level[u]! + 1;
          queue.push(v);
        }
      }
    }
    return this.level[t]! >= 0;
  }

  private dfs(u: number, t: number, f: number): number {
    if (u === t) return f;
    for (; this.iter[u]! >= 0; this.iter[u] = this.next[this.iter[u]!]!) {
      const e = this.iter[u]!;
      const v = this.to[e]!;
      if (this.cap[e]! > EPS && this.level[v] === this.level[u]! + 1) {
        const d = this.dfs(v, t, Math.min(f, this.cap[e]!));
        if (d > 0) {
          this.cap[e] = this.cap[e]! - d;
          this.cap[e ^ 1] = this.cap[e ^ 1]! + d;
          return d;
        }
      }
    }
    return 0;
  }

  maxFlow(s: number, t: number): number {
    let flow = 0;
    while (this.bfs(s, t)) {
      for (let u = 0; u < this.n; u++) this.iter[u] = this.head[u]!;
      for (let f = this.dfs(s, t, Infinity); f > 0; f = this.dfs(s, t, Infinity)) flow += f;
    }
    return flow;
  }

  /** Nodes from which `t` is reachable through edges with residual capacity. */
  reachTo(t: number): Uint8Array {
    const seen = new Uint8Array(this.n);
    const stack = [t];
    seen[t] = 1;
    while (stack.length > 0) {
      const v = stack.pop()!;
      // Edges u → v are the twins of v's own edges.
      for (let e = this.head[v]!; e >= 0; e = this.next[e]!) {
        const u = this.to[e]!;
        if (this.cap[e ^ 1]! > EPS && seen[u] === 0) {
          seen[u] = 1;
          stack.push(u);
        }
      }
    }
    return seen;
  }
}

/** The problem: tasks with weights, caps and CPU sets; CPUs with capacities. */
interface Problem {
  readonly weight: number[];
  readonly cap: number[];
  readonly cpus: number[][];
  readonly capacity: readonly number[];
}

const SOURCE = 0;
const SINK = 1;

/** The network for rates `r`; returns it with the node of task i at `taskBase + i` and the flow. */
function network(p: Problem, r: readonly number[]): { net: FlowNet; flow: number; taskBase: number } {
  const taskBase = 2;
  const cpuBase = taskBase + r.length;
  const net = new FlowNet(cpuBase + p.capacity.length);
  for (let i = 0; i < r.length; i++) {
    if (!(r[i]! > 0)) continue;
    net.add(SOURCE, taskBase + i, r[i]!);
    for (const c of p.cpus[i]!) net.add(taskBase + i, cpuBase + c, Infinity);
  }
  for (let c = 0; c < p.capacity.length; c++) if (p.capacity[c]! > 0) net.add(cpuBase + c, SINK, p.capacity[c]!);
  return { net, flow: net.maxFlow(SOURCE, SINK), taskBase };
}

function servable(p: Problem, r: readonly number[]): boolean {
  let want = 0;
  for (const x of r) want += x;
  return network(p, r).flow >= want - EPS * Math.max(1, want);
}

/**
 * Weighted max-min fair rates of the problem's tasks, their weights being the rates to correct:
 * null when those are servable as they are.
 */
function fill(p: Problem): number[] | null {
  const n = p.weight.length;
  if (servable(p, p.weight)) return null;
  const fixed: (number | null)[] = p.weight.map((w) => (w > 0 ? null : 0));
  const at = (lambda: number): number[] => fixed.map((f, i) => (f !== null ? f : Math.min(p.cap[i]!, p.weight[i]! * lambda)));
  let lo = 0;
  for (let round = 0; round < n; round++) {
    let hi = 0;
    for (let i = 0; i < n; i++) if (fixed[i] === null) hi = Math.max(hi, p.cap[i]! / p.weight[i]!);
    if (hi === 0) break;
    if (servable(p, at(hi))) {
      lo = hi;
      break;
    }
    for (let k = 0; k < BISECT_STEPS && hi - lo > 1e-15 * hi; k++) {
      const mid = (lo + hi) / 2;
      if (servable(p, at(mid))) lo = mid;
      else hi = mid;
    }
    // At `lo` a set of tasks saturates: those at their cap, or with no residual path to the sink.
    const r = at(lo);
    const { net, taskBase } = network(p, r);
    const toSink = net.reachTo(SINK);
    let froze = 0;
    for (let i = 0; i < n; i++) {
      if (fixed[i] !== null) continue;
      const canGrow = r[i]! < p.cap[i]! - EPS && toSink[taskBase + i] === 1;
      if (!canGrow) {
        fixed[i] = r[i]!;
        froze++;
      }
    }
    if (froze === 0) {
      // Within the tolerance nothing is blocked: the level cannot rise further in practice.
      for (let i = 0; i < n; i++) if (fixed[i] === null) fixed[i] = r[i]!;
      break;
    }
  }
  return at(lo);
}

/**
 * Correct the tree's rates (`scratchRate` of `tasks`, as `computeGroupRates` left them) for CPU
 * affinity: where they are not servable CPU by CPU, replace them with the weighted max-min fair
 * rates under each task's cpuset (weights: the tree's rates; caps: `scratchCap`), and the rates of
 * the groups above them with their sums. Quotas are not constraints here: the fluid model applies
 * these rates as task caps and splits its tree again, where quotas bind as before. Returns whether
 * anything changed. One maximum flow when the rates are servable; else each saturation level costs
 * a bisection of maximum flows (tasks × CPUs edges).
 */
export function correctForAffinity(tasks: readonly SchedTask[], capacity: readonly number[]): boolean {
  const live = tasks.filter((t) => t.scratchRate > 0);
  if (live.length === 0) return false;
  const cpus = live.map((t) => {
    const list: number[] = [];
    for (let c = 0; c < capacity.length; c++) if (t.group.allowed[c] && capacity[c]! > 0) list.push(c);
    return list;
  });
  const p: Problem = { weight: live.map((t) => t.scratchRate), cap: live.map((t) => Math.max(t.scratchRate, t.scratchCap)), cpus, capacity };
  const rates = fill(p);
  if (rates === null) return false;
  live.forEach((t, i) => (t.scratchRate = rates[i]!));
  // A group's rate is its tasks' sum again.
  for (const t of tasks) for (let g: SchedGroup | null = t.group; g !== null; g = g.parent) g.scratchRate = 0;
  for (const t of live) for (let g: SchedGroup | null = t.group; g !== null; g = g.parent) g.scratchRate += t.scratchRate;
  return true;
}
