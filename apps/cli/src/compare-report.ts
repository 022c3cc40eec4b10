// What `strata compare` prints: one row of metrics per policy run on the same workload, the
// best value of each column marked, as an aligned text table or one JSON object.

import type { ExerciseInput, ExerciseResult } from '@strata/core-scheduler';
import type { CompareWorkload } from './compare-workload.js';
import { formatFixed, formatFixed2 } from './format-fixed.js';
import { describeSettings, formatPercent, schedJson } from './sched-report.js';
import type { SchedJson } from './sched-report.js';
import { renderTable } from './text-table.js';
import type { TableColumn } from './text-table.js';

/** The metrics compared for one run. Times in ticks; fairness is Jain's index (1 = equal). */
export interface CompareMetrics {
  readonly response: number;
  readonly turnaround: number;
  readonly wait: number;
  readonly p95Turnaround: number;
  readonly fairness: number;
  /** Mean busy fraction over the CPUs, 0..1. */
  readonly utilization: number;
  readonly makespan: number;
}

/** One run of the comparison: its label, the input it ran and its result. */
export interface CompareRun {
  readonly label: string;
  readonly input: ExerciseInput;
  readonly result: ExerciseResult;
}

type MetricKey = Exclude<keyof CompareMetrics, 'makespan'>;

/** The compared columns, their headers, number format and which direction is better. */
const METRIC_COLUMNS: readonly { key: MetricKey; header: string; better: 'low' | 'high'; format: (v: number) => string }[] = [
  { key: 'response', header: 'avg response', better: 'low', format: formatFixed2 },
  { key: 'turnaround', header: 'avg turnaround', better: 'low', format: formatFixed2 },
  { key: 'wait', header: 'avg wait', better: 'low', format: formatFixed2 },
  { key: 'p95Turnaround', header: 'p95 turnaround', better: 'low', format: formatFixed2 },
  { key: 'fairness', header: 'fairness', better: 'high', format: (v) => formatFixed(v, 3) },
  { key: 'utilization', header: 'CPU util', better: 'high', format: formatPercent },
];

/** The nearest-rank percentile `p` (0 < p ≤ 100) of `values` (non-empty). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Compute the compared metrics of one result (p95 from the core's percentiles when it reports them). */
export function compareMetrics(result: ExerciseResult): CompareMetrics {
  const utilization = result.utilization.length === 0 ? 0 : result.utilization.reduce((a, b) => a + b, 0) / result.utilization.length;
  return {
    response: result.avg.response,
    turnaround: result.avg.turnaround,
    wait: result.avg.wait,
    p95Turnaround:
      result.percentiles?.turnaround.p95 ??
      percentile(
        result.jobs.map((j) => j.turnaround),
        95,
      ),
    fairness: result.fairness,
    utilization,
    makespan: result.makespan,
  };
}

/** For each metric, the indexes of the runs holding its best value (ties share it). */
export function bestRuns(metrics: readonly CompareMetrics[]): Record<MetricKey, number[]> {
  const best = {} as Record<MetricKey, number[]>;
  for (const { key, better } of METRIC_COLUMNS) {
    const values = metrics.map((m) => m[key]);
    const target = better === 'low' ? Math.min(...values) : Math.max(...values);
    best[key] = values.flatMap((v, i) => (v === target ? [i] : []));
  }
  return best;
}

/** The JSON document `strata compare --json` prints. */
export interface CompareJson {
  /** The validated workload without its runs (they are the `results`). */
  readonly workload: Omit<CompareWorkload, 'runs'>;
  readonly results: readonly ({ readonly policy: string; readonly label: string; readonly settings: Omit<ExerciseInput, 'jobs'>; readonly avg: SchedJson['avg']; readonly best: readonly MetricKey[]; readonly jobs: SchedJson['jobs'] } & Omit<CompareMetrics, 'response' | 'turnaround' | 'wait'>)[];
}

/** Build the JSON document: the workload as validated and one entry per run, in file order. */
export function compareJson(workload: CompareWorkload, runs: readonly CompareRun[]): CompareJson {
  const metrics = runs.map((r) => compareMetrics(r.result));
  const best = bestRuns(metrics);
  return {
    workload: {
      ...(workload.name === undefined ? {} : { name: workload.name }),
      ...(workload.description === undefined ? {} : { description: workload.description }),
      cpus: workload.cpus,
      ioTime: workload.ioTime,
      ...(workload.seed === undefined ? {} : { seed: workload.seed }),
      ...(workload.contextSwitch === undefined ? {} : { contextSwitch: workload.contextSwitch }),
      jobs: workload.jobs,
    },
    results: runs.map((run, i) => {
      const m = metrics[i] as CompareMetrics;
      const { jobs: _jobs, ...settings } = run.input;
      return {
        policy: run.input.policy,
        label: run.label,
        settings,
        avg: { response: m.response, turnaround: m.turnaround, wait: m.wait },
        p95Turnaround: m.p95Turnaround,
        fairness: m.fairness,
        utilization: m.utilization,
        makespan: m.makespan,
        best: METRIC_COLUMNS.filter((c) => best[c.key].includes(i)).map((c) => c.key),
        jobs: schedJson(run.result).jobs,
      };
    }),
  };
}

/** Render the comparison table. Best cells get a '*' (and bold green when `color`). */
export function renderCompareText(workload: CompareWorkload, runs: readonly CompareRun[], options: { color: boolean; file?: string }): string {
  const metrics = runs.map((r) => compareMetrics(r.result));
  const best = bestRuns(metrics);
  const columns: TableColumn[] = [{ header: 'policy', align: 'left' }, ...METRIC_COLUMNS.map((c) => ({ header: c.header, align: 'right' as const }))];
  const rows = runs.map((run, i) => [
    run.label,
    ...METRIC_COLUMNS.map((c) => {
      const text = c.format((metrics[i] as CompareMetrics)[c.key]);
      if (!best[c.key].includes(i)) return `${text}  `;
      return options.color ? `\x1b[1;32m${text} *\x1b[0m` : `${text} *`;
    }),
  ]);

  const labelWidth = Math.max(...runs.map((r) => r.label.length));
  const n = workload.jobs.length;
  const withIo = workload.jobs.filter((j) => (j.ioFreq ?? 0) > 0).length;
  const title = workload.name ?? options.file ?? 'workload';
  const lines = [
    `${title}`,
    `${n} job${n === 1 ? '' : 's'}${withIo > 0 ? ` (${withIo} doing I/O; each I/O takes ${workload.ioTime} ticks)` : ''} on ${workload.cpus} CPU${workload.cpus === 1 ? '' : 's'}`,
  ];
  if (workload.description !== undefined) lines.push(workload.description);
  lines.push(
    '',
    ...renderTable(columns, rows),
    '',
    'times in ticks (lower is better); fairness = Jain\'s index of CPU share per turnaround, 1 = equal (higher is better);',
    'CPU util = busy time / makespan (higher is better); * = best in its column',
    '',
    'settings:',
    ...runs.map((run) => {
      const settings = describeSettings(run.input, { policy: false, ioTime: false, counts: false });
      return `  ${run.label.padEnd(labelWidth)}  ${run.input.policy}${settings === '' ? ' (defaults)' : `: ${settings}`}`;
    }),
  );
  return `${lines.join('\n')}\n`;
}
