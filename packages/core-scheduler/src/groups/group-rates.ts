// Generalized processor sharing over a group tree: weighted max-min fair rates with caps at every
// level. The fluid model's answer, and the exact model's reference for each task's lag.
import { waterFill } from '../fair-share/water-filling.js';
import type { SchedGroup, SchedTask } from './group-tree.js';

/**
 * Write `scratchCap` and `scratchRate` (CPUs) on every node under `root`. Caps bottom-up: a task
 * `taskCap(t)`; a group min(`groupLimit(g)`, the sum of its children's caps). Rates top-down: the
 * root runs at its cap; each group water-fills its rate among its children, tasks weighted by nice
 * weight and groups by load weight (one scale: 1024 = nice 0 = cpu.shares 1024).
 */
export function computeGroupRates(root: SchedGroup, taskCap: (t: SchedTask) => number, groupLimit: (g: SchedGroup) => number): void {
  fill(root, capOf(root, taskCap, groupLimit));
}

function capOf(g: SchedGroup, taskCap: (t: SchedTask) => number, groupLimit: (g: SchedGroup) => number): number {
  let sum = 0;
  for (const ch of g.children) {
    if (ch.kind === 'task') ch.scratchCap = taskCap(ch);
    else capOf(ch, taskCap, groupLimit);
    sum += ch.scratchCap;
  }
  g.scratchCap = Math.min(sum, groupLimit(g));
  return g.scratchCap;
}

function fill(g: SchedGroup, rate: number): void {
  g.scratchRate = rate;
  const kids = g.children;
  const shares = rate > 0 ? split(rate, kids) : [];
  kids.forEach((ch, i) => {
    const r = shares[i] ?? 0;
    if (ch.kind === 'task') ch.scratchRate = r;
    else fill(ch, r);
  });
}

const weightOf = (ch: SchedGroup | SchedTask): number => (ch.kind === 'task' ? ch.weight : ch.loadWeight);

/** `waterFill(rate, children)`, with the two common cases answered in one pass: nothing or no cap binds. */
function split(rate: number, kids: readonly (SchedGroup | SchedTask)[]): number[] {
  let capSum = 0;
  let weightSum = 0;
  for (const ch of kids) {
    if (ch.scratchCap <= 0) continue;
    capSum += ch.scratchCap;
    weightSum += weightOf(ch);
  }
  // Everyone gets its cap (the parent's rate is the sum of its children's caps or less).
  if (capSum <= rate) return kids.map((ch) => Math.max(0, ch.scratchCap));
  const proportional = kids.map((ch) => (ch.scratchCap > 0 ? (rate * weightOf(ch)) / weightSum : 0));
  if (proportional.every((r, i) => r <= kids[i]!.scratchCap)) return proportional;
  return waterFill(rate, kids.map((ch) => ({ weight: weightOf(ch), cap: ch.scratchCap })));
}
