// Bandwidth counters of the fluid model: whether a group's quota binds (and how hard), and the
// period timer expiries it counts, computed in closed form from the rates rather than simulated.
import { waterFill } from '../fair-share/water-filling.js';
import { capOf, weightOf } from './fluid-rates.js';
import { capacityFor, type SchedGroup } from './group-tree.js';

/** Relative slack when comparing a rate with a quota rate (float rounding of the water level). */
const EPS = 1e-9;

/**
 * Period timer expiries at anchor + k·period in (t0, t1], with the group's runnable count, timer
 * and binding state constant in between (the model catches up before changing any of them), follow
 * the exact model's timer: while a task is runnable each expiry counts (throttled if the quota
 * binds); asleep, the timer counts the expiry that ends a period with nothing requested and stops,
 * so at most two expiries count (the first one when the period before it saw a request). Like the
 * kernel's `throttled_time` (added at unthrottle, i.e. at the period refresh), a period's throttled
 * time becomes visible when the period ends: it accrues in `pendingThrottledUsec` meanwhile, so a
 * partial last period adds nothing yet. Counting (t0, s] then (s, t1] equals counting (t0, t1].
 */
export function countPeriods(g: SchedGroup, t0: number, t1: number): void {
  const crossed = Math.floor((t1 - g.anchor) / g.period) - Math.floor((t0 - g.anchor) / g.period);
  const perUsec = g.binding ? g.throttleFraction * g.throttleWidth : 0;
  if (crossed > 0) {
    if (g.timerActive && g.rawRunnable > 0) {
      g.nrPeriods += crossed;
      if (g.binding) g.nrThrottled += crossed;
      g.requestedInPeriod = true;
    } else if (g.timerActive) {
      // Asleep: the first expiry counts and stops the timer if its period saw no request; if it
      // did, that expiry marks the next period idle, and the next expiry counts and stops it.
      g.nrPeriods++;
      if (g.requestedInPeriod && crossed === 1) g.requestedInPeriod = false;
      else {
        if (g.requestedInPeriod) g.nrPeriods++;
        g.requestedInPeriod = false;
        g.timerActive = false;
      }
    }
    const lastStart = t1 - ((((t1 - g.anchor) % g.period) + g.period) % g.period);
    g.throttledUsec += g.pendingThrottledUsec + (lastStart - t0) * perUsec;
    g.pendingThrottledUsec = (t1 - lastStart) * perUsec;
  } else {
    g.pendingThrottledUsec += (t1 - t0) * perUsec;
  }
}

/** Bring a group's bandwidth counters up to `now` (a group without a quota counts nothing). */
export function catchUpPeriods(g: SchedGroup, now: number): void {
  if (g.quota !== null && now > g.periodsAt) countPeriods(g, g.periodsAt, now);
  g.periodsAt = now;
}

/**
 * Decide whether `q`'s quota binds now, from its current rate and the rate it would get without its
 * quota: the on/off pattern runs at that rate, then stops, so it is throttled 1 − quota rate / that
 * rate of the time. Precondition: its counters are caught up to now. `spend` counts the work.
 */
export function recheckBinding(q: SchedGroup, spend: (n: number) => void): void {
  spend(1);
  q.binding = false;
  const quotaRate = q.quotaRate();
  if (q.rate <= 0 || q.rate < quotaRate * (1 - EPS)) return;
  // Its tasks carry their on/off phase split as caps (summing to the quota): the phases' U says.
  const unthrottled = q.phaseUnthrottled > 0 ? q.phaseUnthrottled : unthrottledRate(q, spend);
  if (unthrottled > quotaRate * (1 + EPS)) {
    q.binding = true;
    q.throttleFraction = 1 - quotaRate / unthrottled;
    q.throttleWidth = Math.min(q.rawRunnable, q.allowedCount);
  }
}

/**
 * The rate `q` (runnable) would get if its quota were lifted and nothing else changed: its cap
 * rises, which changes caps up the path while they move, and the splits on the path from there
 * down are redone with the new caps (each O(children)); the rest of the tree is as it is.
 */
function unthrottledRate(q: SchedGroup, spend: (n: number) => void): number {
  const free = Math.min(capacityFor(q, q.rawRunnable), q.capSum);
  if (free === q.cap) return q.rate;
  const path: SchedGroup[] = [];
  const caps: number[] = [];
  let x = q;
  let cap = free;
  let rate: number;
  for (;;) {
    spend(1);
    path.push(x);
    caps.push(cap);
    const p = x.parent!;
    const parentCap = Math.min(capacityFor(p, p.rawRunnable), p.quotaRate(), p.capSum - x.cap + cap);
    if (p.parent === null) {
      rate = parentCap; // the root runs at its cap
      break;
    }
    if (parentCap === p.cap) {
      rate = p.rate;
      break;
    }
    x = p;
    cap = parentCap;
  }
  for (let i = path.length - 1; i >= 0; i--) rate = shareOf(path[i]!.parent!, rate, path[i]!, caps[i]!, spend);
  return rate;
}

/** `child`'s share when `p` splits `rate` with `child`'s cap replaced by `childCap` (the full model's split). */
function shareOf(p: SchedGroup, rate: number, child: SchedGroup, childCap: number, spend: (n: number) => void): number {
  if (!(rate > 0)) return 0;
  const kids = p.children;
  spend(kids.length);
  const caps = kids.map((ch) => (ch === child ? childCap : capOf(ch)));
  let capSum = 0;
  let weightSum = 0;
  kids.forEach((ch, i) => {
    if (caps[i]! <= 0) return;
    capSum += caps[i]!;
    weightSum += weightOf(ch);
  });
  if (capSum <= rate) return childCap;
  const at = kids.indexOf(child);
  if (kids.every((ch, i) => caps[i]! <= 0 || (rate * weightOf(ch)) / weightSum <= caps[i]!)) return (rate * weightOf(child)) / weightSum;
  return waterFill(rate, kids.map((ch, i) => ({ weight: weightOf(ch), cap: Math.max(0, caps[i]!) })))[at]!;
}
