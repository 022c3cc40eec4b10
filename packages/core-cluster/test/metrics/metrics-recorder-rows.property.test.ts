// Rows under random use: several rows open at once and committed in any order, entries that are
// non-finite, at or before a series' last sample, or past maxSamples, defines between openRow and
// commitRow (a row held from before them is narrower; reopening widens it), mixed with sample and
// sampleMany and reads while rows are staged. Every commit lands whole, as a plain per-series model
// says, or throws and changes nothing; sampleCount always equals the model's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMetricsRecorder } from '../../src/metrics/metrics-recorder.js';

const MAX_SERIES = 7;
const INTERVAL = 10;

const valueArb = fc.oneof({ weight: 14, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(Infinity, -Infinity) });
/** An instant relative to the last one opened (mostly forward, sometimes back). */
const stepArb = fc.integer({ min: -3, max: 3 });
/** An open row, as an index into the open instants in time order (modulo their count). */
const rowArb = fc.nat({ max: 63 });
const seriesArb = fc.integer({ min: 0, max: MAX_SERIES - 1 });
const opArb = fc.oneof(
  { weight: 1, arbitrary: fc.record({ type: fc.constant('define' as const) }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('open' as const), step: stepArb }) },
  { weight: 6, arbitrary: fc.record({ type: fc.constant('set' as const), row: rowArb, series: seriesArb, value: valueArb }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('fill' as const), row: rowArb, value: fc.double({ min: -1e3, max: 1e3, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('unset' as const), row: rowArb, series: seriesArb }) },
  { weight: 5, arbitrary: fc.record({ type: fc.constant('commit' as const), row: rowArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('commitClosed' as const), step: stepArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('sample' as const), step: stepArb, series: seriesArb, value: valueArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('sampleMany' as const), step: stepArb, series: fc.uniqueArray(seriesArb, { maxLength: 4 }), value: valueArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('read' as const), series: seriesArb }) },
);

describe('openRow / commitRow', () => {
  it('lands a committed row whole or not at all, as a per-series model says', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 100, maxLength: 400, size: 'max' }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 15, max: 600 }), fc.boolean(), fc.boolean(), (ops, capacity, maxSamples, rowsOnly, snapshot) => {
        const r = createMetricsRecorder({ interval: INTERVAL, capacity, maxSamples });
        /** Per defined series, its samples as [grid index, value]. */
        const model: [number, number][][] = [];
        /** Open rows by grid index: the model's entries, and the array the test holds (maybe narrower than the recorder's). */
        const open = new Map<number, { entries: Map<number, number>; held: Float64Array }>();
        const define = (): void => {
          expect(r.define(`s${model.length}`, 'u')).toBe(model.length);
          model.push([]);
        };
        define();
        define();
        const lastOf = (id: number): number => (model[id]!.length === 0 ? -1 : model[id]![model[id]!.length - 1]![0]);
        const stored = (): number => model.reduce((n, m) => n + (m.length === 0 ? 0 : m[m.length - 1]![0] - m[0]![0] + 1), 0);
        /** Samples a write at k adds, or -1 when the entry is bad (non-finite, not after the last sample). */
        const adds = (id: number, k: number, value: number): number => (!Number.isFinite(value) || lastOf(id) >= k ? -1 : lastOf(id) < 0 ? 1 : k - lastOf(id));
        const expected = (): string => JSON.stringify(model.map((m, id) => ({ name: `s${id}`, unit: 'u', times: m.map((x) => x[0] * INTERVAL), values: m.map((x) => x[1]) })));
        // With `snapshot`, series() before and after the failure are the same; without, nothing is read
        // before it (so it meets rows still staged) and series() after it is what the model holds.
        const unchangedOnThrow = (action: () => void): void => {
          const before = snapshot ? JSON.stringify(r.series()) : expected();
          expect(action).toThrow();
          expect(JSON.stringify(r.series())).toBe(before);
        };
        let clock = 0;
        const near = (step: number): number => Math.max(0, clock + step);
        /** The open row an op names, or undefined when none is open. */
        const pick = (i: number): number | undefined => {
          const ks = [...open.keys()].sort((a, b) => a - b);
          return ks.length === 0 ? undefined : ks[i % ks.length];
        };
        const commit = (k: number): void => {
          const o = open.get(k);
          if (o === undefined) {
            expect(() => r.commitRow(k * INTERVAL)).toThrowError(expect.objectContaining({ code: 'E_NOT_FOUND' }) as Error);
            return;
          }
          let adding = 0;
          let ok = true;
          for (const [id, v] of o.entries) {
            const a = adds(id, k, v);
            if (a < 0) ok = false;
            adding += a;
          }
          if (ok && stored() + adding <= maxSamples) {
            r.commitRow(k * INTERVAL);
            for (const id of [...o.entries.keys()].sort((x, y) => x - y)) model[id]!.push([k, o.entries.get(id)!]);
            open.delete(k);
          } else {
            unchangedOnThrow(() => r.commitRow(k * INTERVAL));
            const again = r.openRow(k * INTERVAL); // still open, entries unchanged
            for (let id = 0; id < model.length; id++) expect(again[id]).toBe(o.entries.get(id) ?? NaN);
            o.held = again;
          }
        };
        for (const op of ops) {
          // Some runs only open, fill and commit rows: more than 32 commits then pile up before the first read.
          if (rowsOnly && (op.type === 'sample' || op.type === 'sampleMany' || op.type === 'read')) continue;
          switch (op.type) {
            case 'define':
              if (model.length < MAX_SERIES) define();
              break;
            case 'open': {
              const k = near(op.step);
              clock = Math.max(clock, k);
              const row = r.openRow(k * INTERVAL);
              const o = open.get(k);
              if (o === undefined) {
                expect(Array.from(row)).toEqual(model.map(() => NaN));
                open.set(k, { entries: new Map(), held: row });
              } else {
                expect(row.length).toBe(model.length);
                for (let id = 0; id < model.length; id++) expect(row[id]).toBe(o.entries.get(id) ?? NaN);
                o.held = row;
              }
              break;
            }
            case 'fill': {
              const k = pick(op.row);
              if (k === undefined) break;
              const o = open.get(k)!;
              if (o.held.length < model.length) o.held = r.openRow(k * INTERVAL); // defined since: widen
              for (let id = 0; id < model.length; id++) {
                o.held[id] = op.value + id;
                o.entries.set(id, op.value + id);
              }
              break;
            }
            case 'set':
            case 'unset': {
              const k = pick(op.row);
              if (k === undefined || op.series >= model.length) break;
              const o = open.get(k)!;
              if (op.series >= o.held.length) o.held = r.openRow(k * INTERVAL); // defined since: widen
              if (op.type === 'set') {
                o.held[op.series] = op.value;
                o.entries.set(op.series, op.value);
              } else {
                o.held[op.series] = NaN;
                o.entries.delete(op.series);
              }
              break;
            }
            case 'commit': {
              const k = pick(op.row);
              if (k !== undefined) commit(k);
              break;
            }
            case 'commitClosed':
              if (!open.has(near(op.step))) commit(near(op.step));
              break;
            case 'sample': {
              if (op.series >= model.length) break;
              const k = near(op.step);
              const a = adds(op.series, k, op.value);
              if (a >= 0 && stored() + a <= maxSamples) {
                r.sample(k * INTERVAL, op.series, op.value);
                model[op.series]!.push([k, op.value]);
              } else unchangedOnThrow(() => r.sample(k * INTERVAL, op.series, op.value));
              break;
            }
            case 'sampleMany': {
              const ids = op.series.filter((id) => id < model.length);
              const values = ids.map((id) => op.value + id);
              const k = near(op.step);
              const each = ids.map((id, i) => adds(id, k, values[i]!));
              if (each.every((a) => a >= 0) && stored() + each.reduce((n, a) => n + a, 0) <= maxSamples) {
                r.sampleMany(k * INTERVAL, ids, values);
                ids.forEach((id, i) => model[id]!.push([k, values[i]!]));
              } else unchangedOnThrow(() => r.sampleMany(k * INTERVAL, ids, values));
              break;
            }
            case 'read':
              if (op.series < model.length) expect(Array.from(r.values(op.series))).toEqual(model[op.series]!.map((x) => x[1]));
              break;
            default: {
              const never: never = op;
              throw new Error(`unknown op ${JSON.stringify(never)}`);
            }
          }
          expect(r.sampleCount).toBe(stored());
        }
        const got = r.series();
        expect(got.length).toBe(model.length);
        model.forEach((m, id) => {
          expect(got[id]!.times).toEqual(m.map((x) => x[0] * INTERVAL));
          expect(got[id]!.values).toEqual(m.map((x) => x[1]));
        });
      }),
      { numRuns: 200, seed: 20261128 },
    );
  });

  it('moves long runs of committed rows into the columns exactly (gaps, growth, later defines, reads between)', () => {
    const rowArb = fc.record({
      /** Each series' entry: undefined for none (a gap), else its value. */
      entries: fc.array(fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: undefined, freq: 3 }), { minLength: MAX_SERIES, maxLength: MAX_SERIES }),
      define: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
      read: fc.integer({ min: 0, max: 40 }).map((n) => n === 0),
      skip: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 30, maxLength: 120 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 60 }), (rows, lag, capacity) => {
        const r = createMetricsRecorder({ interval: INTERVAL, capacity });
        const model: [number, number][][] = [[], []];
        r.define('s0', 'u');
        r.define('s1', 'u');
        // Rows are opened `lag` instants ahead of their commit (several open at once), committed in time order.
        const opened = new Map<number, Float64Array>();
        let k = 0;
        const instants = rows.map((row) => (k += row.skip + 1));
        const check = (): void => {
          const got = r.series();
          model.forEach((m, id) => {
            expect(got[id]!.times).toEqual(m.map((x) => x[0] * INTERVAL));
            expect(got[id]!.values).toEqual(m.map((x) => x[1]));
          });
        };
        rows.forEach((row, i) => {
          for (let j = i; j < Math.min(rows.length, i + lag); j++) if (!opened.has(instants[j]!)) opened.set(instants[j]!, r.openRow(instants[j]! * INTERVAL));
          if (row.define && model.length < MAX_SERIES) {
            r.define(`s${model.length}`, 'u');
            model.push([]);
          }
          const at = instants[i]!;
          let held = opened.get(at)!;
          row.entries.forEach((v, id) => {
            if (v === undefined || id >= model.length) return;
            if (id >= held.length) held = r.openRow(at * INTERVAL);
            held[id] = v;
            model[id]!.push([at, v]);
          });
          r.commitRow(at * INTERVAL);
          opened.delete(at);
          expect(r.sampleCount).toBe(model.reduce((n, m) => n + (m.length === 0 ? 0 : m[m.length - 1]![0] - m[0]![0] + 1), 0));
          if (row.read) check();
        });
        check();
      }),
      { numRuns: 150, seed: 20261129 },
    );
  });

  it('moves runs of consecutive rows into the columns eight series at a time exactly as one by one (gaps, first samples, growth, later defines)', () => {
    // Enough series for blocks of 8 and a remainder, instants mostly consecutive (a flush of 32
    // rows then takes the block path), each series starting at its own instant and with gaps.
    const SERIES = 21;
    const rowArb = fc.record({
      entries: fc.array(fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: undefined, freq: 12 }), { minLength: SERIES, maxLength: SERIES }),
      define: fc.integer({ min: 0, max: 24 }).map((n) => n === 0),
      skip: fc.integer({ min: 0, max: 40 }).map((n) => (n === 0 ? 1 : 0)),
    });
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 40, maxLength: 140 }), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 8, max: SERIES }), (rows, capacity, defined) => {
        const r = createMetricsRecorder({ interval: INTERVAL, capacity });
        const model: [number, number][][] = [];
        const define = (): void => {
          r.define(`s${model.length}`, 'u');
          model.push([]);
        };
        while (model.length < defined) define();
        let k = 0;
        rows.forEach((row) => {
          k += row.skip + 1;
          const held = r.openRow(k * INTERVAL);
          // A define after the row was opened: the row is narrower than the series (it lacks the new one).
          if (row.define && model.length < SERIES) define();
          row.entries.forEach((v, id) => {
            if (v === undefined || id >= held.length) return;
            held[id] = v;
            model[id]!.push([k, v]);
          });
          r.commitRow(k * INTERVAL);
        });
        const got = r.series();
        model.forEach((m, id) => {
          expect(got[id]!.times).toEqual(m.map((x) => x[0] * INTERVAL));
          expect(got[id]!.values).toEqual(m.map((x) => x[1]));
        });
        expect(r.sampleCount).toBe(model.reduce((n, m) => n + (m.length === 0 ? 0 : m[m.length - 1]![0] - m[0]![0] + 1), 0));
      }),
      { numRuns: 200, seed: 20261128 },
    );
  });
});
