// Aggregate metrics of a CPU simulation: distributions (mean, p50/p95/p99) of response,
// turnaround and wait, per-CPU utilization, throughput, and Jain's fairness index.
import type { CpuSimResult } from '../simulator/cpu-simulator.js';

/** Summary of a sample; every field is NaN for an empty sample. */
export interface Distribution {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** Aggregates of one run. */
export interface RunMetrics {
  /** Over finished tasks. */
  readonly response: Distribution;
  readonly turnaround: Distribution;
  /** Over all tasks. */
  readonly wait: Distribution;
  /** Task run time / run length, per CPU. */
  readonly utilization: readonly number[];
  /** Finished tasks per time unit. */
  readonly throughput: number;
  /** Jain's index over per-task CPU time / time in system (1: perfectly even). */
  readonly fairness: number;
}

/** The p-th percentile (0 < p ≤ 100) of an ascending sample by the nearest-rank method; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Count, mean (sum in the given order / n), min, max and nearest-rank p50/p95/p99 of `values`. */
export function summarize(values: readonly number[]): Distribution {
  if (values.length === 0) return { count: 0, mean: NaN, min: NaN, max: NaN, p50: NaN, p95: NaN, p99: NaN };
  let sum = 0;
  for (const v of values) sum += v;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: values.length,
    mean: sum / values.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/** Jain's fairness index (Σx)² / (n·Σx²): 1 when all equal, 1/n when one takes everything; 1 for an empty or all-zero sample. */
export function jainIndex(values: readonly number[]): number {
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    sum += v;
    squares += v * v;
  }
  return squares === 0 ? 1 : (sum * sum) / (values.length * squares);
}

/** Aggregate `result` (a run that started at `start`, default 0). */
export function computeRunMetrics(result: CpuSimResult, start = 0): RunMetrics {
  const span = result.endTime - start;
  const finished = result.tasks.filter((t) => t.completion !== undefined);
  const shares = result.tasks
    .filter((t) => t.arrival < result.endTime)
    .map((t) => {
      const inSystem = (t.completion ?? result.endTime) - t.arrival;
      return inSystem > 0 ? t.cpuTime / inSystem : 0;
    });
  return {
    response: summarize(finished.map((t) => t.response!)),
    turnaround: summarize(finished.map((t) => t.turnaround!)),
    wait: summarize(result.tasks.map((t) => t.wait)),
    utilization: result.busy.map((b) => (span > 0 ? b / span : 0)),
    throughput: span > 0 ? finished.length / span : 0,
    fairness: jainIndex(shares),
  };
}
