// Typed trace records, the sink interface they go to, ready-made sinks, and a stable hash
// of a trace (FNV-1a 64 over canonical JSON lines) for determinism checks.
import type { Micros } from '@strata/shared-types';
import { ValidationError } from '@strata/shared-types';
import { fnv1a64Byte, fnv1a64Hex, fnv1a64Init, fnv1a64String } from './fnv1a.js';

/** One trace record: what happened (`category`, `data`) at simulated `time`, in emission order `seq`. */
export interface TraceRecord {
  /** Simulated time of the record, integer µs. */
  readonly time: Micros;
  /** Emission index within the simulation (0, 1, 2, ...; counts records a filter dropped too). */
  readonly seq: number;
  /** A dotted category such as 'event', 'cpu.switch' or 'cgroup.throttled'. */
  readonly category: string;
  /** JSON-like payload (plain objects, arrays, strings, finite numbers, booleans, null). */
  readonly data: Readonly<Record<string, unknown>>;
}

/** Where trace records go. `accepts` (optional) lets the simulation skip building records nobody keeps. */
export interface TraceSink {
  /** Receive one record (called in `seq` order). */
  record(record: TraceRecord): void;
  /** Whether records of `category` are wanted; absent means every category is. */
  accepts?(category: string): boolean;
}

/** A sink that keeps every record in `records`. */
export interface ArrayTraceSink extends TraceSink {
  readonly records: TraceRecord[];
}

/** Keep every record in memory (tests, small runs). */
export function arrayTraceSink(): ArrayTraceSink {
  const records: TraceRecord[] = [];
  return {
    records,
    record(record: TraceRecord): void {
      records.push(record);
    },
  };
}

/** A sink that only counts records, in total and per category. */
export interface CountingTraceSink extends TraceSink {
  /** Records received. */
  total(): number;
  /** Records received per category, keys in first-seen order. */
  byCategory(): ReadonlyMap<string, number>;
}

/** Count records (cheap: no record is kept). */
export function countingTraceSink(): CountingTraceSink {
  let total = 0;
  const counts = new Map<string, number>();
  return {
    record(record: TraceRecord): void {
      total++;
      counts.set(record.category, (counts.get(record.category) ?? 0) + 1);
    },
    total: () => total,
    byCategory: () => counts,
  };
}

/** A sink that hashes records as they arrive: `hash()` equals `traceHash` of the same records. */
export interface HashingTraceSink extends TraceSink {
  /** FNV-1a 64 (16 hex digits) of the records received so far. */
  hash(): string;
  /** Records received. */
  count(): number;
}

/** Hash records on the fly, keeping none: for determinism checks on long runs. */
export function hashingTraceSink(): HashingTraceSink {
  const h = fnv1a64Init();
  let count = 0;
  return {
    record(record: TraceRecord): void {
      fnv1a64String(h, formatTraceRecord(record));
      fnv1a64Byte(h, 0x0a);
      count++;
    },
    hash: () => fnv1a64Hex(h),
    count: () => count,
  };
}

/**
 * Pass on only records whose category is accepted: `categories` lists exact categories or
 * prefixes ending in '.' or '*' ('cpu.' and 'cpu.*' both match 'cpu.switch'), or is a predicate.
 */
export function filterTraceSink(sink: TraceSink, categories: readonly string[] | ((category: string) => boolean)): TraceSink {
  let accepts: (category: string) => boolean;
  if (typeof categories === 'function') {
    accepts = categories;
  } else if (Array.isArray(categories)) {
    const exact = new Set<string>();
    const prefixes: string[] = [];
    for (const c of categories) {
      if (typeof c !== 'string' || c.length === 0) {
        throw new ValidationError(`invalid trace category ${JSON.stringify(c)}: expected a non-empty string`, { path: 'categories', value: c });
      }
      if (c.endsWith('*')) prefixes.push(c.slice(0, -1));
      else if (c.endsWith('.')) prefixes.push(c);
      else exact.add(c);
    }
    accepts = (category) => exact.has(category) || prefixes.some((p) => category.startsWith(p));
  } else {
    throw new ValidationError('invalid trace filter: expected an array of categories or a predicate', { path: 'categories' });
  }
  const inner = sink.accepts === undefined ? undefined : sink.accepts.bind(sink);
  return {
    accepts: (category) => accepts(category) && (inner === undefined || inner(category)),
    record: (record) => {
      if (accepts(record.category)) sink.record(record);
    },
  };
}

/**
 * JSON with object keys sorted (recursively), otherwise as `JSON.stringify`: the canonical
 * encoding that `traceHash` hashes. BigInts encode as decimal strings.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value) ?? 'null';
}

/** Every value a string, number, boolean or null: plain JSON of the object is canonical once keys are sorted. */
function isFlat(obj: Record<string, unknown>, keys: string[]): boolean {
  for (const k of keys) {
    const v = obj[k];
    const t = typeof v;
    if (t !== 'string' && t !== 'number' && t !== 'boolean' && v !== null) return false;
  }
  return true;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  return true;
}

/** The canonical text of `value`, or undefined where JSON has no form (undefined, functions, symbols). */
function canonical(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"${value.toString()}"`;
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += canonical(value[i] as unknown) ?? 'null';
        }
        return out + ']';
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      // Keys already sorted and flat values: native JSON.stringify writes the same text
      // (it enumerates keys in the order Object.keys returned and checked).
      if (isFlat(obj, keys) && isSorted(keys)) return JSON.stringify(obj);
      if (keys.length > 1) keys.sort();
      let out = '{';
      for (const k of keys) {
        const v = canonical(obj[k]);
        if (v === undefined) continue;
        if (out.length > 1) out += ',';
        out += JSON.stringify(k) + ':' + v;
      }
      return out + '}';
    }
    default:
      return undefined;
  }
}

/** One record as a canonical JSON line (no newline): what NDJSON trace files hold and `traceHash` hashes. */
export function formatTraceRecord(record: TraceRecord): string {
  return `{"category":${JSON.stringify(record.category)},"data":${canonicalJson(record.data)},"seq":${record.seq},"time":${record.time}}`;
}

/**
 * A stable hash of a trace: FNV-1a 64 over the UTF-8 of each record's canonical JSON line
 * followed by '\n'. Equal traces give equal hashes in any process; 16 lowercase hex digits.
 */
export function traceHash(records: Iterable<TraceRecord>): string {
  const sink = hashingTraceSink();
  for (const r of records) sink.record(r);
  return sink.hash();
}
