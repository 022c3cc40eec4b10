// Batch jobs as the report shows them: the batch engine's rows with VM names and integer µs (for
// the job completion CDF).

import type { BatchJobRow } from '@strata/core-cluster';

/** One batch job: where it ran and when, µs (null: never started, or unfinished). */
export interface JobRow {
  readonly id: string;
  readonly vm: string;
  readonly host: string;
  readonly startUs: number | null;
  readonly finishUs: number | null;
}

const micros = (seconds: number): number | null => (Number.isNaN(seconds) ? null : Math.round(seconds * 1_000_000));

/** The batch engine's rows (VM by index, seconds, NaN for never) as JobRows with VM names. */
export function jobRowsOf(rows: readonly BatchJobRow[], vmNames: readonly string[]): JobRow[] {
  return rows.map((r) => ({ id: String(r.id), vm: vmNames[r.vm] ?? String(r.vm), host: r.host, startUs: micros(r.start_s), finishUs: micros(r.finish_s) }));
}
