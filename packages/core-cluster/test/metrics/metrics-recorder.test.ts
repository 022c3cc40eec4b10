// The metrics recorder: implicit sample times, gaps, batch writes that are all-or-nothing,
// limits that name themselves, and a model check against plain arrays.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMetricsRecorder } from '../../src/metrics/index.js';

const SECOND = 1_000_000;

describe('createMetricsRecorder', () => {
  it('materializes times from start + k·interval', () => {
    const r = createMetricsRecorder({ interval: SECOND, start: 5 * SECOND });
    r.define('host:h-0/cpu', 'fraction');
    r.sample(5 * SECOND, 'host:h-0/cpu', 0.25);
    r.sample(6 * SECOND, 'host:h-0/cpu', 0.5);
    r.sample(7 * SECOND, 'host:h-0/cpu', 0.75);
    expect(r.get('host:h-0/cpu')).toEqual({ name: 'host:h-0/cpu', unit: 'fraction', times: [5e6, 6e6, 7e6], values: [0.25, 0.5, 0.75] });
    expect(r.sampleCount).toBe(3);
  });

  it('lets a series start late and skip instants (gaps are left out on read)', () => {
    const r = createMetricsRecorder({ interval: 10 });
    r.define('a', 'x');
    r.define('b', 'x');
    r.sample(0, 'a', 1);
    r.sample(30, 'b', 2);
    r.sample(60, 'b', 3);
    expect(r.get('b')).toMatchObject({ times: [30, 60], values: [2, 3] });
    expect(Array.from(r.values('b'))).toEqual([2, 3]);
    expect(r.sampleCount).toBe(1 + 4); // b stores 30, (40, 50 as gaps), 60
    expect(r.series().map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('writes many series at one instant, all or nothing', () => {
    const r = createMetricsRecorder({ interval: 1 });
    for (const n of ['a', 'b', 'c']) r.define(n, 'u');
    r.sampleMany(0, ['a', 'b', 'c'], new Float64Array([1, 2, 3]));
    expect(() => r.sampleMany(1, ['a', 'nope'], [4, 5])).toThrowError(expect.objectContaining({ code: 'E_NOT_FOUND' }) as Error);
    expect(() => r.sampleMany(1, ['a', 'b'], [4, NaN])).toThrow(/series 'b' must be a finite number/);
    expect(() => r.sampleMany(1, ['a', 'a'], [4, 4])).toThrow(/twice/);
    expect(() => r.sampleMany(1, ['a'], [4, 4])).toThrow(/one value per series: 1 series, 2 values/);
    expect(r.get('a').values).toEqual([1]);
    r.sampleMany(1, ['c', 'a'], [30, 10]);
    expect(r.get('a').values).toEqual([1, 10]);
    expect(r.get('b').values).toEqual([2]);
    expect(r.get('c').values).toEqual([3, 30]);
  });

  it('takes the ids define returns in place of names', () => {
    const r = createMetricsRecorder({ interval: 1 });
    expect(r.define('a', 'u')).toBe(0);
    expect(r.define('b', 'u')).toBe(1);
    expect(r.define('a', 'u')).toBe(0);
    expect(r.id('b')).toBe(1);
    r.sampleMany(0, new Int32Array([1, 0]), new Float64Array([20, 10]));
    r.sample(1, 0, 11);
    r.sampleMany(2, ['b', 0], [22, 12]);
    expect(r.get(0).values).toEqual([10, 11, 12]);
    expect(r.get('b')).toMatchObject({ times: [0, 2], values: [20, 22] });
    expect(() => r.sampleMany(3, [0, 'a'], [1, 1])).toThrow(/names series 'a' twice/);
    expect(() => r.sample(3, 2, 1)).toThrowError(expect.objectContaining({ code: 'E_NOT_FOUND' }) as Error);
    expect(() => r.sampleMany(3, [0, 7], [1, 1])).toThrow(/series '7' does not exist/);
    expect(r.get(0).values).toEqual([10, 11, 12]);
  });

  it('records a run of consecutive instants of one series, checked whole: all or nothing', () => {
    const r = createMetricsRecorder({ interval: 10, capacity: 2 });
    const a = r.define('a', 'u');
    r.define('b', 'u');
    r.sample(0, a, 1);
    r.sampleRun(30, a, new Float64Array([2, 3, 4])); // a gap at 10 and 20, then growth past capacity 2
    expect(r.get('a')).toMatchObject({ times: [0, 30, 40, 50], values: [1, 2, 3, 4] });
    expect(r.sampleCount).toBe(6);
    expect(() => r.sampleRun(50, a, [5])).toThrow(/already has samples up to 50 µs; got 50 µs/);
    expect(() => r.sampleRun(60, 'a', [5, Infinity])).toThrow(/series 'a' must be a finite number, got Infinity/);
    expect(() => r.sampleRun(65, 'a', [5])).toThrow(/sampling instant/);
    expect(() => r.sampleRun(60, 'nope', [5])).toThrowError(expect.objectContaining({ code: 'E_NOT_FOUND' }) as Error);
    r.sampleRun(60, 'b', []);
    expect(r.get('a').values).toEqual([1, 2, 3, 4]);
    expect(r.get('b').values).toEqual([]);
    const small = createMetricsRecorder({ interval: 1, maxSamples: 3 });
    small.define('x', 'u');
    expect(() => small.sampleRun(0, 'x', [1, 2, 3, 4])).toThrow(/maxSamples \(3\) would be exceeded/);
    expect(small.sampleCount).toBe(0);
    small.sampleRun(0, 'x', [1, 2, 3]);
    expect(small.get('x').values).toEqual([1, 2, 3]);
  });

  it('refuses off-grid, repeated and past times, undefined series and unit clashes', () => {
    const r = createMetricsRecorder({ interval: 1000, start: 1000 });
    r.define('s', 'bytes');
    r.define('s', 'bytes'); // same unit: no-op
    expect(() => r.define('s', 'fraction')).toThrowError(expect.objectContaining({ code: 'E_CONFLICT' }) as Error);
    expect(() => r.sample(1500, 's', 1)).toThrow(/sampling instant start \+ k·interval/);
    expect(() => r.sample(0, 's', 1)).toThrow(/sampling instant/);
    expect(() => r.sample(1000.5, 's', 1)).toThrow(/sampling instant/);
    r.sample(3000, 's', 1);
    expect(() => r.sample(3000, 's', 2)).toThrow(/already has samples up to 3000 µs; got 3000 µs/);
    expect(() => r.sample(2000, 's', 2)).toThrowError(expect.objectContaining({ code: 'E_CONFLICT' }) as Error);
    expect(() => r.sample(4000, 'other', 2)).toThrow(/series 'other' does not exist/);
    expect(() => r.sample(4000, 's', Infinity)).toThrow(/finite/);
    expect(() => r.get('other')).toThrowError(expect.objectContaining({ code: 'E_NOT_FOUND' }) as Error);
    expect(r.get('s').values).toEqual([1]);
  });

  it('stops at maxSeries and maxSamples with a LimitExceededError naming the limit, changing nothing', () => {
    const r = createMetricsRecorder({ interval: 1, maxSeries: 2, maxSamples: 5 });
    r.define('a', 'u');
    r.define('b', 'u');
    expect(() => r.define('c', 'u')).toThrowError(expect.objectContaining({ code: 'E_LIMIT_EXCEEDED', message: expect.stringContaining('maxSeries (2)') as string }) as Error);
    r.sampleMany(0, ['a', 'b'], [1, 1]);
    r.sampleMany(1, ['a', 'b'], [2, 2]);
    expect(() => r.sampleMany(2, ['a', 'b'], [3, 3])).toThrow(/maxSamples \(5\) would be exceeded/);
    expect(() => r.sample(10, 'a', 3)).toThrow(/maxSamples/); // the gap counts
    expect(r.sampleCount).toBe(4);
    r.sample(2, 'a', 3);
    expect(r.get('a').values).toEqual([1, 2, 3]);
    expect(r.has('c')).toBe(false);
  });

  it('reserves 8 bytes per sample of capacity, growing by half when full', () => {
    const r = createMetricsRecorder({ interval: 1, capacity: 601 });
    r.define('a', 'u');
    expect(r.bytes).toBe(601 * 8);
    for (let t = 0; t <= 600; t++) r.sample(t, 'a', t);
    expect(r.bytes).toBe(601 * 8);
    r.sample(601, 'a', 1);
    expect(r.bytes).toBe(902 * 8);
  });

  it('refuses bad options', () => {
    expect(() => createMetricsRecorder({ interval: 0 })).toThrow(/interval must be a positive integer \(µs\), got 0/);
    expect(() => createMetricsRecorder({ interval: 1.5 })).toThrow(/interval/);
    expect(() => createMetricsRecorder({ interval: 1, start: -1 })).toThrow(/start must be a non-negative integer/);
    expect(() => createMetricsRecorder({ interval: 1, maxSeries: 0 })).toThrow(/maxSeries/);
  });

  it('reads back what a plain model of arrays holds, for any sequence of samples', () => {
    const op = fc.record({ series: fc.integer({ min: 0, max: 3 }), step: fc.integer({ min: 0, max: 3 }), value: fc.double({ noNaN: true, noDefaultInfinity: true }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (ops, capacity) => {
        const r = createMetricsRecorder({ interval: 100, start: 50, capacity });
        const model = new Map<string, { times: number[]; values: number[] }>();
        for (let s = 0; s < 4; s++) {
          r.define(`s${s}`, 'u');
          model.set(`s${s}`, { times: [], values: [] });
        }
        let clock = 0;
        for (const { series, step, value } of ops) {
          clock += step;
          const name = `s${series}`;
          const m = model.get(name)!;
          const time = 50 + clock * 100;
          if (m.times.length > 0 && m.times[m.times.length - 1]! >= time) {
            expect(() => r.sample(time, name, value)).toThrow();
          } else {
            r.sample(time, name, value);
            m.times.push(time);
            m.values.push(value);
          }
        }
        for (const [name, m] of model) expect(r.get(name)).toEqual({ name, unit: 'u', ...m });
      }),
    );
  });
});
