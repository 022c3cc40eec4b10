// Incremental weighted max-min: after a change, redo progressive filling only where the change
// reaches, reusing every rate it provably leaves alone.
//
// Progressive filling raises one water level λ; a flow's rate is min(cap, weight·λ) until a link on
// its path saturates or it reaches its cap, and then it freezes. Each flow remembers the level it
// froze at and the link that froze it (its bottleneck; null for its own cap). A repair sweeps λ
// upward again, but simulates only "dirty" links — those whose flows, capacity or bound sum changed,
// and every link of a flow whose rate turns out to change. A link that stays clean up to level λ has,
// up to λ, exactly the frozen flows and load it had before, so it saturates where it did and freezes
// the same flows at the same rates: nothing on it needs redoing. A flow on a dirty link is therefore
// PINNED at its old level: when λ reaches that level it freezes at its old rate if its bottleneck is
// clean (or still saturates there), else it rises on (ACTIVE) and dirties its links. A dirty link that
// saturates first freezes its flows lower, dirtying their links. Marking a link dirty more often than
// needed only costs time: a dirty link is simulated from the true state, so a sweep in which every
// link were dirty would be the plain progressive fill. The work is proportional to the flows on the
// links the change reaches, not to the coupled component.
//
// Rates are floats summed in a different order than a full fill would sum them, so "the same rate"
// means equal within SAME_RATE (relative); a rate within it keeps its old value bit for bit, which
// stops float noise from spreading as change. Rates agree with a full fill within 1e-9 of the
// capacities involved (what the property tests hold them to; typically far closer).
import { FillHeap } from './fill-heap.js';
import { ACTIVE, FROZEN, PINNED, type FlowRec, type LinkRec } from './records.js';

/** Relative difference under which a recomputed rate or level counts as unchanged. */
const SAME_RATE = 1e-12;
// A link whose flows' rate bounds sum below this fraction of its capacity never saturates (the
// margin absorbs float rounding in the running sum), so it carries no change and is not simulated.
const COUPLING_MARGIN = 1 - 1e-9;

const LINK = 0;
const CAP = 1;
const PIN = 2;

/** Whether link `l` can saturate, i.e. couple its flows' rates. */
export function coupling(l: LinkRec): boolean {
  // At capacity 0 the margin is 0 and a float residue in boundSum (bounds added then removed) can
  // fall below it; a zero-capacity link with flows always saturates (at level 0), so it couples.
  if (l.capacity === 0) return l.flows.length > 0;
  return !(l.boundSum < l.capacity * COUPLING_MARGIN);
}

/** Whether `l` is (or may be, up to float rounding) fully used: only then can it be a bottleneck. */
export function saturated(l: LinkRec): boolean {
  // `load` is a running float sum and may sit a hair below 0: a zero-capacity link with flows is
  // always saturated (at level 0), whatever the residue says.
  if (l.flows.length === 0) return false;
  return l.capacity === 0 || !(l.load < l.capacity * COUPLING_MARGIN);
}

function sameRate(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= SAME_RATE * Math.max(Math.abs(a), Math.abs(b));
}

/** Reusable sweep state: the event heap, the sweep counter and the list of flows frozen. */
export class MaxMinRepair {
  private readonly heap = new FillHeap();
  private readonly frozen: FlowRec[] = [];
  private sweepId = 0;
  private level = 0;
  private unfrozen = 0;

  /**
   * Repair rates after a change: `seeds` are links that may have been a bottleneck and whose flows,
   * capacity or bound sum changed (simulated even if they no longer couple), `added` are new
   * flows (no old level). Returns the flows settled in the sweep, each with `next`, `nextLevel` and
   * `nextBottleneck` set; `next === rate` bit for bit when its rate did not change. Every other flow
   * keeps its rate. The returned array is reused by the next call.
   */
  run(seeds: readonly LinkRec[], added: readonly FlowRec[]): readonly FlowRec[] {
    const sid = ++this.sweepId;
    this.level = 0;
    this.unfrozen = 0;
    this.frozen.length = 0;
    this.heap.clear();
    for (const f of added) {
      f.sweep = sid;
      f.state = ACTIVE;
      this.unfrozen++;
      if (f.cap !== Infinity) this.heap.set(f.cap / f.weight, CAP, f.seq, f);
    }
    for (const l of seeds) if (l.sweep !== sid) this.markDirty(l, sid);
    for (const f of added) this.dirtyPath(f, sid, f.bound);
    const h = this.heap;
    while (h.size > 0) {
      const level = h.topLevel();
      const kind = h.topKind();
      const ref = h.topRef();
      h.pop();
      if (level > this.level) this.level = level;
      if (kind === LINK) {
        const l = ref as LinkRec;
        if (l.ac === 0) continue;
        // Keys are lazy lower bounds (see project): saturate only if the level still holds.
        const p = this.projection(l);
        if (p > this.level) h.set(p, LINK, l.index, l);
        else this.saturate(l, sid);
      }
      else if (kind === CAP) {
        const f = ref as FlowRec;
        if (f.state === ACTIVE) this.freeze(f, f.cap, f.cap / f.weight, null, sid);
      } else this.reachOldLevel(ref as FlowRec, sid);
    }
    if (this.unfrozen !== 0) throw new Error(`flow rate repair: ${this.unfrozen} flows left unfrozen (internal invariant broken)`);
    return this.frozen;
  }

  /** Start simulating `l` at the current level: account what is frozen below it, pin the rest at their old levels. */
  private markDirty(l: LinkRec, sid: number): void {
    const t = this.level;
    l.sweep = sid;
    let used = 0;
    let aw = 0;
    let ac = 0;
    const fl = l.flows;
    for (let k = 0; k < fl.length; k++) {
      const f = fl[k]!;
      if (f.sweep === sid) {
        if (f.state === FROZEN) used += f.next;
        else {
          aw += f.weight;
          ac++;
        }
      } else if (f.level < t) {
        // Untouched below t: all its links were clean up to its level, so it froze as before.
        used += f.rate;
      } else {
        f.sweep = sid;
        f.state = PINNED;
        this.unfrozen++;
        this.heap.set(f.level, PIN, f.seq, f);
        aw += f.weight;
        ac++;
      }
    }
    l.used = used;
    l.aw = aw;
    l.ac = ac;
    this.project(l);
  }

  /**
   * `f`'s rate changes from the current level on: dirty the links of its path that this can
   * affect. A saturated link is a bottleneck, so it is dirtied. An unsaturated one is no flow's
   * bottleneck and stays irrelevant while it cannot saturate: when `f` falls, its slack only grows;
   * when `f` rises, by at most `maxRise`, it is dirtied only once the rises of this sweep could
   * exceed its slack. This keeps a lightly loaded fabric link out of most sweeps.
   */
  private dirtyPath(f: FlowRec, sid: number, maxRise: number): void {
    const path = f.path;
    for (let k = 0; k < path.length; k++) {
      const l = path[k]!;
      if (l.sweep === sid || !coupling(l)) continue;
      if (saturated(l)) {
        this.markDirty(l, sid);
        continue;
      }
      if (maxRise <= 0) continue;
      if (l.riseSweep !== sid) {
        l.riseSweep = sid;
        l.rise = 0;
      }
      l.rise += maxRise;
      if (l.rise >= (l.capacity - l.load) * COUPLING_MARGIN) this.markDirty(l, sid);
    }
  }

  /**
   * Place `l`'s saturation event at the level where its load reaches capacity. The key is then left
   * alone as flows freeze: a flow freezing at level x ≤ the projection λ turns (cap − used) / aw =
   * λ into (aw·λ − w·x) / (aw − w) ≥ λ, so the key stays a lower bound and is refreshed when popped.
   */
  private project(l: LinkRec): void {
    if (l.ac > 0) this.heap.set(this.projection(l), LINK, l.index, l);
  }

  /** `l` saturates at the current level: freeze its rising and pinned flows there. */
  private saturate(l: LinkRec, sid: number): void {
    const level = this.level;
    const fl = l.flows;
    for (let k = 0; k < fl.length && l.ac > 0; k++) {
      const f = fl[k]!;
      if (f.sweep !== sid || f.state === FROZEN) continue;
      const rate = Math.min(f.cap, f.weight * level);
      if (f.state === PINNED) {
        if (sameRate(rate, f.rate)) {
          // Same rate, but `l` is now what holds it: the old bottleneck may have stopped saturating.
          this.freeze(f, f.rate, f.level, rate === f.cap ? null : l, sid);
          continue;
        }
        // Stopped below its old level: its other links see a lower rate from here on.
        if (f.hpos >= 0) this.heap.remove(f);
        this.dirtyPath(f, sid, 0);
      }
      this.freeze(f, rate, rate === f.cap ? f.cap / f.weight : level, rate === f.cap ? null : l, sid);
    }
  }

  /** A pinned flow reaches its old level: it freezes there unless its bottleneck changed. */
  private reachOldLevel(f: FlowRec, sid: number): void {
    if (f.state !== PINNED) return;
    const b = f.bottleneck;
    if (b === null || b.sweep !== sid || sameRate(f.weight * this.projection(b), f.rate)) {
      this.freeze(f, f.rate, f.level, b, sid);
      return;
    }
    // Its bottleneck now saturates higher (or not at all): it rises on, and its links feel it.
    f.state = ACTIVE;
    if (f.cap !== Infinity) this.heap.set(Math.max(this.level, f.cap / f.weight), CAP, f.seq, f);
    this.dirtyPath(f, sid, f.bound - f.rate);
  }

  private projection(l: LinkRec): number {
    return l.ac > 0 ? Math.max(this.level, Math.max(0, l.capacity - l.used) / l.aw) : Infinity;
  }

  private freeze(f: FlowRec, rate: number, level: number, bottleneck: LinkRec | null, sid: number): void {
    f.state = FROZEN;
    f.next = rate;
    f.nextLevel = level;
    f.nextBottleneck = bottleneck;
    this.frozen.push(f);
    this.unfrozen--;
    if (f.hpos >= 0) this.heap.remove(f);
    const path = f.path;
    for (let k = 0; k < path.length; k++) {
      const l = path[k]!;
      if (l.sweep !== sid) continue;
      l.used += rate;
      l.aw -= f.weight;
      l.ac--;
    }
  }
}
