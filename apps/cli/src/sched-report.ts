// What `strata sched` prints for an exercise: the one-object JSON form, and the text form
// (a settings line, a per-job table with averages, a summary line and an ASCII Gantt chart).

import type { ExerciseInput, ExerciseJobResult, ExerciseResult, ExerciseSegment } from '@strata/core-scheduler';
import { usesQuantum } from './exercise-input.js';
import { formatFixed, formatFixed2 } from './format-fixed.js';
import { renderAsciiGantt } from './gantt-ascii.js';
import { renderTable } from './text-table.js';
import type { TableColumn } from './text-table.js';

/** One job of `SchedJson`: the timing fields of the exercise's per-job result. */
export type SchedJsonJob = Pick<ExerciseJobResult, 'id' | 'arrival' | 'length' | 'firstRun' | 'completion' | 'response' | 'turnaround' | 'wait'>;

/** The JSON document `strata sched --json` prints: a projection of `ExerciseResult`. */
export interface SchedJson extends Pick<ExerciseResult, 'policy' | 'avg'> {
  readonly jobs: readonly SchedJsonJob[];
  readonly timeline: readonly ExerciseSegment[];
}

/** Project a result onto the `--json` document: jobs in id order, `level` only where set (MLFQ). */
export function schedJson(result: ExerciseResult): SchedJson {
  return {
    policy: result.policy,
    jobs: [...result.jobs]
      .sort((a, b) => a.id - b.id)
      .map((j) => ({
        id: j.id,
        arrival: j.arrival,
        length: j.length,
        firstRun: j.firstRun,
        completion: j.completion,
        response: j.response,
        turnaround: j.turnaround,
        wait: j.wait,
      })),
    avg: { response: result.avg.response, turnaround: result.avg.turnaround, wait: result.avg.wait },
    // runExercise's segments have exactly these fields ({start, end, cpu, job} and `level` for
    // MLFQ); copying millions of them would double the memory of a large run.
    timeline: result.timeline,
  };
}

/** A per-job value: integers as they are, fractions (decimal lengths) with 2 decimals. */
export function formatTicks(value: number): string {
  return Number.isInteger(value) ? String(value) : formatFixed2(value);
}

/** Percentage with one decimal, e.g. 0.6667 → "66.7%". */
export function formatPercent(fraction: number): string {
  return `${formatFixed(fraction * 100, 1)}%`;
}

/** What `describeSettings` leaves out: the policy name, the I/O time, the job and CPU counts. */
export interface DescribeOptions {
  readonly policy?: boolean;
  readonly ioTime?: boolean;
  readonly counts?: boolean;
}

/**
 * One line describing the settings a run used, e.g. `policy rr · quantum 2 · 3 jobs · 1 CPU`.
 * Only settings the policy uses appear (a seed for lottery, a quantum where slices exist).
 */
export function describeSettings(input: ExerciseInput, show: DescribeOptions = {}): string {
  const parts: string[] = show.policy === false ? [] : [`policy ${input.policy}`];
  const withIo = input.jobs.some((j) => (j.ioFreq ?? 0) > 0);
  const { mlfq } = input;
  if (input.policy === 'mlfq' && mlfq !== undefined) {
    const quanta = mlfq.quanta ?? [];
    parts.push(`${quanta.length} queue${quanta.length === 1 ? '' : 's'} (quanta ${quanta.join(',')}, allotments ${(mlfq.allotments ?? []).join(',')}; highest first)`);
    parts.push(mlfq.boost ? `boost every ${mlfq.boost}` : 'no boost');
    if (show.ioTime !== false && withIo) parts.push(`io-time ${mlfq.ioTime ?? input.ioTime ?? 5}`);
    if (mlfq.stay) parts.push('stay');
    if (mlfq.ioBump) parts.push('io-bump');
  } else {
    if (input.quantum !== undefined && usesQuantum(input)) parts.push(`quantum ${input.quantum}`);
    const p = input.priorityOptions;
    if (p?.preemptive) parts.push('preemptive');
    if (p?.roundRobin) parts.push('round-robin among equals');
    if (p?.agingInterval !== undefined) parts.push(`aging every ${p.agingInterval}`);
    if (show.ioTime !== false && input.ioTime !== undefined && withIo) parts.push(`io-time ${input.ioTime}`);
  }
  if (input.contextSwitch) parts.push(`context switch ${input.contextSwitch}`);
  if (input.policy === 'lottery') parts.push(`seed ${input.seed ?? 0}`);
  if (show.counts !== false) {
    const n = input.jobs.length;
    const cpus = input.cpus ?? 1;
    parts.push(`${n} job${n === 1 ? '' : 's'}`, `${cpus} CPU${cpus === 1 ? '' : 's'}`);
  }
  return parts.join(' · ');
}

/**
 * Render the text report. Rows are in job-id order (JSON too); when jobs first ran in another
 * order (SJF, arrivals), a note gives the execution order, which scheduler.py uses for its rows.
 */
export function renderSchedText(input: ExerciseInput, result: ExerciseResult, options: { width?: number } = {}): string {
  const jobs = [...result.jobs].sort((a, b) => a.id - b.id);
  const showIo = jobs.some((j) => j.ioCount > 0);
  const edf = result.policy === 'edf';
  const deadlineOf = (id: number): number => {
    const job = input.jobs[id];
    return job?.deadline ?? (job?.arrival ?? 0) + (job?.length ?? 0);
  };
  const columns: TableColumn[] = [
    { header: 'job', align: 'right' },
    { header: 'arrival', align: 'right' },
    { header: 'length', align: 'right' },
    ...(showIo ? [{ header: 'I/Os', align: 'right' } as const] : []),
    { header: 'first run', align: 'right' },
    { header: 'completion', align: 'right' },
    { header: 'response', align: 'right' },
    { header: 'turnaround', align: 'right' },
    { header: 'wait', align: 'right' },
    ...(edf ? [{ header: 'deadline', align: 'right' } as const, { header: 'missed', align: 'left' } as const] : []),
  ];
  const rows = jobs.map((j) => [
    String(j.id),
    formatTicks(j.arrival),
    formatTicks(j.length),
    ...(showIo ? [String(j.ioCount)] : []),
    formatTicks(j.firstRun),
    formatTicks(j.completion),
    formatTicks(j.response),
    formatTicks(j.turnaround),
    formatTicks(j.wait),
    ...(edf ? [formatTicks(deadlineOf(j.id)), j.deadlineMissed === true ? 'MISSED' : ''] : []),
  ]);
  const blanks = showIo ? 5 : 4;
  rows.push(['average', ...Array<string>(blanks).fill(''), formatFixed2(result.avg.response), formatFixed2(result.avg.turnaround), formatFixed2(result.avg.wait)]);

  const lines = [describeSettings(input), '', ...renderTable(columns, rows)];

  const firstSegment = new Map<number, number>();
  result.timeline.forEach((s, i) => {
    if (!firstSegment.has(s.job)) firstSegment.set(s.job, i);
  });
  const seen = (id: number): number => firstSegment.get(id) ?? Number.MAX_SAFE_INTEGER;
  const firstRunOrder = [...jobs].sort((a, b) => a.firstRun - b.firstRun || seen(a.id) - seen(b.id)).map((j) => j.id);
  if (firstRunOrder.some((id, i) => id !== jobs[i]?.id)) {
    lines.push(`(rows in job-id order; jobs first ran in the order ${firstRunOrder.join(', ')})`);
  }
  if (edf) {
    const missed = jobs.filter((j) => j.deadlineMissed === true).length;
    lines.push(`(${missed} of ${jobs.length} deadline${jobs.length === 1 ? '' : 's'} missed)`);
  }
  lines.push('(times in ticks; wait = time runnable but not running)');

  const cpus = cpuCount(input, result);
  const width = options.width ?? 72;
  const utilization = result.utilization.length === 0 ? 0 : result.utilization.reduce((a, b) => a + b, 0) / result.utilization.length;
  lines.push(
    '',
    `makespan ${formatTicks(result.makespan)} ticks · CPU utilization ${formatPercent(utilization)} · fairness (Jain) ${formatFixed(result.fairness, 3)}`,
    '',
    ...renderAsciiGantt(result.timeline, { cpus, width }),
  );
  if (result.timeline.some((s) => s.level !== undefined)) {
    // The same chart with each job replaced by the MLFQ level it ran at: demotions and boosts at a glance.
    const levels = result.timeline.map((s) => ({ ...s, job: s.level ?? 0 }));
    const [, ...rows] = renderAsciiGantt(levels, { cpus, width });
    lines.push('', 'MLFQ queue level of the running job (0 = highest priority):', ...rows.filter((l) => !l.startsWith('key:')));
  }
  return `${lines.join('\n')}\n`;
}

/** CPUs to draw: as many as the input asked for, or more if the timeline uses more. */
export function cpuCount(input: ExerciseInput, result: ExerciseResult): number {
  // A loop, not Math.max(...spread): timelines can hold millions of segments.
  return result.timeline.reduce((n, s) => Math.max(n, s.cpu + 1), input.cpus ?? 1);
}
