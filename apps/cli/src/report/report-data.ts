// What the HTML report shows, computed from a run: the summary rows, the charts (series grouped by
// what they measure, thinned to what a page can draw) and the event log. Pure; no HTML here.

import type { ClusterEvent, RunReport, Series } from '@strata/core-cluster';
import { batchRows } from '../batch-summary.js';
import type { BatchJson } from '../batch-summary.js';
import { formatEnergy, metricTable } from '../cluster-summary.js';
import type { JobRow } from '../job-results.js';

/** One drawn line or bar set: points are [x, y]. */
export interface ChartLine {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/** A chart of the report. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly kind: 'line' | 'step' | 'bar';
  readonly xName: string;
  readonly yName: string;
  /** Bars: the category of each bar (x is its index). */
  readonly categories?: readonly string[];
  readonly lines: readonly ChartLine[];
  /** Why a chart is empty or what was left out. */
  readonly note?: string;
}

/** One row of the event log. */
export interface EventRow {
  /** Simulated time, µs. */
  readonly t: number;
  readonly type: string;
  readonly subject: string;
  readonly detail: string;
}

/** Everything the page embeds as JSON. */
export interface ReportData {
  readonly title: string;
  readonly subtitle: string;
  readonly summary: readonly { readonly section: string; readonly label: string; readonly value: string }[];
  readonly charts: readonly ChartSpec[];
  readonly events: readonly EventRow[];
  readonly eventsNote?: string;
}

/** What the report is made from: a datacenter run's `report`, or a batch run's `batch` summary. */
export interface ReportInput {
  readonly report?: RunReport;
  readonly batch?: BatchJson;
  readonly series: readonly Series[];
  readonly events: readonly ClusterEvent[];
  /** Events the run had beyond those in `events` (left out to bound the page). */
  readonly eventsOmitted?: number;
  /** Batch jobs (for the completion CDF); absent or empty without batch workloads. */
  readonly jobs?: readonly JobRow[];
  /** Where the scenario came from, for the subtitle. */
  readonly source?: string;
}

/** Bounds that keep the page light enough to open at once. */
export const REPORT_LIMITS = { linesPerChart: 12, pointsPerLine: 1500, events: 20_000, bars: 60, detailChars: 240 } as const;

const seconds = (us: number): number => us / 1_000_000;

/** `values` thinned to at most `max` points by taking every k-th (the last point always kept). */
export function thin<T>(values: readonly T[], max: number): T[] {
  if (values.length <= max) return [...values];
  const step = Math.ceil(values.length / max);
  const out: T[] = [];
  for (let i = 0; i < values.length; i += step) out.push(values[i]!);
  if ((values.length - 1) % step !== 0) out.push(values[values.length - 1]!);
  return out;
}

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/** A line chart of `series` (the busiest `linesPerChart` of them by mean, plus their average when some are left out). */
function seriesChart(id: string, title: string, series: readonly Series[], empty: string): ChartSpec {
  const unit = series[0]?.unit ?? '';
  if (series.length === 0) return { id, title, kind: 'line', xName: 'time (s)', yName: unit, lines: [], note: empty };
  const ranked = series.map((s) => ({ s, m: mean(s.values) })).sort((a, b) => b.m - a.m || (a.s.name < b.s.name ? -1 : 1));
  const shown = ranked.slice(0, REPORT_LIMITS.linesPerChart).map((r) => r.s);
  const line = (s: Series): ChartLine => ({
    name: s.name,
    points: thin(
      s.times.map((t, i) => [seconds(t), s.values[i]!] as const),
      REPORT_LIMITS.pointsPerLine,
    ),
  });
  const lines = shown.map(line);
  let note: string | undefined;
  if (series.length > shown.length) {
    // The average over every series at each sample time, so the left-out ones still count.
    const sums = new Map<number, { sum: number; n: number }>();
    for (const s of series) {
      s.times.forEach((t, i) => {
        const cell = sums.get(t) ?? { sum: 0, n: 0 };
        cell.sum += s.values[i]!;
        cell.n += 1;
        sums.set(t, cell);
      });
    }
    const times = [...sums.keys()].sort((a, b) => a - b);
    lines.push({ name: `mean of all ${series.length}`, points: thin(times.map((t) => [seconds(t), sums.get(t)!.sum / sums.get(t)!.n] as const), REPORT_LIMITS.pointsPerLine) });
    note = `${shown.length} of ${series.length} series shown (highest mean), and the mean of all`;
  }
  return { id, title, kind: 'line', xName: 'time (s)', yName: unit, lines, ...(note === undefined ? {} : { note }) };
}

/** The empirical CDF of job finish times: fraction of jobs finished by each time. */
export function completionCdf(jobs: readonly JobRow[]): ChartLine {
  const finishes = jobs.flatMap((j) => (j.finishUs === null ? [] : [j.finishUs])).sort((a, b) => a - b);
  const points = finishes.map((t, i) => [seconds(t), (i + 1) / jobs.length] as const);
  return { name: 'jobs finished', points: thin([[0, 0] as const, ...points], REPORT_LIMITS.pointsPerLine * 2) };
}

/** Series names sorted into the charts that show them. */
function classify(series: readonly Series[]): { hostCpu: Series[]; steal: Series[]; containerMemory: Series[]; containerCpu: Series[]; other: Map<string, Series[]> } {
  const hostCpu: Series[] = [];
  const steal: Series[] = [];
  const containerMemory: Series[] = [];
  const containerCpu: Series[] = [];
  const other = new Map<string, Series[]>();
  for (const s of series) {
    const name = s.name.toLowerCase();
    if (name.includes('steal')) steal.push(s);
    else if (name.includes('host') && (name.includes('cpu') || name.includes('util'))) hostCpu.push(s);
    else if (name.includes('container') && name.includes('mem')) containerMemory.push(s);
    else if (name.includes('container') && name.includes('cpu')) containerCpu.push(s);
    else other.set(s.unit, [...(other.get(s.unit) ?? []), s]);
  }
  return { hostCpu, steal, containerMemory, containerCpu, other };
}

/** An event's fields other than type, time and subject, as short text. */
function detailOf(event: ClusterEvent): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) if (k !== 'type' && k !== 'time' && k !== 'subject') rest[k] = v;
  const text = Object.keys(rest).length === 0 ? '' : JSON.stringify(rest);
  return text.length > REPORT_LIMITS.detailChars ? `${text.slice(0, REPORT_LIMITS.detailChars - 1)}…` : text;
}

/** The page's data: summary, charts and event log. */
export function reportData(input: ReportInput): ReportData {
  const { report, batch } = input;
  const head = report ?? batch;
  if (head === undefined) throw new TypeError('reportData: give a run report or a batch summary');
  const noMetrics = 'no samples: add metrics: { interval: 1s } to the scenario to record time series';
  const groups = classify(input.series);
  // A batch run has no sampled series: its page is the summary and the completion CDF.
  const charts: ChartSpec[] =
    report === undefined
      ? []
      : [
          seriesChart('host-cpu', 'Host CPU utilization', groups.hostCpu, noMetrics),
          seriesChart('vm-steal', 'VM steal', groups.steal, noMetrics),
          seriesChart('container-memory', 'Container memory', groups.containerMemory, noMetrics),
        ];
  if (groups.containerCpu.length > 0) charts.push(seriesChart('container-cpu', 'Container CPU', groups.containerCpu, noMetrics));
  const jobs = input.jobs ?? [];
  if (jobs.length > 0 || report?.jobs !== undefined || batch !== undefined) {
    const cdf = completionCdf(jobs);
    charts.push({
      id: 'job-cdf',
      title: 'Job completion (CDF)',
      kind: 'step',
      xName: 'time (s)',
      yName: 'fraction of jobs finished',
      lines: jobs.length === 0 ? [] : [cdf],
      ...(jobs.length === 0 ? { note: 'no job events were recorded' } : {}),
    });
  }
  if (report !== undefined) {
    const energy = Object.entries(report.energy.perHostKWh).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const bars = energy.slice(0, REPORT_LIMITS.bars);
    charts.push({
      id: 'energy',
      title: `Energy per host (total ${formatEnergy(report.energy.totalKWh)})`,
      kind: 'bar',
      xName: 'host',
      yName: 'Wh',
      categories: bars.map(([h]) => h),
      lines: bars.length === 0 ? [] : [{ name: 'energy (Wh)', points: bars.map(([, kWh], i) => [i, kWh * 1000] as const) }],
      ...(energy.length > bars.length ? { note: `the ${bars.length} hosts that used most, of ${energy.length}` } : bars.length === 0 ? { note: 'no hosts' } : {}),
    });
  }
  let n = 0;
  for (const [unit, list] of [...input.series.length === 0 ? [] : groups.other.entries()]) {
    n += 1;
    charts.push(seriesChart(`other-${n}`, `Other series${unit === '' ? '' : ` (${unit})`}`, list, ''));
  }
  const kept = input.events.slice(0, REPORT_LIMITS.events);
  const omitted = input.events.length - kept.length + (input.eventsOmitted ?? 0);
  return {
    title: `${head.name}: ${report === undefined ? 'batch run' : 'datacenter run'}`,
    subtitle: [input.source, `seed ${String(head.seed)}`, head.fidelity, `${seconds(head.simulatedUs)} s simulated`, `${head.events.toLocaleString('en-US')} events`]
      .filter((s) => s !== undefined)
      .join(' · '),
    summary: report !== undefined ? metricTable([report]).map((row) => ({ section: row.section, label: row.label, value: row.values[0]! })) : batch !== undefined ? batchRows(batch) : [],
    charts,
    events: kept.map((e) => ({ t: e.time, type: e.type, subject: e.subject, detail: detailOf(e) })),
    ...(omitted > 0 ? { eventsNote: `the first ${kept.length.toLocaleString('en-US')} events are listed; ${omitted.toLocaleString('en-US')} more were left out` } : {}),
  };
}
