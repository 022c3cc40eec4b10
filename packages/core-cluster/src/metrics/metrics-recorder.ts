// Time series sampled at fixed instants start + k·interval, stored by column (each series' values a
// region of a shared slab, sample times implicit, materialized on read); whole instants may be written
// as rows, staged row-major and moved into the columns in blocks.
import type { Micros } from '@strata/shared-types';
import { ConflictError, LimitExceededError, NotFoundError, ValidationError } from '@strata/shared-types';
import type { Series } from '../types.js';

/** Options of `createMetricsRecorder`. */
export interface MetricsRecorderOptions {
  /** Sampling interval, µs (a positive integer). */
  readonly interval: number;
  /** The first sampling instant, µs (default 0). */
  readonly start?: number;
  /** Most series (default 100,000). */
  readonly maxSeries?: number;
  /** Most stored samples over all series, gaps included (default 100,000,000: 800 MB of values). */
  readonly maxSamples?: number;
  /** Samples to reserve per series when it is defined (e.g. duration / interval + 1), so no array ever grows (default 16). */
  readonly capacity?: number;
  /** Most rows open at once (`openRow`; default 64, at most 100,000): each holds 8 bytes per series defined. */
  readonly maxOpenRows?: number;
}

/** A recorder of named series sampled at `start + k·interval`. */
export interface MetricsRecorder {
  readonly interval: Micros;
  readonly start: Micros;
  /**
   * Declare a series and return its id (0, 1, 2, … in definition order), which `sample` and
   * `sampleMany` take in place of the name, faster. Defining it again with the same unit returns
   * the same id; another unit is a ConflictError. LimitExceededError past `maxSeries`.
   */
  define(name: string, unit: string): number;
  /** The id of a defined series (NotFoundError otherwise). */
  id(name: string): number;
  /** Whether a series of that name is defined. */
  has(name: string): boolean;
  /**
   * Record `value` (finite) of series `series` (its name or id) at `time`, a sampling instant at or after the series'
   * last sample. Instants the series skipped are gaps: `series()` leaves them out.
   * Throws (changing nothing) NotFoundError for an undefined series, ValidationError for a
   * time off the grid or a non-finite value, ConflictError for a time already recorded or earlier,
   * LimitExceededError past `maxSamples`.
   */
  sample(time: number, series: string | number, value: number): void;
  /**
   * Record many series (names or ids; a series at most once) at one instant, `values[i]` for
   * `series[i]`: validates every entry first, then writes all or nothing. With ids and a
   * Float64Array this is the fast path for sampling a whole datacenter at once.
   */
  sampleMany(time: number, series: ArrayLike<string | number>, values: ArrayLike<number>): void;
  /**
   * Record a run of consecutive instants of one series (its name or id): `values[i]` at
   * `time + i·interval`, each checked as `sample` checks it (finite, after the series' last sample,
   * within `maxSamples`), all or nothing. The column is written in one stretch: the fast path for a
   * source read at many instants before it is recorded.
   */
  sampleRun(time: number, series: string | number, values: ArrayLike<number>): void;
  /**
   * The row of sampling instant `time` for writing many series by id (`row[id] = value`): a whole
   * instant at once, for a writer that has every series of an instant together. A fresh row is all NaN (nothing sampled);
   * it is at least as wide as the series defined when it is returned (call openRow again after defining
   * more: the row may be replaced by a wider one, its entries kept). Nothing in it is recorded until
   * commitRow(time). Rows of several instants may be open at once (at most `maxOpenRows`, default 64).
   * ValidationError for a time off the grid; LimitExceededError when `maxOpenRows` rows are open already.
   * Lifecycle of one instant: `openRow` → (write entries, `define`, `openRow` again)* → `commitRow`;
   * after a successful commit the array is the recorder's (it is staged as it is, then handed out again
   * for a later instant): keep no reference to it.
   */
  openRow(time: number): Float64Array;
  /**
   * Record the open row of `time`: every entry that is not NaN, checked as sampleMany checks (finite,
   * after the series' last sample, within maxSamples), all or nothing. On an error nothing is recorded
   * and the row stays open, unchanged. NotFoundError when no row of `time` is open (ValidationError
   * when `time` is off the grid).
   */
  commitRow(time: number): void;
  /** Every series in definition order, times and values materialized (gaps left out). */
  series(): Series[];
  /** One series by name or id (NotFoundError when undefined). */
  get(series: string | number): Series;
  /** The recorded values of one series (name or id), gaps left out, as a fresh Float64Array (cheaper than `get` for `summarize`). */
  values(series: string | number): Float64Array;
  /** Series defined. */
  readonly seriesCount: number;
  /** Samples stored over all series, gaps included (what `maxSamples` bounds). */
  readonly sampleCount: number;
  /** Bytes reserved for values now: 8 per sample of capacity (open and staged rows not counted). */
  readonly bytes: number;
}

const isPositiveInteger = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

/** Most rows open at once by default (each is 8 bytes per series: 64 × 89,000 series is 46 MB). */
const MAX_OPEN_ROWS = 64;
/** Committed rows kept row-major before they are moved into the columns in one block. */
const STAGED_ROWS = 32;
/**
 * Series moved into the columns together when the staged rows are consecutive instants: each row is
 * then read one cache line (8 values) at a time, and each of the 8 columns written at consecutive
 * places, instead of 32 rows read at once per series (a cache-blocked transpose: a rows run of
 * 89,000 series × 601 instants took 0.73–0.82 s instead of 0.99–1.05 s, medians of six, README).
 */
const FLUSH_BLOCK = 8;
/** Values in the largest shared slab (32 MB); the first slabs are smaller, so a small recorder stays small. */
const SLAB_VALUES = 1 << 22;
/** Series in the first slab; each next slab holds twice as many, up to SLAB_VALUES / capacity. */
const FIRST_SLAB_SERIES = 64;

/**
 * A metrics recorder. Memory: 8 bytes per stored sample (Float64Array values, no stored times),
 * plus the slack of growth (×1.5, so at most a third unused) unless `capacity` reserves each series'
 * length up front. 1,000 hosts + 8,000 VMs + 40,000 containers sampled every second for 10 minutes
 * is 49,000 × 601 = 29.5 M samples: 236 MB of values with `capacity: 601`.
 * A gap (an instant a series was not sampled) is stored as NaN, which is why `sample` refuses NaN.
 *
 * Storage: each series' reserved capacity is a region of a shared slab (a few large Float64Arrays,
 * not one ArrayBuffer per series); a series that outgrows it moves to an array of its own (its slab
 * region is then unused but stays allocated until the recorder is dropped). Order metadata (grid
 * index of the first and last sample, stored length, capacity, batch stamp) lives in typed arrays by
 * id. A committed row is validated and accounted at once (first, last, capacity, sampleCount) but its
 * values are staged row-major and moved into the columns STAGED_ROWS at a time, column by column, and
 * before any read or `sample`/`sampleMany` write, so every column stays in time order.
 * Beyond `bytes`: each open row is 8 bytes per series, the 32 staged rows as many (commitRow stages
 * the row itself, and a staged row once moved into the columns is the next openRow's array: no fresh
 * memory per instant), and the unused end of the newest slab (at most 32 MB).
 */
export function createMetricsRecorder(options: MetricsRecorderOptions): MetricsRecorder {
  const { interval } = options;
  const start = options.start ?? 0;
  const maxSeries = options.maxSeries ?? 100_000;
  const maxSamples = options.maxSamples ?? 100_000_000;
  const capacity = options.capacity ?? 16;
  const maxOpenRows = options.maxOpenRows ?? MAX_OPEN_ROWS;
  const checks: [string, number, boolean][] = [
    ['interval', interval, isPositiveInteger(interval)],
    ['start', start, Number.isSafeInteger(start) && start >= 0],
    ['maxSeries', maxSeries, isPositiveInteger(maxSeries)],
    ['maxSamples', maxSamples, isPositiveInteger(maxSamples)],
    ['capacity', capacity, isPositiveInteger(capacity)],
    ['maxOpenRows', maxOpenRows, isPositiveInteger(maxOpenRows) && maxOpenRows <= 100_000],
  ];
  for (const [path, value, ok] of checks) {
    if (!ok) throw new ValidationError(`metrics recorder option ${path} must be a ${path === 'start' ? 'non-negative' : 'positive'} integer${path === 'interval' || path === 'start' ? ' (µs)' : ''}${path === 'maxOpenRows' ? ' of at most 100,000' : ''}, got ${value}`, { path, accepted: path === 'maxOpenRows' ? 'integers 1..100,000' : 'integers' });
  }

  // Series by id: names and units, and typed metadata grown by doubling.
  const names: string[] = [];
  const units: string[] = [];
  const byName = new Map<string, number>();
  let count = 0;
  let room = 64;
  /** Grid index of the series' value 0 (set by its first sample). */
  let first = new Float64Array(room);
  /** Grid index of its last recorded sample, staged ones included; -1 before the first. */
  let last = new Float64Array(room).fill(-1);
  /** Values written into its column (gaps included); behind `last` while rows are staged. */
  let stored = new Int32Array(room);
  /** Its column's capacity, in values. */
  let cap = new Int32Array(room);
  /** The grid index its column is full at (first + cap), set with its first sample: commitRow's one look for growth. */
  let fullAt = new Float64Array(room);
  /** The batch of `sampleMany` that last named it (+stamp written, -stamp checked, not written). */
  let stamp = new Float64Array(room);
  /** Its column: `arrays[arrayOf[id]]` from `offsetOf[id]`. */
  let arrayOf = new Int32Array(room);
  let offsetOf = new Int32Array(room);
  /** Whether its column is an array of its own (it outgrew its slab region). */
  let alone = new Uint8Array(room);
  /** Shared slabs and the arrays of series that outgrew their region. */
  const arrays: Float64Array[] = [];
  let slab = -1;
  let slabNext = 0;
  let slabEnd = 0;
  let slabSeries = FIRST_SLAB_SERIES;

  let sampleCount = 0;
  let bytes = 0;
  let batch = 0;

  /** Open rows by grid index. */
  const open = new Map<number, Float64Array>();
  /** Committed rows not yet in the columns, in commit order: the row, its width and grid index. */
  const staged: Float64Array[] = [];
  const stagedWidth = new Int32Array(STAGED_ROWS);
  const stagedK = new Float64Array(STAGED_ROWS);
  /** Rows staged earlier and since moved into the columns, for `openRow` to hand out again. */
  const spare: Float64Array[] = [];
  let stagedCount = 0;

  const gridIndex = (time: number, what = 'sample time'): number => {
    if (!Number.isSafeInteger(time) || time < start || (time - start) % interval !== 0) {
      throw new ValidationError(`${what} must be a sampling instant start + k·interval (start ${start} µs, interval ${interval} µs), got ${time}`, { path: 'time', accepted: `${start} + k·${interval}` });
    }
    return (time - start) / interval;
  };
  /** The id of a series (name or id), or -1. */
  const lookup = (series: string | number): number => {
    if (typeof series === 'number') return series >>> 0 === series && series < count ? series : -1;
    return byName.get(series) ?? -1;
  };
  const idOf = (series: string | number): number => {
    const id = lookup(series);
    if (id < 0) throw new NotFoundError('series', String(series), { hint: 'define(name, unit) it first; ids are what define returned' });
    return id;
  };
  /** Samples a write at grid index `k` adds to series `id` (gap + 1); validates order. */
  const growthOf = (id: number, k: number, time: number): number => {
    const l = last[id]!;
    if (l < 0) return 1;
    if (k <= l) {
      throw new ConflictError(`series '${names[id]!}' already has samples up to ${start + l * interval} µs; got ${time} µs (samples go forward in time)`, { series: names[id]!, time });
    }
    return k - l;
  };
  const checkValue = (name: string, value: number): void => {
    if (!Number.isFinite(value)) throw new ValidationError(`sample of series '${name}' must be a finite number, got ${value}`, { path: name, accepted: 'finite numbers' });
  };
  const limit = (adding: number): void => {
    if (sampleCount + adding > maxSamples) {
      throw new LimitExceededError(`metrics recorder: maxSamples (${maxSamples}) would be exceeded (${sampleCount} stored, ${adding} more); raise maxSamples, lengthen the interval or sample fewer series`, { limit: 'maxSamples', max: maxSamples });
    }
  };
  /** Make room for value index `at` of series `id`: an array of its own, half as large again (at least). */
  const grow = (id: number, at: number): void => {
    const old = cap[id]!;
    const size = Math.max(at + 1, Math.ceil(old * 1.5));
    const grown = new Float64Array(size);
    const offset = offsetOf[id]!;
    grown.set(arrays[arrayOf[id]!]!.subarray(offset, offset + stored[id]!));
    if (alone[id] === 1) arrays[arrayOf[id]!] = grown;
    else {
      arrayOf[id] = arrays.push(grown) - 1;
      offsetOf[id] = 0;
      alone[id] = 1;
    }
    cap[id] = size;
    fullAt[id] = first[id]! + size;
    bytes += (size - old) * 8;
  };
  /** Write value `v` of series `id` at grid index `k` (validated; no row staged), gaps as NaN. */
  const write = (id: number, k: number, v: number): void => {
    if (last[id]! < 0) {
      first[id] = k;
      fullAt[id] = k + cap[id]!;
    }
    const at = k - first[id]!;
    if (at >= cap[id]!) grow(id, at);
    const values = arrays[arrayOf[id]!]!;
    const offset = offsetOf[id]!;
    const n = stored[id]!;
    if (at > n) values.fill(NaN, offset + n, offset + at);
    values[offset + at] = v;
    stored[id] = at + 1;
    last[id] = k;
  };
  /**
   * Move the staged rows into the columns: column by column, each column's staged values in commit
   * (= time) order, so a column's writes are consecutive. When the rows are consecutive instants, series
   * go FLUSH_BLOCK at a time wherever each of them has every row, its column ends just before the first
   * row and has room for them all (the common case: every series sampled at every instant); the rest
   * one by one. The metadata arrays are read into locals (nothing here resizes them): the loops then
   * touch typed arrays only.
   */
  const flush = (): void => {
    const rows = stagedCount;
    if (rows === 0) return;
    const n = count;
    const firstA = first;
    const storedA = stored;
    const capA = cap;
    const arrayA = arrayOf;
    const offsetA = offsetOf;
    const columns = arrays;
    const rowA = staged.slice(0, rows);
    const kA = stagedK.slice(0, rows);
    const widthA = stagedWidth.slice(0, rows); // a pooled copy may be longer than its row: entries past the width are stale
    // Series defined after a row was opened are absent from it: up to the narrowest row every row has every series.
    let narrowest = n;
    for (let r = 0; r < rows; r++) narrowest = Math.min(narrowest, widthA[r]!);
    const k0 = kA[0]!;
    let consecutive = true;
    for (let r = 1; r < rows && consecutive; r++) consecutive = kA[r] === k0 + r;
    /** Series `id`'s staged values, row by row, gaps as NaN. */
    const one = (id: number): void => {
      const values = columns[arrayA[id]!]!;
      const offset = offsetA[id]!;
      const base = offset - firstA[id]!; // values[base + k] holds grid index k
      const end = offset + storedA[id]!;
      let next = end;
      for (let r = 0; r < rows; r++) {
        const row = rowA[r]!;
        if (id >= narrowest && id >= widthA[r]!) continue;
        const v = row[id]!;
        if (v !== v) continue; // not sampled in this row
        const at = base + kA[r]!;
        if (at > next) values.fill(NaN, next, at);
        values[at] = v;
        next = at + 1;
      }
      if (next !== end) storedA[id] = next - offset;
    };
    /** Whether series `id` takes the rows at consecutive places of its column from its end. */
    const inBlock = (id: number): boolean => {
      const held = storedA[id]!;
      return held === k0 - firstA[id]! && held + rows <= capA[id]!;
    };
    const blocks = consecutive ? Math.floor(narrowest / FLUSH_BLOCK) * FLUSH_BLOCK : 0;
    const cols = blockColumns;
    const at0 = blockAt;
    const written = blockWritten;
    let id = 0;
    for (; id < blocks; id += FLUSH_BLOCK) {
      let all = true;
      for (let b = 0; b < FLUSH_BLOCK && all; b++) all = inBlock(id + b);
      if (!all) {
        for (let b = 0; b < FLUSH_BLOCK; b++) one(id + b);
        continue;
      }
      for (let b = 0; b < FLUSH_BLOCK; b++) {
        const end = offsetA[id + b]! + storedA[id + b]!;
        cols[b] = columns[arrayA[id + b]!]!;
        at0[b] = end;
        written[b] = end;
      }
      for (let r = 0; r < rows; r++) {
        const row = rowA[r]!;
        for (let b = 0; b < FLUSH_BLOCK; b++) {
          const v = row[id + b]!;
          const at = at0[b]! + r;
          cols[b]![at] = v; // NaN where the row has none: a gap if a later row has one, else past the end
          if (v === v) written[b] = at + 1;
        }
      }
      for (let b = 0; b < FLUSH_BLOCK; b++) storedA[id + b] = written[b]! - offsetA[id + b]!;
    }
    for (; id < n; id++) one(id);
    stagedCount = 0;
  };
  /** A flush's columns and places for one block of series (reused: a flush allocates nothing per block). */
  const blockColumns: Float64Array[] = [];
  const blockAt = new Int32Array(FLUSH_BLOCK);
  const blockWritten = new Int32Array(FLUSH_BLOCK);
  /** The grid index of the last sample of series `id` in its column and the staged rows (-1 for none): what `last[id]` was before a row that failed. */
  const lastBefore = (id: number): number => {
    for (let r = stagedCount - 1; r >= 0; r--) {
      if (id < stagedWidth[r]! && staged[r]![id] === staged[r]![id]) return stagedK[r]!;
    }
    return stored[id] === 0 ? -1 : first[id]! + stored[id]! - 1;
  };
  const resize = (size: number): void => {
    const widen = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    first = widen(first, (n) => new Float64Array(n));
    last = widen(last, (n) => new Float64Array(n).fill(-1));
    stored = widen(stored, (n) => new Int32Array(n));
    cap = widen(cap, (n) => new Int32Array(n));
    fullAt = widen(fullAt, (n) => new Float64Array(n));
    stamp = widen(stamp, (n) => new Float64Array(n));
    arrayOf = widen(arrayOf, (n) => new Int32Array(n));
    offsetOf = widen(offsetOf, (n) => new Int32Array(n));
    alone = widen(alone, (n) => new Uint8Array(n));
    room = size;
  };
  /** `sampleRun`: consecutive instants of one series from `time`, each checked as `sample` checks it, all or nothing. */
  const recordRun = (time: number, series: string | number, values: ArrayLike<number>): void => {
    const id = idOf(series);
    const k = gridIndex(time);
    const n = values.length;
    if (n === 0) return;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v - v !== 0) checkValue(names[id]!, v); // NaN or ±Infinity
    }
    const adding = growthOf(id, k, time) + n - 1;
    limit(adding);
    flush();
    for (let i = 0; i < n; i++) write(id, k + i, values[i]!);
    sampleCount += adding;
  };
  /** `sample`'s one value, as a run of one. */
  const one = new Float64Array(1);
  const materialize = (id: number): Series => {
    const n = stored[id]!;
    const values = arrays[arrayOf[id]!]!;
    const offset = offsetOf[id]!;
    const f = first[id]!;
    const times: Micros[] = new Array<Micros>(n);
    const out: number[] = new Array<number>(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = values[offset + i]!;
      if (v !== v) continue; // a gap (NaN)
      times[m] = (start + (f + i) * interval) as Micros;
      out[m++] = v;
    }
    times.length = m;
    out.length = m;
    return { name: names[id]!, unit: units[id]!, times, values: out };
  };

  return {
    interval: interval as Micros,
    start: start as Micros,
    define(name: string, unit: string): number {
      if (typeof name !== 'string' || name.length === 0) throw new ValidationError('a series name must be a non-empty string', { path: 'name', accepted: 'non-empty strings' });
      const existing = byName.get(name);
      if (existing !== undefined) {
        if (units[existing] !== unit) throw new ConflictError(`series '${name}' is already defined with unit '${units[existing]!}', not '${unit}'`, { series: name });
        return existing;
      }
      if (count >= maxSeries) {
        throw new LimitExceededError(`metrics recorder: maxSeries (${maxSeries}) reached; cannot define series '${name}' — raise maxSeries or sample fewer objects`, { limit: 'maxSeries', max: maxSeries });
      }
      if (slabNext === slabEnd) {
        // A new slab: twice the last one's series, at most SLAB_VALUES values (one series at least), never past maxSeries.
        const series = Math.min(slabSeries, Math.max(1, Math.floor(SLAB_VALUES / capacity)), maxSeries - count);
        slab = arrays.push(new Float64Array(series * capacity)) - 1;
        slabNext = 0;
        slabEnd = series * capacity;
        slabSeries = series * 2;
      }
      if (count === room) resize(room * 2);
      const id = count++;
      names.push(name);
      units.push(unit);
      byName.set(name, id);
      arrayOf[id] = slab;
      offsetOf[id] = slabNext;
      slabNext += capacity;
      cap[id] = capacity;
      bytes += capacity * 8;
      return id;
    },
    id: (name: string): number => idOf(name),
    has: (name) => byName.has(name),
    sample(time: number, series: string | number, value: number): void {
      one[0] = value;
      recordRun(time, series, one);
    },
    sampleRun: recordRun,
    sampleMany(time: number, series: ArrayLike<string | number>, values: ArrayLike<number>): void {
      if (series.length !== values.length) {
        throw new ValidationError(`sampleMany needs one value per series: ${series.length} series, ${values.length} values`, { path: 'values', accepted: 'as many values as series' });
      }
      const k = gridIndex(time);
      flush(); // the fast path below writes the columns directly
      const n = series.length;
      const s = ++batch;
      // One pass: each entry is checked, then written where the next instant has room (the common
      // case); a bad entry undoes the writes before it, so the batch is all or nothing. An entry that
      // needs a gap, growth or is a series' first is left for a second pass, once the whole batch is known good.
      let adding = 0;
      let deferred = false;
      let i = 0;
      try {
        for (; i < n; i++) {
          const id = lookup(series[i]!);
          if (id < 0) idOf(series[i]!);
          if (stamp[id] === s || stamp[id] === -s) throw new ConflictError(`sampleMany names series '${names[id]!}' twice`, { series: names[id]! });
          const v = values[i]!;
          if (v - v !== 0) checkValue(names[id]!, v); // NaN or ±Infinity
          const l = last[id]!;
          const at = k - first[id]!;
          if (l >= 0 && k === l + 1 && at < cap[id]!) {
            stamp[id] = s;
            arrays[arrayOf[id]!]![offsetOf[id]! + at] = v;
            stored[id] = at + 1;
            last[id] = k;
            adding++;
          } else {
            adding += growthOf(id, k, time);
            stamp[id] = -s; // checked, not written yet
            deferred = true;
          }
        }
        limit(adding);
      } catch (error) {
        for (let j = 0; j < i; j++) {
          const id = lookup(series[j]!);
          if (stamp[id] === s) {
            stored[id] = k - first[id]!;
            last[id] = k - 1;
          }
          stamp[id] = 0;
        }
        throw error;
      }
      for (let j = 0; j < n && deferred; j++) {
        const id = lookup(series[j]!);
        if (stamp[id] !== -s) continue;
        stamp[id] = s;
        write(id, k, values[j]!);
      }
      sampleCount += adding;
    },
    openRow(time: number): Float64Array {
      const k = gridIndex(time, 'row time');
      const row = open.get(k);
      if (row !== undefined) {
        if (row.length >= count) return row;
        const wider = new Float64Array(count).fill(NaN);
        wider.set(row);
        open.set(k, wider);
        return wider;
      }
      if (open.size >= maxOpenRows) {
        const instants = [...open.keys()].sort((a, b) => a - b).map((j) => start + j * interval);
        throw new LimitExceededError(
          `metrics recorder: ${maxOpenRows} rows are open already (instants ${instants[0]!} … ${instants[instants.length - 1]!} µs); commitRow(time) one of them before opening the row of ${time} µs`,
          { limit: 'maxOpenRows', max: maxOpenRows },
        );
      }
      // A row staged and moved into the columns earlier is taken again (no fresh memory to fault in).
      let fresh = spare.pop();
      if (fresh === undefined || fresh.length < count) fresh = new Float64Array(count);
      fresh.fill(NaN);
      open.set(k, fresh);
      return fresh;
    },
    commitRow(time: number): void {
      const k = gridIndex(time, 'row time');
      const row = open.get(k);
      if (row === undefined) throw new NotFoundError('open row of instant', `${time} µs`, { hint: 'openRow(time) first, then commitRow(time) once; a committed row is closed' });
      const width = row.length;
      const lastA = last;
      const firstA = first;
      const fullA = fullAt;
      const capA = cap;
      // One pass checks each entry and moves the series' last sample to k at once (the common case: a
      // finite value after its last sample); a bad entry, or maxSamples, undoes those moves, so nothing
      // changes on an error. Growth waits until the whole row is known good.
      let adding = 0;
      let growing = false;
      let id = 0;
      try {
        for (; id < width; id++) {
          const v = row[id]!;
          if (v !== v) continue; // not sampled
          const l = lastA[id]!;
          if (v - v !== 0 || l >= k) {
            checkValue(names[id]!, v);
            growthOf(id, k, time);
          }
          if (l < 0) {
            adding += 1;
            firstA[id] = k;
            fullA[id] = k + capA[id]!;
          } else adding += k - l;
          lastA[id] = k;
          if (k >= fullA[id]!) growing = true;
        }
        limit(adding);
      } catch (error) {
        for (let j = 0; j < id; j++) if (row[j] === row[j]) lastA[j] = lastBefore(j);
        throw error;
      }
      for (let j = 0; j < width && growing; j++) if (row[j] === row[j] && k >= fullA[j]!) grow(j, k - firstA[j]!);
      // The row itself is staged (no copy); the one its place held, moved into the columns already, is spare.
      const r = stagedCount++;
      const moved = staged[r];
      if (moved !== undefined && spare.length < STAGED_ROWS) spare.push(moved);
      staged[r] = row;
      stagedWidth[r] = width;
      stagedK[r] = k;
      sampleCount += adding;
      open.delete(k);
      if (stagedCount === STAGED_ROWS) flush();
    },
    series(): Series[] {
      flush();
      const out: Series[] = new Array<Series>(count);
      for (let id = 0; id < count; id++) out[id] = materialize(id);
      return out;
    },
    get(series: string | number): Series {
      const id = idOf(series);
      flush();
      return materialize(id);
    },
    values(series: string | number): Float64Array {
      const id = idOf(series);
      flush();
      const n = stored[id]!;
      const values = arrays[arrayOf[id]!]!;
      const offset = offsetOf[id]!;
      const out = new Float64Array(n);
      let m = 0;
      for (let i = 0; i < n; i++) {
        const v = values[offset + i]!;
        if (v === v) out[m++] = v;
      }
      return m === n ? out : out.slice(0, m);
    },
    get seriesCount() {
      return count;
    },
    get sampleCount() {
      return sampleCount;
    },
    get bytes() {
      return bytes;
    },
  };
}
