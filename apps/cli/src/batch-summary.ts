// A batch run (CloudSim-style jobs on the batch engine) as `strata run` prints it: the JSON with
// issue 13's `jobs` object, and the summary table.

import type { Scenario } from '@strata/shared-types';
import type { BatchOutcome } from './cluster-deps.js';
import { formatCount, formatMicros } from './cluster-summary.js';
import { renderTable } from './text-table.js';

/**
 * What `strata run --json` prints for a batch-only scenario: the datacenter's RunReport shape where it
 * applies (name, seed, fidelity, simulatedUs, events, hosts.count, vms.count, jobs, in that order),
 * then what only the batch engine knows (hosts.oversubscribed, guestScheduler).
 */
export interface BatchJson {
  readonly name: string;
  readonly seed: number | string;
  readonly fidelity: 'exact' | 'fluid';
  readonly simulatedUs: number;
  /** Job arrivals and completions processed. */
  readonly events: number;
  readonly hosts: { readonly count: number; readonly oversubscribed: readonly string[] };
  readonly vms: { readonly count: number };
  readonly jobs: { readonly count: number; readonly completed: number; readonly makespan_s: number; readonly meanFinish_s: number };
  readonly guestScheduler: string;
}

/** The JSON of a batch run of `scenario`. */
export function batchJson(scenario: Scenario, run: BatchOutcome): BatchJson {
  return {
    name: scenario.name,
    seed: scenario.seed,
    fidelity: scenario.fidelity,
    simulatedUs: run.simulatedUs,
    events: run.events,
    hosts: { count: scenario.hosts.reduce((n, h) => n + (h.count ?? 1), 0), oversubscribed: run.oversubscribedHosts },
    vms: { count: run.vmNames.length },
    jobs: { count: run.summary.count, completed: run.summary.completed, makespan_s: run.summary.makespan_s, meanFinish_s: run.summary.meanFinish_s },
    guestScheduler: run.scheduler,
  };
}

/** Seconds in human units, with the exact figure beside it when the human form rounds (`5m 44.9s (344.91 s)`). */
function seconds(s: number): string {
  const human = formatMicros(s * 1e6);
  return s < 60 && Number(s.toFixed(2)) === s ? human : `${human} (${s} s)`;
}

/** The rows of a batch summary: section, label, value. */
export function batchRows(json: BatchJson): { section: string; label: string; value: string }[] {
  const oversubscribed = json.hosts.oversubscribed;
  return [
    { section: 'run', label: 'simulated', value: formatMicros(json.simulatedUs) },
    { section: 'run', label: 'events', value: formatCount(json.events) },
    { section: 'hosts', label: 'count', value: formatCount(json.hosts.count) },
    {
      section: 'hosts',
      label: 'oversubscribed',
      value: oversubscribed.length === 0 ? '0' : `${formatCount(oversubscribed.length)} (${oversubscribed.slice(0, 5).join(', ')}${oversubscribed.length > 5 ? ', …' : ''})`,
    },
    { section: 'VMs', label: 'count', value: formatCount(json.vms.count) },
    { section: 'jobs', label: 'completed', value: `${formatCount(json.jobs.completed)} of ${formatCount(json.jobs.count)}` },
    { section: 'jobs', label: 'makespan', value: seconds(json.jobs.makespan_s) },
    { section: 'jobs', label: 'mean finish', value: seconds(json.jobs.meanFinish_s) },
  ];
}

/** The text `strata run` prints for a batch scenario. */
export function renderBatchSummary(json: BatchJson, options: { readonly file: string; readonly wallMs?: number }): string {
  const header = [
    `${json.name} (${options.file})`,
    `seed ${String(json.seed)}`,
    json.fidelity,
    `${json.guestScheduler} batch`,
    `${formatMicros(json.simulatedUs)} simulated`,
    ...(options.wallMs === undefined ? [] : [`${formatMicros(options.wallMs * 1000)} wall`]),
  ].join(' · ');
  const rows = batchRows(json);
  const table = renderTable(
    [
      { header: '', align: 'left' },
      { header: '', align: 'left' },
      { header: '', align: 'left' },
    ],
    rows.map((r, i) => [i > 0 && rows[i - 1]!.section === r.section ? '' : r.section, r.label, r.value]),
  ).slice(2);
  return `${header}\n\n${table.join('\n')}\n`;
}
