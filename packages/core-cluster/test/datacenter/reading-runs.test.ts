// A host's readings held for runs of consecutive instants (reading-runs.ts): recorded series by
// series, the same as recording each reading at its instant; a run ends early at a gap, and a change
// of series within a run is refused as the internal error it would be.
import { describe, expect, it } from 'vitest';
import { createMetricsRecorder } from '../../src/metrics/index.js';
import { READING_RUN, ReadingRuns } from '../../src/datacenter/reading-runs.js';

describe('ReadingRuns', () => {
  it('records what sample() would, in runs of READING_RUN instants and at flush, ending a run at a gap', () => {
    const direct = createMetricsRecorder({ interval: 5, capacity: 4 });
    const held = createMetricsRecorder({ interval: 5, capacity: 4 });
    const ids = ['cpu', 'steal', 'memory'].map((n) => [direct.define(n, 'u'), held.define(n, 'u')] as const);
    const runs = new ReadingRuns(held);
    // 40 instants with a gap (instants 23 and 24 not read): two full runs, a short one, one after the gap.
    const instants = Array.from({ length: 40 }, (_, k) => k).filter((k) => k !== 23 && k !== 24);
    for (const k of instants) {
      runs.begin(k * 5);
      for (const [j, [d, h]] of ids.entries()) {
        const v = k * 10 + j;
        direct.sample(k * 5, d, v);
        runs.put(h, v);
      }
      runs.end();
      if (k === READING_RUN - 1) expect(held.get('cpu').times).toHaveLength(READING_RUN);
    }
    expect(held.get('cpu').times.length).toBeLessThan(instants.length);
    runs.flush();
    expect(JSON.stringify(held.series())).toBe(JSON.stringify(direct.series()));
    expect(held.sampleCount).toBe(direct.sampleCount);
  });

  it('refuses a change of series or width within a run', () => {
    const r = createMetricsRecorder({ interval: 1 });
    const [a, b] = [r.define('a', 'u'), r.define('b', 'u')];
    /** Runs that hold one instant at `t` of `a` and `b`. */
    const afterOne = (t: number): ReadingRuns => {
      const runs = new ReadingRuns(r);
      runs.begin(t);
      runs.put(a, 1);
      runs.put(b, 1);
      runs.end();
      return runs;
    };
    const runs = afterOne(0);
    runs.begin(1);
    expect(() => runs.put(b, 2)).toThrow(/changed series within a run/);
    const short = afterOne(5);
    short.begin(6);
    short.put(a, 2);
    expect(() => short.end()).toThrow(/changed width within a run \(1 series, 2 before\)/);
  });
});
