// The HTML report of a datacenter run: one self-contained page (echarts and the data inlined, no
// network access) with the summary, the charts and a filterable event log. Pure: input → text.

import { REPORT_CLIENT_SCRIPT } from './report-client.js';
import { reportData } from './report-data.js';
import type { ReportData, ReportInput } from './report-data.js';

/** Text escaped for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * JSON that is safe inside a `<script>` element: `<` is written `\u003c` (so neither `</script>` nor
 * `<!--` can end or confuse the element), and U+2028/U+2029 are escaped too.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A library's source made safe to inline in a `<script>` element: a `</script` in it (in a string
 * or a comment) would end the element early, so it is written `<\/script`, which JavaScript reads the same.
 */
export function scriptSafeSource(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const STYLE = `
  :root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #f9fafb; }
  header { padding: 20px 28px 12px; background: #fff; border-bottom: 1px solid var(--line); }
  h1 { margin: 0; font-size: 20px; }
  .subtitle { color: var(--muted); margin-top: 4px; }
  main { padding: 20px 28px; display: grid; gap: 20px; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); }
  section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; min-width: 0; }
  section.wide { grid-column: 1 / -1; }
  h2 { margin: 0 0 8px; font-size: 15px; }
  .note { color: var(--muted); font-size: 12px; margin: 0 0 6px; }
  .chart { width: 100%; height: 320px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { font-weight: 600; color: var(--muted); }
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  td.type { white-space: nowrap; color: var(--accent); }
  td.detail { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; }
  .summary td.section { font-weight: 600; }
  .filters { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; flex-wrap: wrap; }
  .filters input { flex: 1; min-width: 200px; padding: 4px 8px; }
  .log { max-height: 480px; overflow: auto; }
`;

function summaryTable(data: ReportData): string {
  const rows = data.summary.map((row, i) => {
    const section = i > 0 && data.summary[i - 1]!.section === row.section ? '' : row.section;
    return `<tr><td class="section">${escapeHtml(section)}</td><td>${escapeHtml(row.label)}</td><td>${escapeHtml(row.value)}</td></tr>`;
  });
  return `<table class="summary"><tbody>${rows.join('')}</tbody></table>`;
}

function chartSections(data: ReportData): string {
  return data.charts
    .map((c) => {
      const note = c.note === undefined ? '' : `<p class="note">${escapeHtml(c.note)}</p>`;
      const body = c.lines.length === 0 ? '' : `<div class="chart" id="chart-${escapeHtml(c.id)}" role="img" aria-label="${escapeHtml(c.title)}"></div>`;
      return `<section><h2>${escapeHtml(c.title)}</h2>${note}${body}</section>`;
    })
    .join('\n');
}

/** The whole page for `input`, with `echarts` (the text of echarts.min.js) inlined. */
export function renderReportHtml(input: ReportInput, options: { readonly echarts: string }): string {
  const data = reportData(input);
  const eventsNote = data.eventsNote === undefined ? '' : `<p class="note">${escapeHtml(data.eventsNote)}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(data.title)}</h1><div class="subtitle">${escapeHtml(data.subtitle)}</div></header>
<main>
<section><h2>Summary</h2>${summaryTable(data)}</section>
${chartSections(data)}
<section class="wide"><h2>Event log</h2>${eventsNote}
<div class="filters"><select id="event-type" aria-label="event type"><option value="">all types</option></select><input id="event-text" type="search" placeholder="filter by subject, type or detail" aria-label="filter events"><span id="event-count" class="note"></span></div>
<div class="log"><table><thead><tr><th>time (s)</th><th>type</th><th>subject</th><th>detail</th></tr></thead><tbody id="event-rows"></tbody></table></div>
</section>
</main>
<script type="application/json" id="strata-data">${scriptSafeJson(data)}</script>
<script>${scriptSafeSource(options.echarts)}</script>
<script>${REPORT_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
