// Rates under CPU affinity: the group tree's rates (cpusets as caps) made servable CPU by CPU.
//
// The hierarchical water-filling of `computeGroupRates` bounds a group by its cpuset's capacity but
// does not match tasks to CPUs, so where cpusets overlap partly it can give a set of CPUs more work
// than they have (two tasks pinned to CPU 0 beside one on CPU 1: ⅔ each, and CPU 0 would need 4/3).
// This module fills again, with the CPU sets respected: weighted max-min fairness with per-task CPU
// sets, by progressive filling. Every task's rate grows in proportion to its weight (its share of the
// tree by weights alone) from 0, up to its cap (its demand, its best CPU); when a set of CPUs (or a quota)
// saturates, the tasks that cannot grow any more stop there, and the others go on. Feasibility of a
// set of rates is a maximum flow (source → quota groups → tasks → allowed CPUs → sink, CPUs at their
// capacities); a task can grow when the residual graph has a path from above it to the sink. When
// the tree's rates are servable as they are (the common case: no partial overlap), they stand, for
// one maximum flow. Small graphs (a scheduler's tasks and CPUs): Dinic's algorithm, floats with a
// tolerance.
import { FlowNet } from './flow-net.js';
import { computeGroupRates } from './group-rates.js';
import type { SchedGroup, SchedTask } from './group-tree.js';

/** Residual capacities below this many CPUs count as none (flows, reachability, caps). */
const EPS = 1e-12;
/** Bisection steps for the level at which the next set of tasks saturates (2⁻⁶⁰ of the range: exact to the float). */
const BISECT_STEPS = 60;


/** The problem: tasks with weights, caps, CPU sets and quota groups above them; CPUs with capacities. */
interface Problem {
  readonly weight: number[];
  readonly cap: number[];
  readonly cpus: number[][];
  /** Per task: the node above it (the source, or its innermost quota group). */
  readonly above: number[];
  /** Quota groups: node, the node above it, limit (CPUs). */
  readonly groups: { readonly node: number; readonly above: number; readonly limit: number }[];
  readonly capacity: readonly number[];
}

const SOURCE = 0;
const SINK = 1;

/** The network for rates `r`; returns it with the node of task i at `taskBase + i` and the flow. */
function network(p: Problem, r: readonly number[]): { net: FlowNet; flow: number; taskBase: number } {
  const taskBase = 2 + p.groups.length;
  const cpuBase = taskBase + r.length;
  const net = new FlowNet(cpuBase + p.capacity.length);
  for (const g of p.groups) net.add(g.above, g.node, g.limit);
  for (let i = 0; i < r.length; i++) {
    if (!(r[i]! > 0)) continue;
    net.add(p.above[i]!, taskBase + i, r[i]!);
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
 * A quick sufficient test (one pass, no flow): each task's rate spread evenly over its CPUs is a
 * flow; if it overloads no CPU nor quota, the rates are servable. Symmetric pinnings pass it.
 */
function evenlyServable(p: Problem, r: readonly number[]): boolean {
  const load = new Float64Array(p.capacity.length);
  const groupLoad = new Float64Array(p.groups.length);
  for (let i = 0; i < r.length; i++) {
    const x = r[i]!;
    if (!(x > 0)) continue;
    const cpus = p.cpus[i]!;
    if (cpus.length === 0) return false;
    for (const c of cpus) load[c] = load[c]! + x / cpus.length;
    for (let node = p.above[i]!; node !== SOURCE; node = p.groups[node - 2]!.above) groupLoad[node - 2] = groupLoad[node - 2]! + x;
  }
  for (let c = 0; c < load.length; c++) if (load[c]! > p.capacity[c]! + EPS) return false;
  for (let k = 0; k < groupLoad.length; k++) if (groupLoad[k]! > p.groups[k]!.limit + EPS) return false;
  return true;
}

/** Weighted max-min fair rates of the problem's tasks under their CPU sets (and which stopped at a quota alone). */
function fill(p: Problem): { rates: number[]; byQuota: boolean[] } {
  const n = p.weight.length;
  const byQuota = new Array<boolean>(n).fill(false);
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
    for (let k = 0; k < BISECT_STEPS && hi - lo > 1e-13 * hi; k++) {
      const mid = (lo + hi) / 2;
      if (servable(p, at(mid))) lo = mid;
      else hi = mid;
    }
    // At `lo` a set of tasks saturates: those at their cap, with no residual path to the sink (their
    // CPUs are full), or none from the source (a quota above them is used up).
    const r = at(lo);
    const { net, taskBase } = network(p, r);
    const toSink = net.reachTo(SINK);
    const fromSource = net.reachFrom(SOURCE);
    let froze = 0;
    for (let i = 0; i < n; i++) {
      if (fixed[i] !== null) continue;
      const atCap = r[i]! >= p.cap[i]! - EPS;
      const cpusFull = toSink[taskBase + i] === 0;
      const quotaFull = fromSource[p.above[i]!] === 0;
      if (atCap || cpusFull || quotaFull) {
        fixed[i] = r[i]!;
        byQuota[i] = quotaFull && !cpusFull && !atCap;
        froze++;
      }
    }
    if (froze === 0) {
      // Within the tolerance nothing is blocked: the level cannot rise further in practice.
      for (let i = 0; i < n; i++) if (fixed[i] === null) fixed[i] = r[i]!;
      break;
    }
  }
  return { rates: at(lo), byQuota };
}

/**
 * Each task's weight in the filling: its share of the tree by weights alone (the product, down its
 * path, of each entity's weight over its runnable siblings'), caps, quotas and capacities left out,
 * so that the CPUs a set of tasks is confined to are shared by their weights (shares, credit
 * weights, nice values), and a task below its fair part there keeps what it asks (max-min).
 * Leaves every `scratchRate` overwritten (`correctForAffinity` asks for it after saving what it needs).
 */
export function affinityWeights(root: SchedGroup, tasks: readonly SchedTask[]): number[] {
  // A root of 1 CPU split among caps of 1 per runnable task never binds below it: pure weight shares.
  computeGroupRates(
    root,
    (t) => (t.runnable ? 1 : 0),
    (g) => (g.parent === null ? 1 : Infinity),
  );
  return tasks.map((t) => t.scratchRate);
}

/**
 * Correct the tree's rates (`scratchRate` of `tasks`, as `computeGroupRates` left them) for CPU
 * affinity: where they are not servable CPU by CPU, replace them with the weighted max-min fair
 * rates under each task's cpuset (weights: `weightsOf()`, from `affinityWeights`, aligned with `tasks`,
 * asked only when the rates do not fit;
 * caps: `scratchCap`; the quotas of the groups above a task bound their tasks' sum when
 * `withQuotas`; a group's quota rate is `quotaOf(g)`, default its own), and the rates of the groups above them with their sums. Returns null when nothing
 * changed, else per task of `tasks` whether its rate is set by a quota alone (its group's quota is
 * used up, its CPUs are not full): the fluid model leaves such a task to its quota in the tree's
 * split, so the quota binds there as usual. One maximum flow when the rates are servable; else each
 * saturation level costs a bisection of maximum flows (tasks × CPUs edges).
 */
export function correctForAffinity(
  tasks: readonly SchedTask[],
  capacity: readonly number[],
  weightsOf: () => readonly number[],
  withQuotas: boolean,
  quotaOf: (g: SchedGroup) => number = (g) => g.quotaRate(),
): boolean[] | null {
  const live: number[] = [];
  tasks.forEach((t, i) => {
    if (t.scratchRate > 0) live.push(i);
  });
  if (live.length === 0) return null;
  const groupIndex = new Map<SchedGroup, number>();
  const groups: { node: number; above: number; limit: number }[] = [];
  const nodeOf = (g: SchedGroup | null): number => {
    // The innermost quota group at or above `g`, as a node (the source when none).
    for (let x = g; x !== null; x = x.parent) {
      if (!withQuotas || x.quota === null) continue;
      let k = groupIndex.get(x);
      if (k === undefined) {
        const above = nodeOf(x.parent);
        k = groups.length;
        groups.push({ node: 2 + k, above, limit: quotaOf(x) });
        groupIndex.set(x, k);
      }
      return 2 + k;
    }
    return SOURCE;
  };
  const r0 = live.map((i) => tasks[i]!.scratchRate);
  const p: Problem = {
    weight: [],
    cap: live.map((i) => Math.max(tasks[i]!.scratchRate, tasks[i]!.scratchCap)),
    cpus: live.map((i) => {
      const list: number[] = [];
      for (let c = 0; c < capacity.length; c++) if (tasks[i]!.group.allowed[c] && capacity[c]! > 0) list.push(c);
      return list;
    }),
    above: live.map((i) => nodeOf(tasks[i]!.group)),
    groups,
    capacity,
  };
  if (evenlyServable(p, r0) || servable(p, r0)) return null;
  // Not servable: the weights (a pass over the tree that overwrites every scratch rate), then the filling.
  const weights = weightsOf();
  live.forEach((i, k) => p.weight.push(weights[i]! > 0 ? weights[i]! : r0[k]!));
  const out = fill(p);
  const byQuota = new Array<boolean>(tasks.length).fill(false);
  // (`weightsOf` overwrote every scratch rate: the tasks out of the filling had none.)
  for (const t of tasks) t.scratchRate = 0;
  live.forEach((i, k) => {
    tasks[i]!.scratchRate = out.rates[k]!;
    byQuota[i] = out.byQuota[k]!;
  });
  // A group's rate is its tasks' sum again.
  for (const t of tasks) for (let g: SchedGroup | null = t.group; g !== null; g = g.parent) g.scratchRate = 0;
  for (const i of live) for (let g: SchedGroup | null = tasks[i]!.group; g !== null; g = g.parent) g.scratchRate += tasks[i]!.scratchRate;
  return byQuota;
}
