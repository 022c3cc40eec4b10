// A self-contained SVG Gantt chart of an exercise timeline (`strata sched --svg FILE`):
// one lane per CPU, one <rect> per segment with a <title> tooltip, a time axis and a legend.
// Only segments are drawn as <rect>, so a reader can count them.

import type { ExerciseSegment } from '@strata/core-scheduler';
import { niceCeil } from './gantt-ascii.js';

/** Options of the SVG chart. */
export interface SvgGanttOptions {
  /** Number of CPU lanes. */
  readonly cpus: number;
  /** Heading drawn above the chart (escaped). */
  readonly title?: string;
  /** Total width in pixels (default 960). */
  readonly width?: number;
}

const LEFT = 64;
const RIGHT = 24;
const TOP = 40;
const LANE = 28;
const LANE_GAP = 10;
const AXIS = 34;
const LEGEND_ROW = 20;
const LEGEND_ITEM = 80;

/** Escape text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The fill color of job `id`: hues spread by the golden angle so neighbours differ. */
export function jobColor(id: number): string {
  return `hsl(${Math.round((id * 137.508) % 360)}, 62%, 58%)`;
}

/** The tooltip of a segment, e.g. `job 2 [10,15) level 1`. */
export function segmentTooltip(s: ExerciseSegment): string {
  return `job ${s.job} [${s.start},${s.end})${s.level === undefined ? '' : ` level ${s.level}`}`;
}

/** Render the chart as an SVG document string. */
export function renderGanttSvg(timeline: readonly ExerciseSegment[], options: SvgGanttOptions): string {
  const width = options.width ?? 960;
  const cpus = Math.max(1, options.cpus);
  const end = Math.max(1, timeline.reduce((m, s) => Math.max(m, s.end), 0));
  const plot = width - LEFT - RIGHT;
  const x = (t: number): number => round(LEFT + (t / end) * plot);
  const laneY = (cpu: number): number => TOP + cpu * (LANE + LANE_GAP);
  const axisY = laneY(cpus) - LANE_GAP + 6;
  const jobs = [...new Set(timeline.map((s) => s.job))].sort((a, b) => a - b);
  const perRow = Math.max(1, Math.floor(plot / LEGEND_ITEM));
  const legendY = axisY + AXIS;
  const height = legendY + Math.ceil(Math.max(1, jobs.length) / perRow) * LEGEND_ROW + 8;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
  );
  out.push(`<text x="${LEFT}" y="22" font-size="14" font-weight="600">${escapeXml(options.title ?? 'Schedule')}</text>`);
  for (let cpu = 0; cpu < cpus; cpu++) {
    const y = laneY(cpu);
    out.push(`<text x="${LEFT - 8}" y="${round(y + LANE / 2 + 4)}" text-anchor="end">CPU ${cpu}</text>`);
    out.push(`<line x1="${LEFT}" y1="${y + LANE}" x2="${LEFT + plot}" y2="${y + LANE}" stroke="#ccc"/>`);
  }
  for (const s of timeline) {
    const x0 = x(s.start);
    const w = Math.max(0.5, round(x(s.end) - x0));
    const y = laneY(s.cpu);
    out.push(
      `<rect x="${x0}" y="${y}" width="${w}" height="${LANE}" fill="${jobColor(s.job)}" stroke="#fff" stroke-width="0.5"><title>${escapeXml(segmentTooltip(s))}</title></rect>`,
    );
    if (w >= 16) out.push(`<text x="${round(x0 + w / 2)}" y="${round(y + LANE / 2 + 4)}" text-anchor="middle" pointer-events="none">${s.job}</text>`);
  }

  // Time axis: a baseline and a tick every `step` ticks (1, 2 or 5 times a power of ten).
  out.push(`<line x1="${LEFT}" y1="${axisY}" x2="${LEFT + plot}" y2="${axisY}" stroke="#333"/>`);
  const step = niceCeil(end / 10);
  for (let t = 0; t <= end; t += step) {
    out.push(`<line x1="${x(t)}" y1="${axisY}" x2="${x(t)}" y2="${axisY + 5}" stroke="#333"/>`);
    out.push(`<text x="${x(t)}" y="${axisY + 18}" text-anchor="middle">${t}</text>`);
  }
  out.push(`<text x="${LEFT + plot}" y="${axisY + 30}" text-anchor="end" fill="#666">time (ticks)</text>`);

  jobs.forEach((job, i) => {
    const cx = LEFT + (i % perRow) * LEGEND_ITEM + 6;
    const cy = legendY + Math.floor(i / perRow) * LEGEND_ROW + 6;
    out.push(`<circle cx="${cx}" cy="${cy}" r="6" fill="${jobColor(job)}"/>`);
    out.push(`<text x="${cx + 10}" y="${cy + 4}">job ${job}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
