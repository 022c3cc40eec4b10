// The driving pattern (ARCHITECTURE.md, "Driving models"): every passive model the datacenter owns
// keeps exactly one pending core-sim event at its `nextEventTime()`. When it fires, the model is
// advanced to the simulation's now and re-armed; a command that touches a model first brings it to now
// (`sync`), applies, then re-arms it, so the queue always holds the model's true next instant.
//
// A host's slot may instead run in a `HostLane` (host-lane.ts): no queue event; the lane runs it
// ahead to the next queue event, on its own. Everything else (sync, flush, re-arm) is the same.
import type { EventKey, Simulation } from '@strata/core-sim';
import { HeapSlot } from '@strata/core-scheduler';
import type { HostLane, LaneEntry } from './host-lane.js';

/** What a slot drives: a passive model seen through two calls. */
export interface DrivenModel {
  nextEventTime(): number;
  /** Run to `time` (≥ the model's now); whatever it reports is handled inside (events go to the sink). */
  advanceTo(time: number): void;
}

/** One model's place in the event queue (or in a host lane). */
export class ModelSlot implements LaneEntry {
  private key: EventKey | null = null;
  private at = Infinity;
  /** Time the model was last advanced to. */
  private synced: number;
  /** The queue handler and options, made once (a slot re-arms at nearly every event of its model). */
  private readonly onFire = (): void => this.fire();
  private readonly options: { readonly label: string; readonly priority: number };
  /** Its place in the host lane (unused without one). */
  readonly lane: HeapSlot<LaneEntry> = new HeapSlot<LaneEntry>(this);
  /** Read the host at a sampling instant the lane takes it past (the model is at that instant), or null. */
  onSample: ((time: number) => void) | null = null;
  /** The next sampling instant this host has not been read at. */
  private sampleNext = 0;

  constructor(
    private readonly sim: Simulation,
    readonly model: DrivenModel,
    /** Trace label of its event (for the queue's trace). */
    label: string,
    /** Same-time ordering class of its event. */
    priority = 0,
    /** The lane that runs it ahead instead of the queue (hosts only), or null. */
    private readonly hostLane: HostLane | null = null,
  ) {
    this.synced = sim.now();
    this.options = { label, priority };
  }

  /** The time the model was last advanced to (past the simulation's now while the lane runs it ahead). */
  get advancedTo(): number {
    return this.synced;
  }

  /** Bring the model to the simulation's now (before a command or a read). */
  sync(): void {
    const now = this.sim.now();
    if (now > this.synced) {
      this.synced = now;
      this.model.advanceTo(now);
    }
  }

  /** Advance the model to now even if it is there already: facts of a command just applied come out at their instant. */
  flush(): void {
    this.synced = this.sim.now();
    this.model.advanceTo(this.synced);
  }

  /** Keep one pending event at the model's next-event time (cancel the old one when it moved). */
  rearm(): void {
    const next = this.model.nextEventTime();
    const now = this.sim.now();
    const t = next === Infinity ? Infinity : Math.max(now, Math.ceil(next));
    if (this.hostLane !== null) {
      this.hostLane.place(this, t);
      return;
    }
    if (t === this.at && this.key !== null) return;
    if (this.key !== null) this.sim.cancel(this.key);
    this.key = null;
    this.at = t;
    if (t === Infinity) return;
    this.key = this.sim.at(t, this.onFire, this.options);
  }

  /** Drop the pending event for good (the model is gone). */
  dispose(): void {
    this.hostLane?.remove(this);
    if (this.key !== null) this.sim.cancel(this.key);
    this.key = null;
    this.at = Infinity;
  }

  /** The lane runs it: every event at times ≤ `until` (at most `budget`), then it is placed again. */
  runAhead(until: number, budget: number): number {
    const lane = this.hostLane!;
    const sampling = this.onSample === null ? null : lane.sampling;
    // Sampling instants to read the host at on the way: from the first not yet assembled, up to the
    // pass's limit, each after the host's steps at that instant and before its later ones.
    let s = Infinity;
    let limit = -Infinity;
    if (sampling !== null) {
      if (this.sampleNext < sampling.next) this.sampleNext = sampling.next;
      s = this.sampleNext;
      limit = Math.min(until, sampling.limit);
    }
    let steps = 0;
    let t = this.lane.key;
    while (t <= until && steps < budget) {
      while (s < t && s <= limit) s = this.takeSample(s, sampling!.interval);
      steps++;
      this.synced = t;
      this.model.advanceTo(t);
      const next = this.model.nextEventTime();
      // A model may promise an event before where it is (a past instant it still owes): run it now.
      t = next === Infinity ? Infinity : Math.max(t, Math.ceil(next));
    }
    while (s < t && s <= limit) s = this.takeSample(s, sampling!.interval);
    lane.place(this, t);
    return steps;
  }

  /** Read the host at sampling instant `s` (brought there first, as a read at `s` would); the next instant. */
  private takeSample(s: number, interval: number): number {
    if (s > this.synced) {
      this.synced = s;
      this.model.advanceTo(s);
    }
    this.onSample!(s);
    this.sampleNext = s + interval;
    return this.sampleNext;
  }

  private fire(): void {
    this.key = null;
    this.at = Infinity;
    const now = this.sim.now();
    this.synced = now;
    this.model.advanceTo(now);
    this.rearm();
  }
}
