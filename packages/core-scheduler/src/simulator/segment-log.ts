// The run timeline in struct-of-arrays form: appending a segment is four array writes, so
// recording stays cheap at millions of slices; consecutive runs of the same job on the same CPU
// at the same level merge into one segment.

import { LimitExceededError } from '@strata/shared-types';

/**
 * The most segments a log holds: 2^24 (16,777,216). As objects for callers, that many take about
 * 2.5 GB of Node's default 4 GB heap; more would end the process with an out-of-memory crash.
 */
export const MAX_TIMELINE_SEGMENTS = 2 ** 24;

/** One contiguous run of one job on one CPU, [start, end). `level` is the policy's label (MLFQ: 0 = highest). */
export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly cpu: number;
  readonly job: number;
  readonly level?: number;
}

/** A growable, mergeable log of segments. */
export class SegmentLog {
  private starts: Float64Array = new Float64Array(1024);
  private ends: Float64Array = new Float64Array(1024);
  private cpus: Int32Array = new Int32Array(1024);
  private jobs: Int32Array = new Int32Array(1024);
  private levels: Float64Array = new Float64Array(1024);
  private count = 0;
  private readonly lastOfCpu: number[] = [];

  /** Number of segments held. */
  get size(): number {
    return this.count;
  }

  /** Record that `job` ran on `cpu` over [start, end) at `level` (NaN: none). */
  append(start: number, end: number, cpu: number, job: number, level: number): void {
    const last = this.lastOfCpu[cpu] ?? -1;
    if (last >= 0 && this.jobs[last] === job && this.ends[last] === start && Object.is(this.levels[last], level)) {
      this.ends[last] = end;
      return;
    }
    if (this.count === this.starts.length) this.grow();
    const i = this.count++;
    this.starts[i] = start;
    this.ends[i] = end;
    this.cpus[i] = cpu;
    this.jobs[i] = job;
    this.levels[i] = level;
    this.lastOfCpu[cpu] = i;
  }

  /** The segments as objects, ordered by start time then CPU. */
  toSegments(): Segment[] {
    const out: Segment[] = [];
    for (let i = 0; i < this.count; i++) {
      const level = this.levels[i]!;
      out.push(
        Number.isNaN(level)
          ? { start: this.starts[i]!, end: this.ends[i]!, cpu: this.cpus[i]!, job: this.jobs[i]! }
          : { start: this.starts[i]!, end: this.ends[i]!, cpu: this.cpus[i]!, job: this.jobs[i]!, level },
      );
    }
    // Segments are appended when accounted, which on several CPUs is not always start order.
    let sorted = true;
    for (let i = 1; i < out.length && sorted; i++) {
      const p = out[i - 1]!;
      const q = out[i]!;
      sorted = p.start < q.start || (p.start === q.start && p.cpu < q.cpu);
    }
    return sorted ? out : out.sort((x, y) => x.start - y.start || x.cpu - y.cpu);
  }

  private grow(): void {
    if (this.starts.length >= MAX_TIMELINE_SEGMENTS) {
      throw new LimitExceededError(
        `the run's timeline passed ${MAX_TIMELINE_SEGMENTS.toLocaleString('en-US')} segments, the most that fit in memory; use longer slices (a larger quantum) or fewer and shorter jobs`,
        { kind: 'timeline', limit: MAX_TIMELINE_SEGMENTS },
      );
    }
    const n = this.starts.length * 2;
    const grow64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.starts = grow64(this.starts);
    this.ends = grow64(this.ends);
    this.levels = grow64(this.levels);
    this.cpus = grow32(this.cpus);
    this.jobs = grow32(this.jobs);
  }
}
