// Hosts that run ahead. Between two datacenter-wide instants (the next queue event: a timed action,
// a fault draw, a migration's transfer step, the end of a `step`) hosts cannot affect
// one another when nothing shared moves inside their steps (no user-defined networks, no batch model:
// `createDatacenter` keeps the lane off otherwise). Each host then runs all its own events up to that
// instant on its own, one host after another, instead of one event of one host at a time interleaved
// through the global queue: the same steps at the same instants for every host, but one host's
// kernels, schedulers and timers stay in the CPU's caches while it runs, and the queue is left alone.
//
// Ordering: a host's steps at the instant itself run before the queue's events at that instant, as a
// command or read there would have run them anyway (it brings the host to now first). The facts of a
// span come out sorted by time (EventSink.collect).
import type { HeapSlot } from '@strata/core-scheduler';
import { IndexedMinHeap } from '@strata/core-scheduler';

/** What the lane runs: a host's slot. */
export interface LaneEntry {
  /** Its place in the lane's heap, keyed by its next event time (made by the slot with `new HeapSlot(slot)`). */
  readonly lane: HeapSlot<LaneEntry>;
  /** Run the model's events at times ≤ `until` (at most `budget`), then place itself again; returns the steps run. */
  runAhead(until: number, budget: number): number;
}

/**
 * Bytes a pass's readings may hold until their samples: the sampler keeps each host's utilization per
 * instant (8 bytes per host and instant; everything else goes straight into its series). A pass reads
 * as many sampling instants as fit, so a host's run is long enough to outweigh bringing its kernels
 * into the CPU's caches (issue 14, 1,000 hosts: passes of 16 instants ran 67.8 s, of 600 instants 53.6 s).
 */
export const LANE_READINGS_BYTES = 16 * 2 ** 20;
/** The fewest and most instants a pass reads. */
export const LANE_PASS_INSTANTS = { min: 16, max: 1_000 } as const;

/** Sampling instants per pass with `hosts` hosts: as many as `LANE_READINGS_BYTES` holds, within `LANE_PASS_INSTANTS`. */
export function laneInstantsPerPass(hosts: number): number {
  const fit = Math.floor(LANE_READINGS_BYTES / (8 * Math.max(1, hosts)));
  return Math.min(LANE_PASS_INSTANTS.max, Math.max(LANE_PASS_INSTANTS.min, fit));
}

/**
 * Metric sampling in the lane: sampling instants are not queue events (they would cut every host's
 * run into one-interval pieces, each starting with its kernels out of the CPU's caches). A host that
 * the lane takes past an instant `s` ≤ `limit` is read at `s` on the way (`ModelSlot.onSample`), and
 * the datacenter assembles the sample at `s` from those readings once every host is past it.
 */
export interface LaneSampling {
  /** The sampling interval, µs. */
  readonly interval: number;
  /** The first instant not yet assembled (hosts take no reading before it). */
  next: number;
  /** The last instant hosts may take a reading at in this pass: before the next queue event, at most its end. */
  limit: number;
  /** Most instants one pass reads before their samples are assembled (`laneInstantsPerPass` of the hosts). */
  instantsPerPass: number;
}

/** The slots of the hosts that run ahead, by next event time. */
export class HostLane {
  private readonly heap = new IndexedMinHeap<LaneEntry>();
  /** Host steps run so far (each counts as one event, as a queue event would). */
  steps = 0;
  /** Samples assembled from the lane's readings (each counts as one event, as the sampling queue event would). */
  samples = 0;
  /** Metric sampling through the lane, or null (no metrics). */
  sampling: LaneSampling | null = null;
  /** Told after each host's run of a pass: how many hosts have run, of how many had work in it (a progress bar's estimate), or null. */
  onRun: ((ran: number, of: number) => void) | null = null;

  /**
   * Where the next pass ends, toward the next queue event `next` or the run's `until`, whichever is
   * first, with `budgetLeft` events of the work budget left. With sampling, it also sets which instants
   * the pass reads (`sampling.limit`): those before the next queue event (one at its instant is read
   * after that instant's events, as its queue event was) up to `until`, at most `instantsPerPass`
   * (the readings wait in memory until the samples are assembled), and at most those the budget has
   * left, one more to tell that it ran out (each sample counts as one event). The pass then ends at the
   * first instant it leaves unread, and the next pass goes on from there.
   */
  planPass(next: number, until: number, budgetLeft: number): number {
    const end = Math.min(next, until);
    const sampling = this.sampling;
    if (sampling === null) return end;
    sampling.limit = next > until ? until : next - 1;
    const cap = sampling.next + Math.min(sampling.instantsPerPass - 1, budgetLeft) * sampling.interval;
    if (cap >= sampling.limit) return end;
    sampling.limit = cap;
    return Math.min(end, cap + sampling.interval);
  }

  /** The earliest next event of any host in the lane (Infinity: none). */
  peek(): number {
    return this.heap.top()?.key ?? Infinity;
  }

  /** `entry`'s next event is at `t` (Infinity: it has none; it leaves the heap). */
  place(entry: LaneEntry, t: number): void {
    if (t === Infinity) this.heap.remove(entry.lane);
    else this.heap.set(entry.lane, t);
  }

  /** Take `entry` out of the lane (its model is gone). */
  remove(entry: LaneEntry): void {
    this.heap.remove(entry.lane);
  }

  /**
   * Run every host's events at times ≤ `until`, each host through all of its own before the next
   * (earliest first); at most `budget` steps (the caller throws when they are all used and work is
   * left). Returns the steps run.
   */
  runThrough(until: number, budget: number): number {
    const heap = this.heap;
    const onRun = this.onRun;
    const of = heap.size;
    let steps = 0;
    let ran = 0;
    try {
      for (let top = heap.top(); top !== undefined && top.key <= until && steps < budget; top = heap.top()) {
        steps += top.owner.runAhead(until, budget - steps);
        if (onRun !== null) onRun(++ran, of);
      }
    } finally {
      this.steps += steps;
    }
    return steps;
  }
}
