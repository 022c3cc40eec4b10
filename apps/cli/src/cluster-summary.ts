// A datacenter run's numbers as people read them: the metric rows shared by `strata run`'s summary
// and `strata compare SCENARIO`'s table, in human units, and the run summary text.

import type { HostView, RunReport, Summary } from '@strata/core-cluster';
import { renderTable } from './text-table.js';

/** Thousands-separated count. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A fraction 0..1 as a percentage with one decimal. */
export function formatFraction(f: number): string {
  return `${(f * 100).toFixed(1)}%`;
}

/** A duration in µs, in the largest unit that keeps it readable: `850 µs`, `12.5 ms`, `42.25 s`, `3m 05.0s`, `2h 03m`. */
export function formatMicros(us: number): string {
  if (us < 1_000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1_000).toFixed(1)} ms`;
  const s = us / 1_000_000;
  if (s < 60) return `${s.toFixed(2)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${(s % 60).toFixed(1).padStart(4, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Energy in kWh, as Wh below 1 kWh. */
export function formatEnergy(kWh: number): string {
  return kWh < 1 ? `${(kWh * 1000).toFixed(2)} Wh` : `${kWh.toFixed(3)} kWh`;
}

/** One line of a summary: `mean 45.2% · p95 80.1% · max 99.0%`. */
function stats(s: Summary, format: (v: number) => string): string | undefined {
  if (s.count === 0) return undefined;
  return `mean ${format(s.mean)} · p95 ${format(s.p95)} · max ${format(s.max)}`;
}

/** A metric of a run report: its section, label and how it prints (undefined: not applicable to that run). */
export interface MetricRow {
  readonly section: string;
  readonly label: string;
  readonly value: (report: RunReport) => string | undefined;
}

const percent = (v: number): string => `${v.toFixed(1)}%`;
const ms = (v: number): string => `${v.toFixed(2)} ms`;

/** The rows every summary and comparison shows, in order. */
export const METRIC_ROWS: readonly MetricRow[] = [
  { section: 'run', label: 'simulated', value: (r) => formatMicros(r.simulatedUs) },
  { section: 'run', label: 'events', value: (r) => formatCount(r.events) },
  { section: 'hosts', label: 'count', value: (r) => formatCount(r.hosts.count) },
  { section: 'hosts', label: 'failures', value: (r) => formatCount(r.hosts.failures) },
  { section: 'hosts', label: 'CPU utilization', value: (r) => stats(r.hosts.cpuUtilization, formatFraction) },
  { section: 'VMs', label: 'count', value: (r) => formatCount(r.vms.count) },
  { section: 'VMs', label: 'running', value: (r) => formatCount(r.vms.running) },
  { section: 'VMs', label: 'migrations', value: (r) => formatCount(r.vms.migrations) },
  { section: 'VMs', label: 'HA restarts', value: (r) => formatCount(r.vms.haRestarts) },
  { section: 'VMs', label: 'steal', value: (r) => stats(r.vms.stealPercent, percent) },
  { section: 'containers', label: 'count', value: (r) => formatCount(r.containers.count) },
  { section: 'containers', label: 'running', value: (r) => formatCount(r.containers.running) },
  { section: 'containers', label: 'restarts', value: (r) => formatCount(r.containers.restarts) },
  { section: 'containers', label: 'OOM kills', value: (r) => formatCount(r.containers.oomKills) },
  { section: 'jobs', label: 'completed', value: (r) => (r.jobs === undefined ? undefined : `${formatCount(r.jobs.completed)} of ${formatCount(r.jobs.count)}`) },
  { section: 'jobs', label: 'makespan', value: (r) => (r.jobs === undefined ? undefined : formatMicros(r.jobs.makespan_s * 1e6)) },
  { section: 'jobs', label: 'mean finish', value: (r) => (r.jobs === undefined ? undefined : formatMicros(r.jobs.meanFinish_s * 1e6)) },
  { section: 'requests', label: 'served', value: (r) => (r.requests === undefined ? undefined : formatCount(r.requests.served)) },
  {
    section: 'requests',
    label: 'latency',
    value: (r) => (r.requests === undefined || r.requests.latencyMs.count === 0 ? undefined : `p50 ${ms(r.requests.latencyMs.p50)} · p95 ${ms(r.requests.latencyMs.p95)} · p99 ${ms(r.requests.latencyMs.p99)}`),
  },
  { section: 'energy', label: 'total', value: (r) => formatEnergy(r.energy.totalKWh) },
];

/** The rows that apply to at least one of `reports`, each with its value per report ('-' where it does not apply). */
export function metricTable(reports: readonly RunReport[]): { section: string; label: string; values: string[] }[] {
  return METRIC_ROWS.map((row) => ({ section: row.section, label: row.label, values: reports.map((r) => row.value(r)) }))
    .filter((row) => row.values.some((v) => v !== undefined))
    .map((row) => ({ ...row, values: row.values.map((v) => v ?? '-') }));
}

/** Table rows with the section named only on its first row. */
function sectioned(rows: readonly { section: string; label: string; values: string[] }[]): string[][] {
  return rows.map((row, i) => [i > 0 && rows[i - 1]!.section === row.section ? '' : row.section, row.label, ...row.values]);
}

/** Most hosts listed one per line in the summary; the rest are counted. */
export const HOST_ROWS = 20;

/** The text `strata run` prints: a header line, the hosts table, and the summary table. */
export function renderRunSummary(report: RunReport, hosts: readonly HostView[], options: { readonly file: string; readonly wallMs?: number }): string {
  const header = [
    `${report.name} (${options.file})`,
    `seed ${String(report.seed)}`,
    report.fidelity,
    `${formatMicros(report.simulatedUs)} simulated`,
    `${formatCount(report.events)} events`,
    ...(options.wallMs === undefined ? [] : [`${formatMicros(options.wallMs * 1000)} wall`]),
  ].join(' · ');
  const lines = [header, ''];
  if (hosts.length > 0) {
    const shown = hosts.slice(0, HOST_ROWS);
    lines.push(
      ...renderTable(
        [
          { header: 'host', align: 'left' },
          { header: 'state', align: 'left' },
          { header: 'CPUs', align: 'right' },
          { header: 'VMs', align: 'right' },
          { header: 'vCPUs', align: 'right' },
          { header: 'CPU now', align: 'right' },
          { header: 'power now', align: 'right' },
          { header: 'energy', align: 'right' },
        ],
        shown.map((h) => [
          h.name,
          h.state,
          formatCount(h.cpus),
          formatCount(h.vms.length),
          formatCount(h.allocated.vcpus),
          formatFraction(h.cpuUtilization),
          `${h.powerWatts.toFixed(0)} W`,
          formatEnergy(report.energy.perHostKWh[h.name] ?? 0),
        ]),
      ),
    );
    if (hosts.length > shown.length) lines.push(`… and ${formatCount(hosts.length - shown.length)} more hosts`);
    lines.push('');
  }
  lines.push(
    ...renderTable(
      [
        { header: '', align: 'left' },
        { header: '', align: 'left' },
        { header: '', align: 'left' },
      ],
      sectioned(metricTable([report])),
    ).slice(2),
  );
  return `${lines.join('\n')}\n`;
}

/** The comparison table of `strata compare SCENARIO`: one row per metric, one column per variant. */
export function renderVariantTable(labels: readonly string[], reports: readonly RunReport[]): string {
  const columns = [
    { header: '', align: 'left' as const },
    { header: 'metric', align: 'left' as const },
    ...labels.map((header) => ({ header, align: 'right' as const })),
  ];
  return `${renderTable(columns, sectioned(metricTable(reports))).join('\n')}\n`;
}
