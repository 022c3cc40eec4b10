// The `serve` step: a request server inside one process. Requests arrive as a Poisson process;
// each needs `cpu` of CPU time on one of `workers` threads (scheduler tasks of the process, so they
// share its cgroup's CPU like real threads) and waits in a backlog of `backlog` when all workers are
// busy; past the backlog it is dropped. Latency = completion − arrival. The main thread waits for
// the server to end (after `duration` and/or `requests` arrivals, once the admitted work is done).
import { createSummaryAccumulator, type SummaryAccumulator, type SummaryAccumulatorOptions, type TaskRef } from '@strata/core-scheduler';
import type { RandomStream } from '@strata/core-sim';
import type { ServeStep } from '@strata/shared-types';
import { wholePages } from './pages.js';
import type { TaskSlot } from './cpu-demand.js';

/** Latency figures of a process's served requests, µs. */
export interface LatencySummary {
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** What a process's request serving did (summed over its `serve` steps). */
export interface ServeStats {
  readonly arrived: number;
  readonly completed: number;
  readonly dropped: number;
  readonly latencyUs: LatencySummary | null;
}

/**
 * Latencies kept exactly up to this many per process; past it a seeded uniform reservoir of this
 * size (percentiles then estimated from it; mean and max stay exact). Bounded so that 10,000
 * servers keep at most 40 M numbers.
 */
export const LATENCY_SAMPLE_LIMIT = 4_096;

/**
 * The options of every latency accumulator a kernel keeps (`Kernel.serveSummary`): latencies in µs,
 * percentiles within 1 % from 1 µs to 10^12 µs (11.6 days); 0 µs is counted exactly. Accumulators
 * merge only with accumulators of the same options: build the one you merge into with these.
 */
export const LATENCY_SUMMARY_OPTIONS: Required<SummaryAccumulatorOptions> = Object.freeze({ relativeError: 0.01, minTrackable: 1, maxTrackable: 1e12 });

/** Served-request counts and every latency (µs) in a mergeable accumulator. */
export interface ServeSummary {
  readonly arrived: number;
  readonly completed: number;
  readonly dropped: number;
  /** Every completed request's latency, µs (a copy: the caller may merge into it). */
  readonly latencyUs: SummaryAccumulator;
}

/** Counts and a latency accumulator: a kernel's totals over all its servers, or one process's. */
export class ServeTotals {
  arrived = 0;
  completed = 0;
  dropped = 0;
  readonly latencies: SummaryAccumulator = createSummaryAccumulator(LATENCY_SUMMARY_OPTIONS);

  add(latency: number): void {
    this.completed++;
    this.latencies.add(latency);
  }

  /** Add another's counts and latencies. */
  absorb(other: ServeTotals): void {
    this.arrived += other.arrived;
    this.completed += other.completed;
    this.dropped += other.dropped;
    this.latencies.merge(other.latencies);
  }

  /** A snapshot (the accumulator copied). */
  summary(): ServeSummary {
    const latencyUs = createSummaryAccumulator(LATENCY_SUMMARY_OPTIONS);
    latencyUs.merge(this.latencies);
    return { arrived: this.arrived, completed: this.completed, dropped: this.dropped, latencyUs };
  }
}

/**
 * Running latency record of one process: counts, the exact mean and max, a bounded sample for its
 * own percentiles (sorted only when asked, and only when it changed since), and a mergeable
 * accumulator (the kernel's totals merge the records at query time).
 */
export class LatencyRecord extends ServeTotals {
  private sum = 0;
  private max = 0;
  private readonly sample: number[] = [];
  /** The last `stats()`, reused while the counts are unchanged. */
  private cached: ServeStats | null = null;

  /** The reservoir's stream, made when the sample is first full (most servers never fill it). */
  private rngRef: RandomStream | null = null;

  /** `rng` makes the reservoir's stream (a pure function of its seed and name: made late, it draws the same). */
  constructor(private readonly rng: () => RandomStream) {
    super();
  }

  arrive(): void {
    this.arrived++;
  }

  drop(): void {
    this.dropped++;
  }

  override add(latency: number): void {
    super.add(latency);
    this.sum += latency;
    if (latency > this.max) this.max = latency;
    if (this.sample.length < LATENCY_SAMPLE_LIMIT) this.sample.push(latency);
    else {
      // Reservoir sampling (Algorithm R): every completed request equally likely to be kept.
      const k = (this.rngRef ??= this.rng()).int(0, this.completed - 1);
      if (k < LATENCY_SAMPLE_LIMIT) this.sample[k] = latency;
    }
  }

  stats(): ServeStats {
    const c = this.cached;
    if (c !== null && c.completed === this.completed && c.arrived === this.arrived && c.dropped === this.dropped) return c;
    let out: ServeStats;
    if (this.completed === 0) out = { arrived: this.arrived, completed: 0, dropped: this.dropped, latencyUs: null };
    else {
      // The latency part changes only with completions: reuse it when only arrivals or drops moved.
      let latencyUs = c !== null && c.completed === this.completed ? c.latencyUs : null;
      if (latencyUs === null) {
        const sorted = Float64Array.from(this.sample).sort();
        // Nearest-rank percentiles: the smallest value with at least p% of the sample at or below it.
        const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
        latencyUs = { mean: this.sum / this.completed, p50: rank(50), p90: rank(90), p99: rank(99), max: this.max };
      }
      out = { arrived: this.arrived, completed: this.completed, dropped: this.dropped, latencyUs };
    }
    this.cached = out;
    return out;
  }
}

/** A scheduler task's handle (`GroupScheduler.taskRef`). */
export type { TaskRef };

/** A worker thread: its scheduler task and the request it serves (arrival time), if any; also its task's demand mirror (TaskSlot). */
export interface Worker<P = unknown> extends TaskSlot {
  /** The process whose thread it is (the kernel's process record; this module needs nothing of it). */
  readonly proc: P;
  readonly taskId: string;
  /** Its task's handle: waking it needs no lookup by id. Set once, right after the task is added (the task's tag is the worker). */
  task: TaskRef;
  busyWith: number | null;
  /** CPU µs its task had used when the current request (re)started on the CPU. */
  startUsec: number;
  /** Work (CPU-µs at speed 1) the current request still needed then, and the CPU time asked for it. */
  workLeft: number;
  cpuAsked: number;
  /** Held (stop/freeze): work still owed to the current request. */
  owed: number | null;
}

/** One running `serve` step. */
export class RequestServer<P = unknown> {
  /** Its workers, in creation order (add them with `addWorker`). */
  readonly workers: Worker<P>[] = [];
  /** The first worker: most servers have one, and looking at it here skips the array (two objects). */
  private first: Worker<P> | null = null;
  private readonly queue: number[] = [];
  private head = 0;
  /** Arrivals still allowed (null: unbounded). */
  private arrivalsLeft: number | null;
  readonly endsAt: number | null;
  /** Memory a request holds while served, whole pages. */
  readonly requestBytes: number;
  accepting = true;
  /**
   * Arrivals not yet added to `record.arrived`: counted on the server, which an arrival reads anyway,
   * so that an arrival does not reach the record too (`flushArrivals` before the record is read).
   */
  arrivedUnrecorded = 0;

  constructor(
    readonly step: ServeStep,
    readonly record: LatencyRecord,
    readonly arrivals: RandomStream,
    startedAt: number,
  ) {
    this.arrivalsLeft = step.requests;
    this.endsAt = step.duration === null ? null : startedAt + step.duration;
    this.requestBytes = wholePages(step.memory);
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  /** The gap to the next arrival, µs (exponential with mean 1/rate, rounded to the µs). */
  nextGap(): number {
    return Math.round(this.arrivals.exponential(1_000_000 / this.step.requestsPerSecond));
  }

  /** Count an arrival; false once the request count is used up. */
  takeArrival(): boolean {
    if (this.arrivalsLeft !== null) {
      if (this.arrivalsLeft === 0) return false;
      this.arrivalsLeft--;
    }
    this.arrivedUnrecorded++;
    return true;
  }

  /** Put the arrivals counted here into the record (before anyone reads it, and when the server stops). */
  flushArrivals(): void {
    if (this.arrivedUnrecorded === 0) return;
    this.record.arrived += this.arrivedUnrecorded;
    this.arrivedUnrecorded = 0;
  }

  get moreArrivals(): boolean {
    return this.arrivalsLeft === null || this.arrivalsLeft > 0;
  }

  addWorker(w: Worker<P>): void {
    this.workers.push(w);
    this.first ??= w;
  }

  /** The first idle worker in creation order. */
  idleWorker(): Worker<P> | undefined {
    const first = this.first;
    if (first === null || first.busyWith === null) return first ?? undefined;
    const ws = this.workers;
    for (let i = 1; i < ws.length; i++) if (ws[i]!.busyWith === null) return ws[i];
    return undefined;
  }

  /** Queue an arrival at `time`; false (dropped) when the backlog is full. */
  enqueue(time: number): boolean {
    if (this.queued >= this.step.backlog) {
      this.record.drop();
      return false;
    }
    this.queue.push(time);
    return true;
  }

  dequeue(): number | undefined {
    if (this.head >= this.queue.length) return undefined;
    const t = this.queue[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return t;
  }

  /** Whether the server is over: no more arrivals, nothing queued, nothing in service. */
  get finished(): boolean {
    return !this.accepting && this.queued === 0 && this.idleCount() === this.workers.length;
  }

  private idleCount(): number {
    let n = 0;
    for (const w of this.workers) if (w.busyWith === null) n++;
    return n;
  }
}
