// What `strata sched --spec FILE` prints for a group experiment: the JSON document, or a
// table per group and per task with a share bar for each group.

import type { GroupExperimentGroup, GroupExperimentTask } from '@strata/core-scheduler';
import { formatFixed } from './format-fixed.js';
import { formatPercent } from './sched-report.js';
import { renderTable } from './text-table.js';

/** The result of a group experiment, as `runGroupExperiment` returns it (times in µs). */
export interface GroupExperimentReport {
  readonly duration: number;
  readonly cpus?: number;
  readonly fidelity?: string;
  readonly tasks: readonly GroupExperimentTask[];
  readonly groups: readonly GroupExperimentGroup[];
  readonly warnings: readonly string[];
}

/** The JSON document `strata sched --spec FILE --json` prints (warnings go to stderr). */
export function groupJson(result: GroupExperimentReport): Pick<GroupExperimentReport, 'duration' | 'tasks' | 'groups'> {
  return { duration: result.duration, tasks: result.tasks, groups: result.groups };
}

/** A bar of `width` cells, `fraction` of them filled (clamped to 0..1). */
export function shareBar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function ms(usec: number): string {
  return formatFixed(usec / 1000, 1);
}

/** A duration in µs for people: `10 s`, `250 ms`, `1500 µs`, `2.5 s`. */
export function formatDuration(usec: number): string {
  if (usec >= 1_000_000 && usec % 1000 === 0) return `${usec / 1_000_000} s`;
  if (usec >= 1000 && usec % 1000 === 0) return `${usec / 1000} ms`;
  return `${usec} µs`;
}

/**
 * Render the text report: a group table (CPU time, share, bandwidth-control counters), a
 * share bar per group (scaled to the largest share when groups use more than one CPU), and
 * a task table. Shares are the `fraction` fields of the result.
 */
export function renderGroupText(result: GroupExperimentReport, options: { file?: string } = {}): string {
  const lines: string[] = [];
  const setup = [`${formatDuration(result.duration)} simulated`];
  if (result.cpus !== undefined) setup.push(`${result.cpus} CPU${result.cpus === 1 ? '' : 's'}`);
  if (result.fidelity !== undefined) setup.push(`${result.fidelity} fidelity`);
  lines.push(`${options.file === undefined ? 'group experiment' : options.file}: ${setup.join(', ')}`, '');
  lines.push(
    ...renderTable(
      [
        { header: 'group', align: 'left' },
        { header: 'CPU (ms)', align: 'right' },
        { header: 'share', align: 'right' },
        { header: 'periods', align: 'right' },
        { header: 'throttled', align: 'right' },
        { header: 'throttled (ms)', align: 'right' },
      ],
      result.groups.map((g) => [g.path, ms(g.cpuUsec), formatPercent(g.fraction), String(g.nrPeriods), String(g.nrThrottled), ms(g.throttledUsec)]),
    ),
  );
  const scale = Math.max(1, ...result.groups.map((g) => g.fraction));
  const pathWidth = Math.max(0, ...result.groups.map((g) => g.path.length));
  lines.push('');
  if (scale > 1) lines.push(`(bars scaled to ${formatFixed(scale, 2)} CPUs)`);
  for (const g of result.groups) lines.push(`${g.path.padEnd(pathWidth)}  ${shareBar(g.fraction / scale)}  ${formatPercent(g.fraction).padStart(6)}`);
  if (result.tasks.length > 0) {
    lines.push(
      '',
      ...renderTable(
        [
          { header: 'task', align: 'left' },
          { header: 'group', align: 'left' },
          { header: 'CPU (ms)', align: 'right' },
          { header: 'share', align: 'right' },
        ],
        result.tasks.map((t) => [t.name, t.group, ms(t.cpuUsec), formatPercent(t.fraction)]),
      ),
    );
  }
  lines.push('', 'share = CPU time / simulated time (1 CPU = 100%); periods and throttled count bandwidth-control periods (quota/period)');
  return `${lines.join('\n')}\n`;
}
