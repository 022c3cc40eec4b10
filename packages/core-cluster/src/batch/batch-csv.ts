// The batch workload file: `id,length_mi,pes,vm,submit_time` (CloudSim's `cloudlet_id`, `vm_id`
// accepted) parsed straight into typed columns, one pass over the text, no per-row objects.
import { ValidationError } from '@strata/shared-types';
import type { BatchJobs } from './types.js';

type Column = 'id' | 'length_mi' | 'pes' | 'vm' | 'submit_time';

const COLUMN_NAMES: Readonly<Record<string, Column>> = {
  id: 'id',
  cloudlet_id: 'id',
  length_mi: 'length_mi',
  pes: 'pes',
  vm: 'vm',
  vm_id: 'vm',
  submit_time: 'submit_time',
};

const ACCEPTED_HEADER = 'id,length_mi,pes,vm,submit_time (in any order; cloudlet_id and vm_id are accepted for id and vm)';

const WHAT: Readonly<Record<Column, string>> = {
  id: 'a non-negative integer',
  length_mi: 'a positive number of MI (per PE)',
  pes: 'a positive integer',
  vm: 'a non-negative integer VM index',
  submit_time: 'a non-negative decimal number of seconds, like 0 or 12.5',
};

/** Largest submit time accepted, s (keeps µs times exact integers in a double). */
const MAX_SUBMIT_S = 1e9;

function fail(file: string, line: number, column: Column | null, message: string, value?: string): never {
  const where = column === null ? `${file}:${line}` : `${file}:${line} column ${column}`;
  throw new ValidationError(`${where}: ${message}`, { path: file, line, ...(column === null ? {} : { column }), ...(value === undefined ? {} : { value }) });
}

function badValue(file: string, line: number, column: Column, raw: string): never {
  fail(file, line, column, `expected ${WHAT[column]}, got "${raw}"`, raw);
}

const C0 = 48;
const C9 = 57;
const DOT = 46;
const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const COMMA = 44;

/**
 * Parse a batch workload CSV into columns (row order kept). The first non-empty line is the header:
 * exactly the five columns, in any order, `cloudlet_id`/`vm_id` as aliases. Fields may carry spaces;
 * empty lines are skipped; CRLF is fine. `submit_time` is rounded to the µs. Ids must be unique.
 * Every error is a ValidationError naming `file:line`, the column, the value and what is accepted.
 * VM indices are checked against the VMs by `createBatchModel`.
 */
export function parseBatchCsv(text: string, fileName = 'jobs.csv'): BatchJobs {
  const n = text.length;
  let pos = 0;
  let line = 0;
  // Header: the first non-empty line.
  let header = '';
  while (pos < n && header === '') {
    line++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    header = text.slice(pos, end).trim();
    pos = end + 1;
  }
  if (header === '') fail(fileName, Math.max(line, 1), null, `the file is empty; expected a header ${ACCEPTED_HEADER}`);
  const headerLine = line;
  const names = header.split(',').map((h) => h.trim().toLowerCase());
  const order: Column[] = [];
  const seen = new Set<Column>();
  for (const name of names) {
    const col = COLUMN_NAMES[name];
    if (col === undefined) fail(fileName, headerLine, null, `unknown column "${name}"; the header is ${ACCEPTED_HEADER}`, name);
    if (seen.has(col)) fail(fileName, headerLine, null, `column ${col} appears twice; the header is ${ACCEPTED_HEADER}`, name);
    seen.add(col);
    order.push(col);
  }
  for (const col of ['id', 'length_mi', 'pes', 'vm', 'submit_time'] as const) {
    if (!seen.has(col)) fail(fileName, headerLine, null, `missing column ${col}; the header is ${ACCEPTED_HEADER}`);
  }
  const codes = Int8Array.from(order, (col) => COLUMN_CODE[col]);
  const cap = countLines(text, pos) + 1;
  const out: Columns = { id: new Float64Array(cap), lengthMi: new Float64Array(cap), pes: new Int32Array(cap), vm: new Int32Array(cap), submitUs: new Float64Array(cap) };
  const count = parseRows(text, pos, line, codes, out, fileName, order);
  if (!idsAreRowNumbers(out.id, count)) checkUniqueIds(out.id, count, fileName);
  return {
    count,
    id: out.id.subarray(0, count),
    lengthMi: out.lengthMi.subarray(0, count),
    pes: out.pes.subarray(0, count),
    vm: out.vm.subarray(0, count),
    submitUs: out.submitUs.subarray(0, count),
  };
}

interface Columns {
  readonly id: Float64Array;
  readonly lengthMi: Float64Array;
  readonly pes: Int32Array;
  readonly vm: Int32Array;
  readonly submitUs: Float64Array;
}

const COLUMN_CODE: Readonly<Record<Column, number>> = { id: 0, length_mi: 1, pes: 2, vm: 3, submit_time: 4 };
const CODE_COLUMN: readonly Column[] = ['id', 'length_mi', 'pes', 'vm', 'submit_time'];

// The loops live in small functions of their own so that each is optimized (and on-stack replaced)
// alone, instead of one large function deoptimizing at the code after each loop.

function countLines(text: string, from: number): number {
  let n = 0;
  let at = text.indexOf('\n', from);
  while (at >= 0) {
    n++;
    at = text.indexOf('\n', at + 1);
  }
  return n;
}

function idsAreRowNumbers(id: Float64Array, count: number): boolean {
  for (let i = 0; i < count; i++) if (id[i] !== i) return false;
  return true;
}

/** Parse the data lines from `pos` into `out`; returns the row count. */
function parseRows(text: string, pos: number, line: number, codes: Int8Array, out: Columns, fileName: string, order: readonly Column[]): number {
  const n = text.length;
  const cols = codes.length;
  let count = 0;
  while (pos < n) {
    line++;
    const next = fastRow(text, pos, codes, out, count);
    if (next >= 0) {
      count++;
      pos = next;
      continue;
    }
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    let stop = end;
    if (stop > pos && text.charCodeAt(stop - 1) === CR) stop--;
    // Skip blank lines.
    let probe = pos;
    while (probe < stop && (text.charCodeAt(probe) === SPACE || text.charCodeAt(probe) === TAB)) probe++;
    if (probe === stop) {
      pos = end + 1;
      continue;
    }
    let fieldStart = pos;
    for (let c = 0; c < cols; c++) {
      const fieldEnd = c === cols - 1 ? stop : text.indexOf(',', fieldStart);
      if (fieldEnd < 0 || fieldEnd > stop) {
        fail(fileName, line, null, `expected ${cols} comma-separated fields (${order.join(',')}), got ${c + 1}`);
      }
      if (c === cols - 1) {
        const extra = text.indexOf(',', fieldStart);
        if (extra >= 0 && extra < stop) fail(fileName, line, null, `expected ${cols} comma-separated fields (${order.join(',')}), got more`);
      }
      // Trim spaces.
      let a = fieldStart;
      while (a < fieldEnd && (text.charCodeAt(a) === SPACE || text.charCodeAt(a) === TAB)) a++;
      let b = fieldEnd;
      while (b > a && (text.charCodeAt(b - 1) === SPACE || text.charCodeAt(b - 1) === TAB)) b--;
      const code = codes[c]!;
      if (code === 0) {
        const v = parseUint(text, a, b);
        if (v < 0) badValue(fileName, line, CODE_COLUMN[code]!, text.slice(a, b));
        out.id[count] = v;
      } else if (code === 1) {
        const v = parseDecimal(text, a, b);
        if (!(v > 0) || !Number.isFinite(v)) badValue(fileName, line, CODE_COLUMN[code]!, text.slice(a, b));
        out.lengthMi[count] = v;
      } else if (code === 2) {
        const v = parseUint(text, a, b);
        if (v < 1 || v > 1_000_000) badValue(fileName, line, CODE_COLUMN[code]!, text.slice(a, b));
        out.pes[count] = v;
      } else if (code === 3) {
        const v = parseUint(text, a, b);
        if (v < 0 || v > 2_000_000_000) badValue(fileName, line, CODE_COLUMN[code]!, text.slice(a, b));
        out.vm[count] = v;
      } else {
        const v = parseMicros(text, a, b);
        if (v < 0) badValue(fileName, line, CODE_COLUMN[code]!, text.slice(a, b));
        out.submitUs[count] = v;
      }
      fieldStart = fieldEnd + 1;
    }
    count++;
    pos = end + 1;
  }
  return count;
}

/**
 * One plain row (digits, `.` in length_mi/submit_time with at most 6 decimals, no spaces) parsed in a
 * single pass; returns the position after its line end, or -1 to leave the row to the general path
 * (spaces, blank lines, longer decimals, and every error, which that path reports).
 */
function fastRow(text: string, pos: number, codes: Int8Array, out: Columns, row: number): number {
  const n = text.length;
  const cols = codes.length;
  let i = pos;
  for (let c = 0; c < cols; c++) {
    const code = codes[c]!;
    const fieldStart = i;
    let v = 0;
    let digits = 0;
    let ch = i < n ? text.charCodeAt(i) : -1;
    while (ch >= C0 && ch <= C9) {
      v = v * 10 + (ch - C0);
      digits++;
      ch = ++i < n ? text.charCodeAt(i) : -1;
    }
    if (digits === 0 || digits > 15) return -1;
    if (ch === DOT) {
      if (code !== 1 && code !== 4) return -1;
      let scale = 100_000;
      let frac = 0;
      let fd = 0;
      ch = ++i < n ? text.charCodeAt(i) : -1;
      while (ch >= C0 && ch <= C9) {
        if (++fd > 6) return -1;
        frac += (ch - C0) * scale;
        scale /= 10;
        ch = ++i < n ? text.charCodeAt(i) : -1;
      }
      if (fd === 0) return -1;
      // submit in µs exactly; a length's fraction back to MI (rare: the general path would agree).
      if (code === 4) {
        if (v > MAX_SUBMIT_S) return -1;
        out.submitUs[row] = v * 1_000_000 + frac;
      } else {
        const length = Number(text.slice(fieldStart, i));
        if (!(length > 0)) return -1;
        out.lengthMi[row] = length;
      }
    } else if (code === 0) out.id[row] = v;
    else if (code === 1) {
      if (v === 0) return -1;
      out.lengthMi[row] = v;
    } else if (code === 2) {
      if (v < 1 || v > 1_000_000) return -1;
      out.pes[row] = v;
    } else if (code === 3) {
      if (v > 2_000_000_000) return -1;
      out.vm[row] = v;
    } else {
      if (v > MAX_SUBMIT_S) return -1;
      out.submitUs[row] = v * 1_000_000;
    }
    if (c < cols - 1) {
      if (ch !== COMMA) return -1;
      i++;
    } else if (ch === LF) return i + 1;
    else if (ch === CR) return i + 1 < n && text.charCodeAt(i + 1) === LF ? i + 2 : -1;
    else if (ch === -1) return n;
    else return -1;
  }
  return -1;
}

function checkUniqueIds(id: Float64Array, count: number, fileName: string): void {
  const seen = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const first = seen.get(id[i]!);
    if (first !== undefined) {
      // Data line numbers are not kept per row; name the ids and rows instead.
      throw new ValidationError(`${fileName}: id ${id[i]!} appears twice (data rows ${first + 1} and ${i + 1}); ids must be unique`, { path: fileName, column: 'id', value: id[i]! });
    }
    seen.set(id[i]!, i);
  }
}

/** Digits only → integer; -1 when not a plain non-negative safe integer. */
function parseUint(text: string, a: number, b: number): number {
  if (a === b || b - a > 15) return -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const ch = text.charCodeAt(i);
    if (ch < C0 || ch > C9) return -1;
    v = v * 10 + (ch - C0);
  }
  return v;
}

/** `digits[.digits]` → number; NaN otherwise. */
function parseDecimal(text: string, a: number, b: number): number {
  if (a === b) return NaN;
  let v = 0;
  let i = a;
  let digits = 0;
  for (; i < b; i++) {
    const ch = text.charCodeAt(i);
    if (ch < C0 || ch > C9) break;
    v = v * 10 + (ch - C0);
    digits++;
  }
  if (i === b) return digits > 0 && digits <= 15 ? v : digits > 0 ? Number(text.slice(a, b)) : NaN;
  if (text.charCodeAt(i) !== DOT) return NaN;
  let fracDigits = 0;
  for (let j = i + 1; j < b; j++) {
    const ch = text.charCodeAt(j);
    if (ch < C0 || ch > C9) return NaN;
    fracDigits++;
  }
  if (digits === 0 && fracDigits === 0) return NaN;
  return Number(text.slice(a, b));
}

/** Seconds as `digits[.digits]` → integer µs, rounded half up at the 7th decimal; -1 otherwise. */
function parseMicros(text: string, a: number, b: number): number {
  if (a === b) return -1;
  let secs = 0;
  let i = a;
  let digits = 0;
  for (; i < b; i++) {
    const ch = text.charCodeAt(i);
    if (ch < C0 || ch > C9) break;
    secs = secs * 10 + (ch - C0);
    digits++;
  }
  if (secs > MAX_SUBMIT_S) return -1;
  let us = 0;
  if (i < b) {
    if (text.charCodeAt(i) !== DOT) return -1;
    let scale = 100_000;
    let fracDigits = 0;
    for (let j = i + 1; j < b; j++) {
      const ch = text.charCodeAt(j);
      if (ch < C0 || ch > C9) return -1;
      fracDigits++;
      if (fracDigits <= 6) {
        us += (ch - C0) * scale;
        scale /= 10;
      } else if (fracDigits === 7 && ch >= C0 + 5) us += 1;
    }
    if (digits === 0 && fracDigits === 0) return -1;
  } else if (digits === 0) return -1;
  return secs * 1_000_000 + us;
}
