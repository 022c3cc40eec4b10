// Per-job results of batch workloads (`--results jobs.csv`, the report's completion CDF), gathered
// from the datacenter's job events: `job.started` and `job.finished`, subject `job:ID`, with the
// job's `vm` and `host` instance names.

import type { ClusterEvent } from '@strata/core-cluster';

/** One batch job: where it ran and when, µs (`finishUs` null while unfinished). */
export interface JobRow {
  readonly id: string;
  readonly vm: string;
  readonly host: string;
  readonly startUs: number | null;
  readonly finishUs: number | null;
}

/** Collects job rows from a stream of events. */
export interface JobCollector {
  readonly onEvent: (event: ClusterEvent) => void;
  /** Rows by id (numerically when every id is an integer), one per job seen. */
  rows(): JobRow[];
}

interface MutableRow {
  id: string;
  vm: string;
  host: string;
  startUs: number | null;
  finishUs: number | null;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

/** A collector of `job.*` events (others are ignored). */
export function jobCollector(): JobCollector {
  const jobs = new Map<string, MutableRow>();
  return {
    onEvent(event) {
      if (!event.type.startsWith('job.') || !event.subject.startsWith('job:')) return;
      const id = event.subject.slice(4);
      let row = jobs.get(id);
      if (row === undefined) {
        row = { id, vm: '', host: '', startUs: null, finishUs: null };
        jobs.set(id, row);
      }
      row.vm = text(event['vm']) ?? row.vm;
      row.host = text(event['host']) ?? row.host;
      if (event.type === 'job.started') row.startUs = event.time;
      if (event.type === 'job.finished') row.finishUs = event.time;
    },
    rows() {
      const rows = [...jobs.values()];
      if (rows.every((r) => /^\d+$/.test(r.id))) rows.sort((a, b) => Number(a.id) - Number(b.id));
      return rows.map((r) => ({ ...r }));
    },
  };
}

/** `us` microseconds as seconds with exactly six decimals (the clock's 1 µs resolution), from integers only. */
export function formatSeconds(us: number): string {
  const whole = Math.floor(us / 1_000_000);
  const frac = us - whole * 1_000_000;
  return `${whole}.${String(frac).padStart(6, '0')}`;
}

/** A CSV field, quoted when it holds a comma, quote or newline. */
function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The lines of `jobs.csv`: header `id,vm,host,start_s,finish_s`, then one row per job (empty times for a job not started or not finished). */
export function jobsCsvLines(rows: readonly JobRow[]): string[] {
  return [
    'id,vm,host,start_s,finish_s',
    ...rows.map((r) => [csvField(r.id), csvField(r.vm), csvField(r.host), r.startUs === null ? '' : formatSeconds(r.startUs), r.finishUs === null ? '' : formatSeconds(r.finishUs)].join(',')),
  ];
}
