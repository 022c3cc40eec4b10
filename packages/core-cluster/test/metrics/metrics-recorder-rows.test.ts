// Rows (openRow/commitRow): known answers, widening after a define, the open-row limit, commits that
// fail and change nothing, reads while committed rows are still staged, and a cross-check against
// the same samples written with `sample`.
import { describe, expect, it } from 'vitest';
import { createMetricsRecorder } from '../../src/metrics/index.js';

describe('openRow / commitRow', () => {
  it('records the entries that are not NaN, at the row instant', () => {
    const r = createMetricsRecorder({ interval: 10, start: 100 });
    const a = r.define('a', 'u');
    r.define('b', 'u');
    const c = r.define('c', 'u');
    const row0 = r.openRow(100);
    expect(Array.from(row0)).toEqual([NaN, NaN, NaN]);
    row0[a] = 1;
    row0[c] = 3;
    r.commitRow(100);
    const row1 = r.openRow(110);
    row1[1] = 2;
    row1[c] = 4;
    r.commitRow(110);
    expect(r.sampleCount).toBe(4);
    expect(r.series()).toEqual([
      { name: 'a', unit: 'u', times: [100], values: [1] },
      { name: 'b', unit: 'u', times: [110], values: [2] },
      { name: 'c', unit: 'u', times: [100, 110], values: [3, 4] },
    ]);
    r.sample(130, a, 5); // a gap at 110 and 120
    expect(r.get('a')).toMatchObject({ times: [100, 130], values: [1, 5] });
    expect(r.sampleCount).toBe(4 + 3);
  });

  it('takes a row with nothing in it', () => {
    const r = createMetricsRecorder({ interval: 1 });
    r.define('a', 'u');
    r.openRow(3);
    r.commitRow(3);
    expect(r.sampleCount).toBe(0);
    expect(r.get('a').times).toEqual([]);
  });

  it('returns the same row when reopened, and a wider one with its entries after a define', () => {
    const r = createMetricsRecorder({ interval: 1 });
    r.define('a', 'u');
    const row = r.openRow(0);
    row[0] = 7;
    expect(r.openRow(0)).toBe(row);
    const b = r.define('b', 'u');
    expect(row.length).toBe(1);
    const wider = r.openRow(0);
    expect(wider).not.toBe(row);
    expect(Array.from(wider)).toEqual([7, NaN]);
    wider[b] = 8;
    r.commitRow(0);
    expect(r.series().map((s) => s.values)).toEqual([[7], [8]]);
  });

  it('commits a row opened before later defines without its new series', () => {
    const r = createMetricsRecorder({ interval: 1 });
    r.define('a', 'u');
    const row = r.openRow(0);
    row[0] = 1;
    r.define('b', 'u');
    r.commitRow(0);
    expect(r.get('a').values).toEqual([1]);
    expect(r.get('b').values).toEqual([]);
    r.sample(0, 'b', 2); // b has no sample at 0 yet
    expect(r.get('b').values).toEqual([2]);
  });

  it('keeps several rows open, committed in any order a series allows', () => {
    const r = createMetricsRecorder({ interval: 1 });
    const a = r.define('a', 'u');
    const b = r.define('b', 'u');
    const rows = [0, 1, 2].map((t) => r.openRow(t));
    rows[0]![a] = 10;
    rows[2]![b] = 32;
    rows[1]![b] = 21;
    r.commitRow(2);
    r.commitRow(0); // a only: a has no sample yet
    expect(() => r.commitRow(1)).toThrow(/series 'b' already has samples up to 2 µs; got 1 µs \(samples go forward in time\)/);
    rows[1]![b] = NaN;
    rows[1]![a] = 11;
    r.commitRow(1);
    expect(r.get(a)).toMatchObject({ times: [0, 1], values: [10, 11] });
    expect(r.get(b)).toMatchObject({ times: [2], values: [32] });
  });

  it('refuses a bad row whole, naming the entry and what is accepted, and leaves it open and unchanged', () => {
    const r = createMetricsRecorder({ interval: 1, maxSamples: 6 });
    for (const n of ['a', 'b', 'c']) r.define(n, 'u');
    r.sampleMany(0, [0, 1, 2], [1, 1, 1]);
    const before = JSON.stringify(r.series());

    const row = r.openRow(1);
    row.set([2, Infinity, 2]);
    expect(() => r.commitRow(1)).toThrowError(expect.objectContaining({ code: 'E_VALIDATION', message: "sample of series 'b' must be a finite number, got Infinity" }) as Error);
    expect(Array.from(row)).toEqual([2, Infinity, 2]);
    expect(r.openRow(1)).toBe(row);

    row[1] = -Infinity;
    expect(() => r.commitRow(1)).toThrow(/series 'b' must be a finite number, got -Infinity/);

    row[1] = 2;
    r.sample(1, 'c', 5); // c now has a sample at the row instant
    const afterSample = JSON.stringify(r.series());
    expect(() => r.commitRow(1)).toThrowError(expect.objectContaining({ code: 'E_CONFLICT', message: expect.stringContaining("series 'c' already has samples up to 1 µs; got 1 µs") as string }) as Error);
    expect(JSON.stringify(r.series())).toBe(afterSample);
    expect(r.sampleCount).toBe(4);

    row[2] = NaN;
    const later = r.openRow(3);
    later.set([4, 4, 4]); // a and b would store 1, 2 (gaps) and 3, c 2 (a gap) and 3: 8 more
    expect(() => r.commitRow(3)).toThrowError(expect.objectContaining({ code: 'E_LIMIT_EXCEEDED', message: expect.stringContaining('maxSamples (6) would be exceeded (4 stored, 8 more); raise maxSamples') as string }) as Error);
    expect(r.sampleCount).toBe(4);
    r.commitRow(1);
    expect(r.sampleCount).toBe(6);
    expect(JSON.stringify(r.series())).not.toBe(before);
    expect(r.series().map((s) => s.values)).toEqual([[1, 2], [1, 2], [1, 5]]);
    expect(() => r.commitRow(3)).toThrow(/maxSamples \(6\)/);
    expect(Array.from(later)).toEqual([4, 4, 4]);
  });

  it('says when no row of the instant is open, or the instant is off the grid', () => {
    const r = createMetricsRecorder({ interval: 1000, start: 1000 });
    r.define('a', 'u');
    expect(() => r.commitRow(2000)).toThrowError(
      expect.objectContaining({ code: 'E_NOT_FOUND', message: "open row of instant '2000 µs' does not exist", details: expect.objectContaining({ hint: expect.stringContaining('openRow(time) first') as string }) as object }) as Error,
    );
    r.openRow(2000)[0] = 1;
    r.commitRow(2000);
    expect(() => r.commitRow(2000)).toThrowError(expect.objectContaining({ code: 'E_NOT_FOUND' }) as Error); // committed: closed
    expect(() => r.openRow(2500)).toThrowError(
      expect.objectContaining({ code: 'E_VALIDATION', message: 'row time must be a sampling instant start + k·interval (start 1000 µs, interval 1000 µs), got 2500' }) as Error,
    );
    expect(() => r.openRow(0)).toThrow(/row time must be a sampling instant/);
    expect(() => r.commitRow(1000.5)).toThrow(/row time must be a sampling instant/);
    expect(r.get('a').values).toEqual([1]);
  });

  it('opens a fresh row for an instant already committed; its commit fails per series sampled there', () => {
    const r = createMetricsRecorder({ interval: 1 });
    r.define('a', 'u');
    r.define('b', 'u');
    const first = r.openRow(0);
    first[0] = 1;
    r.commitRow(0);
    const again = r.openRow(0);
    expect(again).not.toBe(first);
    expect(Array.from(again)).toEqual([NaN, NaN]);
    again[0] = 2;
    expect(() => r.commitRow(0)).toThrow(/series 'a' already has samples up to 0 µs; got 0 µs/);
    again[0] = NaN;
    again[1] = 3;
    r.commitRow(0);
    expect(r.series().map((s) => s.values)).toEqual([[1], [3]]);
  });

  it('keeps at most 64 rows open, and says to commit one', () => {
    const r = createMetricsRecorder({ interval: 1 });
    r.define('a', 'u');
    for (let t = 0; t < 64; t++) r.openRow(t);
    expect(() => r.openRow(64)).toThrowError(
      expect.objectContaining({
        code: 'E_LIMIT_EXCEEDED',
        message: 'metrics recorder: 64 rows are open already (instants 0 … 63 µs); commitRow(time) one of them before opening the row of 64 µs',
      }) as Error,
    );
    expect(r.openRow(63)).toBeInstanceOf(Float64Array); // reopening an open instant is no new row
    r.commitRow(5);
    r.openRow(64)[0] = 1;
    r.commitRow(64);
    expect(r.get('a').times).toEqual([64]);
  });

  it('takes another limit of open rows as maxOpenRows (1..100,000), refusing others by name', () => {
    const r = createMetricsRecorder({ interval: 1, maxOpenRows: 2 });
    r.define('a', 'u');
    r.openRow(0);
    r.openRow(1);
    expect(() => r.openRow(2)).toThrow(/2 rows are open already \(instants 0 … 1 µs\)/);
    for (const bad of [0, 1.5, 100_001]) {
      expect(() => createMetricsRecorder({ interval: 1, maxOpenRows: bad })).toThrowError(
        expect.objectContaining({ code: 'E_VALIDATION', message: `metrics recorder option maxOpenRows must be a positive integer of at most 100,000, got ${bad}` }) as Error,
      );
    }
  });

  it('a series that stops being sampled near the end of its column leaves its neighbours in the slab intact', () => {
    // capacity 40: series 0 is sampled at instants 0..39 (its column full), then no more; the other
    // eight at 24..63, which fits their columns (they stay in the slab, right after series 0's). The
    // second batch of 32 rows (32..63) runs past the end of series 0's column: its part there is
    // written where it fits, not into the next column.
    const r = createMetricsRecorder({ interval: 1, capacity: 40 });
    for (let id = 0; id < 9; id++) r.define(`s${id}`, 'u');
    for (let t = 0; t < 64; t++) {
      const row = r.openRow(t);
      for (let id = 0; id < 9; id++) if (id === 0 ? t < 40 : t >= 24) row[id] = t * 100 + id;
      r.commitRow(t);
    }
    expect(Array.from(r.values('s0'))).toEqual(Array.from({ length: 40 }, (_, t) => t * 100));
    for (let id = 1; id < 9; id++) expect(Array.from(r.values(`s${id}`))).toEqual(Array.from({ length: 40 }, (_, i) => (24 + i) * 100 + id));
    expect(r.bytes).toBe(9 * 40 * 8); // no column grew
  });

  it('shows every committed row to reads while rows are still staged, and to sample after them', () => {
    const r = createMetricsRecorder({ interval: 1, capacity: 2 });
    const ids = ['a', 'b', 'c'].map((n) => r.define(n, 'u'));
    const model: number[][] = [[], [], []];
    const commit = (t: number): void => {
      const row = r.openRow(t);
      for (const id of ids) {
        if ((t + id) % 3 === 0) continue; // a gap
        row[id] = t * 10 + id;
        model[id]!.push(t);
      }
      r.commitRow(t);
    };
    for (let t = 0; t < 40; t++) commit(t); // 32 moved into the columns, 8 staged
    expect(r.get('b').times).toEqual(model[1]);
    for (let t = 40; t < 45; t++) commit(t);
    expect(Array.from(r.values('a'))).toEqual(model[0]!.map((t) => t * 10));
    for (let t = 45; t < 50; t++) commit(t);
    r.sample(50, 'c', 502);
    model[2]!.push(50);
    for (let t = 51; t < 60; t++) commit(t);
    const all = r.series();
    for (const id of ids) {
      expect(all[id]!.times).toEqual(model[id]);
      expect(all[id]!.values).toEqual(model[id]!.map((t) => (t === 50 ? 502 : t * 10 + id)));
    }
    expect(r.sampleCount).toBe(model.reduce((n, m) => n + (m[m.length - 1]! - m[0]! + 1), 0));
  });

  it('stores and reserves exactly what the same samples written with sample() do', () => {
    const viaRows = createMetricsRecorder({ interval: 5, capacity: 3 });
    const viaSample = createMetricsRecorder({ interval: 5, capacity: 3 });
    for (const r of [viaRows, viaSample]) for (let s = 0; s < 5; s++) r.define(`s${s}`, 'u');
    for (let k = 0; k < 100; k++) {
      const row = viaRows.openRow(k * 5);
      for (let s = 0; s < 5; s++) {
        if ((k * 7 + s * 3) % (s + 2) !== 0) continue; // series s samples about one instant in s + 2
        row[s] = k + s / 10;
        viaSample.sample(k * 5, s, k + s / 10);
      }
      viaRows.commitRow(k * 5);
      expect(viaRows.sampleCount).toBe(viaSample.sampleCount);
      expect(viaRows.bytes).toBe(viaSample.bytes);
    }
    expect(viaRows.series()).toEqual(viaSample.series());
    expect(viaRows.bytes).toBeGreaterThan(5 * 3 * 8); // growth past the capacity happened
  });
});
