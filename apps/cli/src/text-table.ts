// Plain-text tables with aligned columns; widths ignore ANSI color codes so highlighted
// cells line up with plain ones.

/** One column: its header and how its cells align. */
export interface TableColumn {
  readonly header: string;
  readonly align: 'left' | 'right';
}

// eslint-disable-next-line no-control-regex -- matching the ESC of ANSI color codes is the point
const ANSI = /\x1b\[[0-9;]*m/g;

/** Printed width of `text`: its length without ANSI color codes. */
export function visibleWidth(text: string): number {
  return text.replace(ANSI, '').length;
}

/** Pad `text` to `width` printed columns on the side `align` leaves open. */
export function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}

/**
 * Render `rows` under `columns` as lines (no trailing spaces), columns separated by `gap`
 * spaces, with a rule of '-' under the header. Rows shorter than the column list are padded.
 */
export function renderTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[], gap = 2): string[] {
  const widths = columns.map((col, c) => Math.max(visibleWidth(col.header), ...rows.map((row) => visibleWidth(row[c] ?? ''))));
  const line = (cells: readonly string[]): string =>
    columns
      .map((col, c) => pad(cells[c] ?? '', widths[c] ?? 0, col.align))
      .join(' '.repeat(gap))
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join(' '.repeat(gap));
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)];
}
