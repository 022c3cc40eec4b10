// The ASCII Gantt chart of `strata sched`: one row per CPU, one character per column of
// time (a job symbol, or '.' when idle), and a ruler with time labels underneath.

import type { ExerciseSegment } from '@strata/core-scheduler';

/** Options of the ASCII chart. */
export interface AsciiGanttOptions {
  /** Number of CPU rows (CPUs with no segment still get a row). */
  readonly cpus: number;
  /** Maximum chart width in columns (default 72); longer runs are scaled down. */
  readonly width?: number;
}

const SYMBOLS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The one-character symbol of job `id`: 0-9, then A-Z (10-35), a-z (36-61), '#' beyond. */
export function jobSymbol(id: number): string {
  return SYMBOLS[id] ?? '#';
}

/** The smallest of 1, 2, 5, 10, 20, 50, ... that is ≥ `x`. */
export function niceCeil(x: number): number {
  if (x <= 1) return 1;
  let magnitude = 1;
  for (;;) {
    for (const m of [1, 2, 5]) if (m * magnitude >= x) return m * magnitude;
    magnitude *= 10;
  }
}

/**
 * Render the chart as lines: a scale note, one `CPU n |...|` row per CPU, a ruler and its
 * labels, and a symbol key when there are jobs numbered 10 or more. A column shows the job that
 * ran longest in it (ties: the one seen first), or '*' when several jobs ran and none for more
 * than half the column.
 */
export function renderAsciiGantt(timeline: readonly ExerciseSegment[], options: AsciiGanttOptions): string[] {
  const width = options.width ?? 72;
  const end = timeline.reduce((m, s) => Math.max(m, s.end), 0);
  if (end <= 0) return ['(nothing ran)'];
  const ticksPerColumn = niceCeil(end / width);
  const columns = Math.ceil(end / ticksPerColumn);
  const label = (cpu: number): string => `CPU ${cpu}`;
  const labelWidth = label(options.cpus - 1).length;

  const lines: string[] = [];
  let mixed = false;
  // Overlap of each job with each column, per CPU, in one pass over the timeline (it can hold
  // millions of segments). Maps keep first-seen order, so ties go to the job that ran first.
  const overlaps = Array.from({ length: options.cpus }, () => Array.from({ length: columns }, () => new Map<number, number>()));
  for (const s of timeline) {
    const row = overlaps[s.cpu];
    if (row === undefined) continue;
    const first = Math.max(0, Math.floor(s.start / ticksPerColumn));
    const last = Math.min(columns - 1, Math.ceil(s.end / ticksPerColumn) - 1);
    for (let c = first; c <= last; c++) {
      const overlap = Math.min((c + 1) * ticksPerColumn, s.end) - Math.max(c * ticksPerColumn, s.start);
      const cell = row[c];
      if (overlap > 0 && cell !== undefined) cell.set(s.job, (cell.get(s.job) ?? 0) + overlap);
    }
  }
  overlaps.forEach((row, cpu) => {
    const cells = row.map((cell) => {
      let best: number | undefined;
      let bestOverlap = 0;
      for (const [job, overlap] of cell) {
        if (overlap > bestOverlap) {
          best = job;
          bestOverlap = overlap;
        }
      }
      if (best === undefined) return '.';
      // Fine interleaving (RR with a small quantum, scaled down) must not look like one job running.
      if (cell.size > 1 && bestOverlap <= ticksPerColumn / 2) {
        mixed = true;
        return '*';
      }
      return jobSymbol(best);
    });
    lines.push(`${label(cpu).padEnd(labelWidth)} |${cells.join('')}|`);
  });

  const unit = `1 column = ${ticksPerColumn} tick${ticksPerColumn === 1 ? '' : 's'}`;
  lines.unshift(`Gantt chart (${unit}, '.' = idle${mixed ? ", '*' = several jobs, none for more than half the column" : ''}):`);

  // Ruler: '+' at each labelled time boundary; labels start under their '+'.
  const labelTicks = niceCeil(Math.max(5, String(end).length + 2) * ticksPerColumn);
  const indent = ' '.repeat(labelWidth + 1);
  let ruler = '';
  let labels = '';
  for (let c = 0; c <= columns; c++) {
    const t = c * ticksPerColumn;
    const marked = t % labelTicks === 0;
    ruler += marked ? '+' : '-';
    if (marked && (c === 0 || labels.length < c)) labels = labels.padEnd(c) + String(t);
  }
  lines.push(indent + ruler, indent + labels);
  if (timeline.some((s) => s.job >= 10)) {
    lines.push('key: 0-9 = jobs 0-9, A-Z = jobs 10-35, a-z = jobs 36-61, # = job 62 and up');
  }
  return lines;
}
