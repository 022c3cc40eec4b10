// The fluid model's rates, kept incrementally: generalized processor sharing with a virtual clock per
// group, so that a wake-up or a block touches the task's path to the root, not the whole tree.
//
// Every group water-fills its rate among its runnable children as `computeGroupRates` does (caps
// bottom-up, rates top-down), but stores the answer in a form that survives most changes: a child
// is either capped (it runs at its cap) or runs at weight × the group's `level`. The group's virtual
// clock integrates its level over time, so an uncapped task's service is weight × the clock's
// advance and its work runs out at a fixed clock value (`finishV`): a change of level moves no task.
// A change updates the caps and sums on the path up (stopping where a cap no longer moves and the
// parent's split cannot be affected), marks the groups whose split must be redone, and at the end of
// the instant (`flush`) redoes those splits top-down. A split costs O(1) when no cap binds (checked
// against a lower bound on the children's cap / weight). Where a cap binds, an O(depth) update is
// impossible (which children are capped depends on the level), so the group's children are
// classified again by water-filling, O(runnable children log runnable children: each group keeps a
// list of its runnable children, so idle ones are not walked); and a changed rate of a child group
// (a group went idle or runnable, or a cap binds) redoes that child's split in turn: only the
// affected subtree's groups are recomputed, never the tasks of groups whose level merely changed.
// Completions come from heaps: per group its uncapped tasks by `finishV`, and one timer queue of
// groups (their first finish) and capped tasks.
import { capacityFor, type GroupEntity, type SchedGroup, type SchedTask } from './group-tree.js';
import { IndexedMinHeap } from './indexed-heap.js';

/** Slack when rounding a finish time up to a whole µs, as the full recomputation always had. */
const FINISH_SLACK = 1e-7;
/** Float error grows with the size of the values a finish is computed from: about 45 ulps of them. */
const FINISH_SLACK_RELATIVE = 1e-14;
/** ... but a finish is never taken more than this early (µs), whatever the values' size. */
const FINISH_SLACK_MAX = 1e-3;

/**
 * Whole µs to a finish `span` µs away, computed from values as large as `magnitude` (by default the
 * span itself): rounded up, less a
 * slack for float error. The slack is relative too: a finish due on a whole µs billions of µs away
 * (a task at a tiny rate) came out a few tenths of a ppm late in one computation and early in another,
 * and the two rounded a µs apart.
 */
export function ceilFinishSpan(span: number, magnitude: number = span): number {
  return Math.max(1, Math.ceil(span - Math.min(FINISH_SLACK_MAX, Math.max(FINISH_SLACK, FINISH_SLACK_RELATIVE * magnitude))));
}

/**
 * A child's cap in its parent's split: a task its `capRate` while runnable (its demand, at most the
 * best capacity among its CPUs; else 0), a group its `cap`.
 */
export const capOf = (ch: GroupEntity): number => (ch.kind === 'task' ? (ch.runnable ? ch.capRate : 0) : ch.cap);
/** A child's weight in its parent's split: a task's nice weight, a group's load weight. */
export const weightOf = (ch: GroupEntity): number => (ch.kind === 'task' ? ch.weight : ch.loadWeight);

/** Count a runnable child (cap > 0) into its parent's sums and run list. */
export function addToSums(g: SchedGroup, ch: GroupEntity, cap: number, weight: number): void {
  joinRunList(g, ch);
  g.runnableKids++;
  g.weightSum += weight;
  g.capSum += cap;
  g.minRatio = Math.min(g.minRatio, cap / weight);
}

/** The incremental rate state of one fluid group scheduler (see the module comment). */
export class FluidRates {
  /** When something finishes next: group timers (their first uncapped task) and capped tasks, keyed by whole µs. */
  readonly timers = new IndexedMinHeap<GroupEntity>();
  /** The model's clock, µs; set by the owner before any change. */
  now = 0;
  /**
   * Since the owner last cleared it: a split was redone at a group with child groups, which may move
   * a quota's unthrottled rate anywhere below it, so the owner then checks every quota
   * (`fluid-bandwidth.ts`). A change confined to one group of tasks leaves this false.
   */
  wide = false;
  /**
   * CPUs differ in capacity, so a group's cap also depends on how many tasks below it are runnable
   * (`capacityFor`): a change then walks every cap up to the root (still O(depth)).
   */
  unequalCapacities = false;
  /** Groups with a quota whose split was redone since the owner last emptied the list. */
  readonly resplitQuotaGroups: SchedGroup[] = [];
  /** Groups whose split was redone, recorded while not null (the owner tracks rate changes). */
  resplitGroups: Set<SchedGroup> | null = null;
  private dirty: SchedGroup[] = [];
  /** The other half of `dirty`'s double buffer: a flush walks one while marks go to the other. */
  private flushing: SchedGroup[] = [];
  /** Scratch of `sortByDepth`. */
  private readonly byDepth: SchedGroup[] = [];
  private readonly scratch: (ClassifyScratch | undefined)[] = [];

  constructor(private readonly spend: (n: number) => void) {}

  /** The group's virtual clock now. */
  clock(g: SchedGroup): number {
    return g.vclock + g.level * (this.now - g.vTime);
  }

  private settleClock(g: SchedGroup): void {
    if (g.vTime === this.now) return;
    g.vclock = this.clock(g);
    g.vTime = this.now;
  }

  /** CPU µs the runnable task used since it was last accounted (not yet billed). */
  pending(task: SchedTask): number {
    if (!task.runnable) return 0;
    const ran = task.capped ? (this.now - task.mark) * task.capRate : task.weight * (this.clock(task.group) - task.mark);
    return Math.min(ran, task.work);
  }

  /** Account the task's usage up to now, and bill it to every group above it. */
  settleTask(task: SchedTask): void {
    if (!task.runnable) return;
    const used = this.pending(task);
    task.mark = task.capped ? this.now : this.clock(task.group);
    if (used > 0) {
      task.work -= used;
      this.bill(task, used);
    }
  }

  /** Add CPU µs to the task and its ancestors. */
  bill(task: SchedTask, used: number): void {
    this.spend(task.group.depth + 1);
    task.usage += used;
    for (let g: SchedGroup | null = task.group; g !== null; g = g.parent) g.usage += used;
  }

  /** A task became runnable (its `work` set): it joins its group's split, uncapped until the split says otherwise. */
  enter(task: SchedTask): void {
    const g = task.group;
    this.spend(1);
    this.settleClock(g);
    task.capped = false;
    this.startUncapped(task, g);
    addToSums(g, task, task.capRate, task.weight);
    g.changedKids.push(task);
    this.markDirty(g);
    this.propagateCap(g);
  }

  /** A runnable task stops (blocks, is removed or moved): account it, then take it out of the split. */
  leave(task: SchedTask): void {
    const g = task.group;
    this.spend(1);
    this.settleTask(task);
    if (task.capped) {
      this.spend(this.timers.levels);
      this.timers.remove(task.slot);
      g.cappedKids--;
      task.capped = false;
    } else {
      this.spend(g.finishQueue.levels);
      g.finishQueue.remove(task.slot);
    }
    dropFromRunList(g, task);
    this.markDirty(g);
    this.propagateCap(g);
  }

  /**
   * `enter` where nothing constrains: the task's group and every group above it run each runnable
   * child at its cap and still will with the task (each one's caps sum to at most what it may use),
   * and no split is pending. Leaves exactly the state `enter` and then `flush` leave (the same sums,
   * by the same float operations in the same order; the task capped from now), in O(depth) and
   * without the dirty list. Returns false, having changed nothing, where that does not hold. Only
   * the path counts: a quota, a cpuset or a contended split elsewhere in the tree does not matter
   * (a quota on the path must not bind either; its group is handed to the bandwidth checks as a
   * split of it would be).
   */
  enterUncontended(task: SchedTask): boolean {
    if (this.dirty.length > 0) return false;
    const g = task.group;
    if (g.cappedKids !== g.runnableKids) return false;
    // Check the path as `propagateCap` would walk it, on the sums it would compute.
    let sum = g.capSum + task.capRate;
    for (let x: SchedGroup = g; ; ) {
      this.spend(1);
      const room = this.unequalCapacities ? capacityFor(x, x.rawRunnable) : x.allowedCapacity;
      if (!(sum <= room && sum <= x.quotaRate() && sum > 0)) return false;
      if (sum === x.cap) break;
      const p = x.parent;
      if (p === null) break;
      if (p.cappedKids !== p.runnableKids) return false;
      sum = x.cap === 0 ? p.capSum + sum : p.capSum + (sum - x.cap);
      x = p;
    }
    // Apply: the task joins capped (as `switchTask` would make it in the split).
    this.spend(1);
    this.settleClock(g);
    task.capped = true;
    task.mark = this.now;
    task.finishV = Infinity;
    if (task.work !== Infinity) this.setTimer(task);
    joinRunList(g, task);
    g.runnableKids++;
    g.weightSum += task.weight;
    g.capSum += task.capRate;
    g.cappedKids++;
    this.splitAllCapped(g);
    for (let x: SchedGroup = g; ; ) {
      const cap = x.capSum;
      if (cap === x.cap) return true;
      const old = x.cap;
      x.cap = cap;
      x.rate = cap;
      const p = x.parent;
      if (p === null) return true;
      if (old === 0) {
        this.settleClock(x);
        joinRunList(p, x);
        p.runnableKids++;
        p.weightSum += x.loadWeight;
        p.capSum += cap;
        p.cappedKids++;
        x.capped = true;
      } else p.capSum += cap - old;
      this.splitAllCapped(p);
      x = p;
    }
  }

  /**
   * `leave` where nothing constrains, before and after (see `enterUncontended`): the same state as
   * `leave` and then `flush`, in O(depth). Returns false, having changed nothing, where that does not hold.
   */
  leaveUncontended(task: SchedTask): boolean {
    if (this.dirty.length > 0 || !task.capped) return false;
    const g = task.group;
    if (g.cappedKids !== g.runnableKids) return false;
    let kids = g.runnableKids - 1;
    let sum = kids === 0 ? 0 : g.capSum - task.capRate;
    // With unequal capacities a group's room shrinks with its runnable count: check every group up
    // to the root even where the caps stop moving.
    let moving = true;
    for (let x: SchedGroup = g; ; ) {
      this.spend(1);
      const room = this.unequalCapacities ? capacityFor(x, x.rawRunnable) : x.allowedCapacity;
      if (kids > 0 && !(sum <= room && sum <= x.quotaRate() && sum > 0)) return false;
      const p = x.parent;
      if (p === null) break;
      if (moving && sum === x.cap) {
        if (!this.unequalCapacities) break;
        moving = false;
      }
      if (moving) {
        if (p.cappedKids !== p.runnableKids) return false;
        if (kids === 0) {
          kids = p.runnableKids - 1;
          sum = kids === 0 ? 0 : p.capSum - x.cap;
        } else {
          kids = p.runnableKids;
          sum = p.capSum + (sum - x.cap);
        }
      } else {
        kids = p.runnableKids;
        sum = p.capSum;
      }
      x = p;
    }
    // Apply, as `leave` does, then the splits as `flush` would redo them (all capped).
    this.spend(1);
    this.settleTask(task);
    this.timers.remove(task.slot);
    g.cappedKids--;
    task.capped = false;
    dropFromRunList(g, task);
    this.splitAllCapped(g);
    for (let x: SchedGroup = g; ; ) {
      const cap = x.runnableKids > 0 ? x.capSum : 0;
      if (cap === x.cap) return true;
      const old = x.cap;
      x.cap = cap;
      const p = x.parent;
      if (p === null) {
        x.rate = cap;
        return true;
      }
      if (cap === 0) {
        leaveRunList(p, x);
        p.runnableKids--;
        p.weightSum -= x.loadWeight;
        p.capSum -= old;
        if (x.capped) p.cappedKids--;
        if (p.runnableKids === 0) clearSums(p);
        this.idle(x);
      } else {
        p.capSum += cap - old;
        x.rate = cap;
      }
      this.splitAllCapped(p);
      x = p;
    }
  }

  /**
   * The check half of a rebuild where nothing constrains: for every live group (`live`, children
   * before parents: every group with a runnable task below), its runnable children's sums in
   * `children` order, with each task at `capOf(task)` (its cap to be), exactly as the rebuild adds
   * them, and its cap. True when each group's caps then sum to at most what it may use, so every
   * split runs every child at its cap; `applyUncontended` then finishes. False otherwise: the sums
   * and run lists written here are the rebuild's to redo (it resets them; it reads only clocks,
   * marks and task caps, which this leaves alone). Quotas and cpusets count as the rebuild counts
   * them (a group's cap is also at most its quota rate and its cpuset's capacity).
   */
  planUncontended(live: readonly SchedGroup[], capOf: (task: SchedTask) => number): boolean {
    for (let i = 0; i < live.length; i++) {
      const g = live[i]!;
      const kids = g.runList;
      this.spend(kids.length + 1);
      this.inChildOrder(g);
      let capSum = 0;
      let weightSum = 0;
      for (let k = 0; k < kids.length; k++) {
        const ch = kids[k]!;
        if (ch.kind === 'task') {
          capSum += capOf(ch);
          weightSum += ch.weight;
        } else {
          capSum += ch.cap;
          weightSum += ch.loadWeight;
        }
      }
      const room = capacityFor(g, g.rawRunnable);
      if (!(capSum <= room && capSum <= g.quotaRate() && capSum > 0)) return false;
      g.runnableKids = kids.length;
      g.capSum = capSum;
      g.weightSum = weightSum;
      g.cap = capSum;
      // A live group its parent does not list (its cap was 0: CPUs of capacity 0) joins; the
      // parent puts its list in order when its turn comes.
      if (g.parent !== null && g.runPos < 0) joinRunList(g.parent, g);
    }
    return true;
  }

  /**
   * The apply half (after `planUncontended` said yes and the owner accounted every runnable task up
   * to now and set its cap): the state the rebuild and the flush after it would leave, every live
   * group running each child at its cap and every runnable task capped from now, in O(runnable
   * tasks + live groups + groups with a pending split).
   */
  applyUncontended(live: readonly SchedGroup[], tasks: readonly SchedTask[]): void {
    // Groups with a pending split that are not live go back to idle, as the rebuild's reset leaves them.
    for (let i = 0; i < this.dirty.length; i++) {
      const g = this.dirty[i]!;
      g.splitDirty = false;
      empty(g.changedKids);
      if (g.rawRunnable > 0) continue;
      this.spend(1);
      this.idleGroup(g);
      this.timers.remove(g.slot);
    }
    empty(this.dirty);
    for (let i = 0; i < live.length; i++) {
      const g = live[i]!;
      this.spend(1);
      this.settleClock(g);
      if (g.finishQueue.size > 0) g.finishQueue.clear();
      g.minRatio = Infinity;
      g.cappedKids = g.runnableKids;
      g.capped = g.parent !== null;
      g.level = 0;
      g.rate = g.cap;
      g.splitDirty = false;
      empty(g.changedKids);
      this.timers.remove(g.slot);
    }
    // As after a rebuild: every quota's binding state is checked again.
    this.wide = true;
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[i]!;
      task.capped = true;
      task.mark = this.now;
      task.finishV = Infinity;
      if (task.work !== Infinity) this.setTimer(task);
      else this.timers.remove(task.slot);
    }
  }

  /** What `resplit` leaves at a group whose runnable children all run at their caps (or that has none). */
  private splitAllCapped(g: SchedGroup): void {
    this.spend(1);
    this.settleClock(g);
    // What `resplit` tells the owner's bandwidth checks.
    if (g.quota !== null) this.resplitQuotaGroups.push(g);
    if (g.childGroups.size > 0) this.wide = true;
    if (g.runnableKids === 0) {
      clearSums(g);
      g.cappedKids = 0;
    }
    g.level = 0;
    g.minRatio = Infinity;
  }

  /** A capped task's finish: its remaining work at its cap, rounded up to a whole µs. */
  private setTimer(task: SchedTask): void {
    this.spend(this.timers.levels);
    this.timers.set(task.slot, this.now + ceilFinishSpan(task.work / task.capRate));
  }

  /** Its split must be redone at the next `flush`. */
  markDirty(g: SchedGroup): void {
    if (g.splitDirty) return;
    g.splitDirty = true;
    this.dirty.push(g);
  }

  /**
   * `g`'s sums changed: recompute its cap and carry the change up while caps move. A parent whose
   * split cannot change (the child stays uncapped below its new cap, no sibling capped, the
   * parent's capacity still short of its children's caps) only updates its sums.
   */
  propagateCap(g: SchedGroup): void {
    for (let x = g; ; ) {
      this.spend(1);
      // With equal capacities the runnable-count bound never binds (each task's cap is at most one
      // CPU's capacity), so the hot path skips it.
      const room = this.unequalCapacities ? capacityFor(x, x.rawRunnable) : x.allowedCapacity;
      const cap = x.runnableKids > 0 ? Math.min(room, x.quotaRate(), x.capSum) : 0;
      if (cap === x.cap) {
        if (!this.unequalCapacities || x.parent === null) return;
        x = x.parent;
        continue;
      }
      const old = x.cap;
      x.cap = cap;
      const p = x.parent;
      if (p === null) {
        // The root runs at its cap.
        this.markDirty(x);
        return;
      }
      const w = x.loadWeight;
      if (old === 0) {
        addToSums(p, x, cap, w);
        x.capped = false;
        this.settleClock(x);
        p.changedKids.push(x);
        this.markDirty(p);
      } else if (cap === 0) {
        leaveRunList(p, x);
        p.runnableKids--;
        p.weightSum -= w;
        p.capSum -= old;
        if (x.capped) p.cappedKids--;
        if (p.runnableKids === 0) clearSums(p);
        this.idle(x);
        this.markDirty(p);
      } else {
        p.capSum += cap - old;
        p.minRatio = Math.min(p.minRatio, cap / w);
        // Otherwise the split at `p` stands, and no quota's unthrottled rate moves either: lifting a
        // quota below `p` only lowers `p`'s level, under which `x` stays uncapped with either cap.
        if (x.capped || p.cappedKids > 0 || w * p.level > cap || !(p.capSum > p.rate)) {
          p.changedKids.push(x);
          this.markDirty(p);
        }
      }
      x = p;
    }
  }

  /** Nothing runnable below `g` any more: it stops, and so does its clock. */
  private idle(g: SchedGroup): void {
    this.settleClock(g);
    g.level = 0;
    g.rate = 0;
    g.capped = false;
    this.timers.remove(g.slot);
  }

  /** Redo every split marked dirty, parents before children. */
  flush(): void {
    if (this.dirty.length === 0) return;
    const list = this.dirty;
    this.dirty = this.flushing;
    sortByDepth(list, this.byDepth);
    for (let i = 0; i < list.length; i++) {
      const g = list[i]!;
      if (!g.splitDirty) continue;
      g.splitDirty = false;
      if (g.parent === null) g.rate = g.cap;
      this.resplit(g);
    }
    empty(list);
    this.flushing = list;
  }

  /** A child group's rate changed: its split follows (now, or later in this flush if it is dirty). */
  private setRate(c: SchedGroup, rate: number): void {
    if (c.rate === rate) return;
    c.rate = rate;
    if (!c.splitDirty) this.resplit(c);
  }

  /** Split `g.rate` among its runnable children: O(1) when no cap binds, else water-fill them again. */
  resplit(g: SchedGroup): void {
    this.spend(1);
    this.settleClock(g);
    if (g.quota !== null) this.resplitQuotaGroups.push(g);
    if (this.resplitGroups !== null) this.resplitGroups.add(g);
    const hasGroups = g.childGroups.size > 0;
    if (hasGroups) this.wide = true;
    const rate = g.rate;
    const changed = g.changedKids;
    if (g.runnableKids === 0) {
      // Nothing runnable below: nothing to split (what classify would find, without visiting every child).
      empty(changed);
      clearSums(g);
      g.cappedKids = 0;
      g.level = 0;
    } else if (rate > 0 && g.capSum <= rate && this.capChanged(g, changed)) {
      // Every runnable child runs at its cap (the capacity exceeds their caps' sum): only the
      // children that changed need looking at; the others were capped already and stay so.
      empty(changed);
      g.level = 0;
      g.minRatio = Infinity;
    } else if (g.cappedKids === 0 && g.capSum > rate && rate > 0 && rate / g.weightSum <= g.minRatio) {
      empty(changed);
      g.level = rate / g.weightSum;
      if (hasGroups) for (const c of g.childGroups.values()) if (c.cap > 0) this.setRate(c, c.loadWeight * g.level);
    } else {
      empty(changed);
      this.classify(g, rate);
    }
    this.updateTimer(g);
  }

  /**
   * The all-capped shortcut: cap every changed runnable child (and give a child group its cap as
   * rate); true when every runnable child is then capped, i.e. the others were capped before.
   * When false the caller classifies all children, which redoes these flags from scratch.
   */
  private capChanged(g: SchedGroup, changed: readonly (SchedTask | SchedGroup)[]): boolean {
    this.spend(changed.length + 1);
    for (const ch of changed) {
      if ((ch.kind === 'task' ? ch.group : ch.parent) !== g || !(capOf(ch) > 0)) continue;
      if (!ch.capped) g.cappedKids++;
      if (ch.kind === 'task') this.switchTask(ch, g, true);
      else {
        ch.capped = true;
        this.setRate(ch, ch.cap);
      }
    }
    return g.cappedKids === g.runnableKids;
  }

  /**
   * The slow split: which runnable children run at their cap, and the level of the others, exactly
   * as `waterFill` finds them (lowest cap / weight saturates first, ties by position). Children that
   * change side are accounted up to now first.
   */
  private classify(g: SchedGroup, rate: number): void {
    // (called with g.changedKids already cleared: this pass looks at every runnable child, in
    // `children` order; nothing below changes the list)
    const kids = g.runList;
    this.spend(kids.length + 1);
    this.inChildOrder(g);
    let capSum = 0;
    let weightSum = 0;
    for (const ch of kids) {
      capSum += capOf(ch);
      weightSum += weightOf(ch);
    }
    // Resynchronise the running sums (caps may be fractions) with their exact values.
    g.capSum = capSum;
    g.weightSum = weightSum;
    const n = kids.length;
    const sc = this.scratchAt(g.depth, n);
    const cappedFlags = sc.flags;
    cappedFlags.fill(0, 0, n);
    let level = 0;
    let minRatio = Infinity;
    if (n > 0 && rate > 0) {
      if (capSum <= rate) cappedFlags.fill(1, 0, n);
      else {
        // Children by cap / weight, ties by position: a stable sort of positions (no objects).
        const { order, ratio, suffix } = sc;
        for (let i = 0; i < n; i++) {
          order[i] = i;
          ratio[i] = capOf(kids[i]!) / weightOf(kids[i]!);
        }
        sortByRatio(order, ratio, n, sc.tmp);
        suffix[n] = 0;
        for (let k = n - 1; k >= 0; k--) suffix[k] = suffix[k + 1]! + weightOf(kids[order[k]!]!);
        let remaining = rate;
        let k = 0;
        for (; k < n; k++) {
          level = remaining / suffix[k]!;
          const i = order[k]!;
          if (ratio[i]! > level) break;
          cappedFlags[i] = 1;
          remaining = Math.max(0, remaining - capOf(kids[i]!));
        }
        if (k === n) level = 0;
        else minRatio = ratio[order[k]!]!;
      }
    } else for (const ch of kids) minRatio = Math.min(minRatio, capOf(ch) / weightOf(ch));
    let cappedKids = 0;
    for (let i = 0; i < n; i++) {
      const ch = kids[i]!;
      const capped = cappedFlags[i] === 1;
      if (capped) cappedKids++;
      if (ch.kind === 'task') this.switchTask(ch, g, capped);
      else ch.capped = capped;
    }
    g.cappedKids = cappedKids;
    g.minRatio = minRatio;
    g.level = level;
    for (let i = 0; i < kids.length; i++) {
      const ch = kids[i]!;
      if (ch.kind === 'group') this.setRate(ch, ch.capped ? ch.cap : ch.loadWeight * level);
    }
  }

  /** Put `g.runList` in `children` order (by `attachSeq`), as the split's sums and tie-breaks need. */
  private inChildOrder(g: SchedGroup): void {
    const list = g.runList;
    const n = list.length;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = list[i - 1]!.attachSeq < list[i]!.attachSeq;
    if (sorted) return;
    const sc = this.scratchAt(g.depth, n);
    const { order, ratio: key } = sc;
    for (let i = 0; i < n; i++) {
      order[i] = i;
      key[i] = list[i]!.attachSeq;
    }
    sortByRatio(order, key, n, sc.tmp);
    const copy = sc.entities;
    for (let i = 0; i < n; i++) copy[i] = list[order[i]!]!;
    for (let i = 0; i < n; i++) {
      const ch = copy[i]!;
      list[i] = ch;
      ch.runPos = i;
    }
    empty(copy);
  }

  /** `classify`'s working arrays for a split at `depth` of `n` children (reused, grown as needed). */
  private scratchAt(depth: number, n: number): ClassifyScratch {
    let sc = this.scratch[depth];
    if (sc === undefined || sc.flags.length < n + 1) {
      const size = Math.max(16, 2 * n + 1);
      sc = { flags: new Uint8Array(size), order: new Int32Array(size), tmp: new Int32Array(size), ratio: new Float64Array(size), suffix: new Float64Array(size), entities: [] };
      this.scratch[depth] = sc;
    }
    return sc;
  }

  /** Move a task between the capped side (its `capRate`, a timer of its own) and the uncapped side (the group's clock). */
  private switchTask(task: SchedTask, g: SchedGroup, capped: boolean): void {
    if (task.capped === capped) return;
    this.settleTask(task);
    task.capped = capped;
    if (capped) {
      g.finishQueue.remove(task.slot);
      task.finishV = Infinity;
      task.mark = this.now;
      if (task.work !== Infinity) this.timers.set(task.slot, this.now + ceilFinishSpan(task.work / task.capRate));
    } else {
      this.timers.remove(task.slot);
      this.startUncapped(task, g);
    }
  }

  /** After `reset`: a runnable task starts over uncapped on its group's clock. */
  restart(task: SchedTask): void {
    task.capped = false;
    this.startUncapped(task, task.group);
  }

  /** Anchor an uncapped task on its group's clock (settled to now) and queue its finish. */
  private startUncapped(task: SchedTask, g: SchedGroup): void {
    task.mark = g.vclock;
    if (task.work === Infinity) {
      task.finishV = Infinity;
      return;
    }
    task.finishV = g.vclock + task.work / task.weight;
    this.spend(g.finishQueue.levels);
    g.finishQueue.set(task.slot, task.finishV);
  }

  /** Re-arm the group's timer for its first uncapped task to finish (its clock is settled to now). */
  private updateTimer(g: SchedGroup): void {
    const first = g.finishQueue.top();
    if (first === undefined || !(g.level > 0)) {
      this.timers.remove(g.slot);
      return;
    }
    g.timerAt = this.now;
    g.timerV = g.vclock;
    this.spend(this.timers.levels);
    this.timers.set(g.slot, this.finishTime(g, first.owner));
  }

  /** The whole µs at which an uncapped task of `g` finishes, from the group's timer anchor. */
  finishTime(g: SchedGroup, task: SchedTask): number {
    return g.timerAt + ceilFinishSpan((task.finishV - g.timerV) / g.level, (Math.abs(task.finishV) + Math.abs(g.timerV)) / g.level);
  }

  /** The current rate of a runnable task in CPUs. */
  taskRate(task: SchedTask): number {
    if (!task.runnable) return 0;
    return task.capped ? task.capRate : task.weight * task.group.level;
  }

  /** Forget every split and sum (before a rebuild), after accounting every runnable task up to now. */
  /** `g` has no runnable task: its clock settled, its run list, sums, cap and rate back to an idle group's. */
  private idleGroup(g: SchedGroup): void {
    this.settleClock(g);
    g.finishQueue.clear();
    clearSums(g);
    for (const ch of g.runList) ch.runPos = -1;
    empty(g.runList);
    g.cap = 0;
    g.cappedKids = 0;
    g.capped = false;
    g.level = 0;
    g.rate = 0;
  }

  reset(groups: Iterable<SchedGroup>): void {
    this.timers.clear();
    this.dirty = [];
    for (const g of groups) {
      this.idleGroup(g);
      g.splitDirty = false;
    }
  }
}

/** Working arrays of one `classify` (per depth): capped flags, positions by ratio, ratios, weight suffix sums. */
interface ClassifyScratch {
  readonly flags: Uint8Array;
  readonly order: Int32Array;
  readonly tmp: Int32Array;
  readonly ratio: Float64Array;
  readonly suffix: Float64Array;
  readonly entities: GroupEntity[];
}

/**
 * Sort positions `order[0..n)` by `ratio[position]` (any key), stably (so ties stay by position): insertion
 * sort for short runs, merged bottom-up. The same order as sorting by (ratio, position).
 */
function sortByRatio(order: Int32Array, ratio: Float64Array, n: number, tmp: Int32Array): void {
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const x = order[i]!;
      const r = ratio[x]!;
      let j = i - 1;
      for (; j >= lo && ratio[order[j]!]! > r; j--) order[j + 1] = order[j]!;
      order[j + 1] = x;
    }
  }
  let src = order;
  let dst = tmp;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let a = lo;
      let b = mid;
      let k = lo;
      // Take from the left run on ties: stable.
      while (a < mid && b < hi) dst[k++] = ratio[src[b]!]! < ratio[src[a]!]! ? src[b++]! : src[a++]!;
      while (a < mid) dst[k++] = src[a++]!;
      while (b < hi) dst[k++] = src[b++]!;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== order) order.set(src.subarray(0, n));
}

/** Add `ch` to `g.runList` (O(1)). */
function joinRunList(g: SchedGroup, ch: GroupEntity): void {
  ch.runPos = g.runList.length;
  g.runList.push(ch);
}

/** Take `ch` out of `g.runList` (O(1): the last entry takes its place). */
function leaveRunList(g: SchedGroup, ch: GroupEntity): void {
  const list = g.runList;
  const i = ch.runPos;
  if (i < 0 || list[i] !== ch) return;
  const last = list.pop()!;
  if (last !== ch) {
    list[i] = last;
    last.runPos = i;
  }
  ch.runPos = -1;
}

/** Empty a list in place, keeping its storage (setting `length = 0` drops it, and costs a runtime call). */
function empty(list: unknown[]): void {
  while (list.length > 0) list.pop();
}

/** `task` no longer runs in `g`: off its run list, out of its sums (an emptied group's sums reset to 0). */
function dropFromRunList(g: SchedGroup, task: SchedTask): void {
  task.finishV = Infinity;
  leaveRunList(g, task);
  g.runnableKids--;
  g.weightSum -= task.weight;
  g.capSum -= task.capRate;
  if (g.runnableKids === 0) clearSums(g);
}

function clearSums(g: SchedGroup): void {
  g.runnableKids = 0;
  g.weightSum = 0;
  g.capSum = 0;
  g.minRatio = Infinity;
}

/** Below this many, an insertion sort (a change's path is a few groups); above, counting by depth. */
const INSERTION_SORT_MAX = 32;

/**
 * Sort `list` by depth, stably (equal depths keep their order), in place; `scratch` is reused. A
 * change's path is short and an insertion sort costs least there; a burst of changes at one instant
 * (thousands of VMs added) made it quadratic, with groups of two depths interleaved, so a long list is
 * counted by depth instead: O(n + the deepest depth).
 */
export function sortByDepth(list: SchedGroup[], scratch: SchedGroup[]): void {
  const n = list.length;
  if (n <= INSERTION_SORT_MAX) {
    for (let i = 1; i < n; i++) {
      const g = list[i]!;
      let j = i - 1;
      for (; j >= 0 && list[j]!.depth > g.depth; j--) list[j + 1] = list[j]!;
      list[j + 1] = g;
    }
    return;
  }
  let deepest = 0;
  for (let i = 0; i < n; i++) if (list[i]!.depth > deepest) deepest = list[i]!.depth;
  const start = new Int32Array(deepest + 2);
  for (let i = 0; i < n; i++) start[list[i]!.depth + 1]!++;
  for (let d = 1; d <= deepest + 1; d++) start[d]! += start[d - 1]!;
  scratch.length = n;
  for (let i = 0; i < n; i++) {
    const g = list[i]!;
    scratch[start[g.depth]!++] = g;
  }
  for (let i = 0; i < n; i++) list[i] = scratch[i]!;
  scratch.length = 0;
}
