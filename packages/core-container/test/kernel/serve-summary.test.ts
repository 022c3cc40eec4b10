// Mergeable request latencies: `Kernel.serveSummary` (one process's or the whole kernel's), known
// answers where every latency is the request's CPU time, merging servers against their pooled
// samples, and the cheap exit questions the container engine asks (`exitOf`, `exitCount`).
import fc from 'fast-check';
import { createSummaryAccumulator, nearestRank } from '@strata/core-scheduler';
import { createRandomStream } from '@strata/core-sim';
import { NotFoundError, parseProgram } from '@strata/shared-types';
import { describe, expect, it } from 'vitest';
import { createKernel, LATENCY_SUMMARY_OPTIONS } from '../../src/index.js';
import { LatencyRecord, ServeTotals } from '../../src/kernel/request-server.js';

const S = 1_000_000;

/** A server answering `n` requests one at a time (each serve step takes one arrival): no request ever waits. */
function oneAtATime(n: number, cpu: string) {
  return parseProgram([{ loop: { times: n, do: [{ serve: { rate: 20, cpu, workers: 1, requests: 1 } }] } }]);
}

const exactPercentile = (values: readonly number[], p: number): number => [...values].sort((a, b) => a - b)[nearestRank(p, values.length) - 1]!;

describe('serveSummary', () => {
  it('on an idle CPU with fixed CPU per request, every latency is the CPU time exactly', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid', seed: 3 });
    const pid = k.spawn({ name: 'srv', program: oneAtATime(40, '3ms') });
    k.advanceTo(100 * S);
    expect(k.process(pid).exit).toEqual({ code: 0 });
    const s = k.serveSummary(pid);
    expect([s.arrived, s.completed, s.dropped]).toEqual([40, 40, 0]);
    expect(s.latencyUs.summary()).toEqual({ count: 40, mean: 3000, min: 3000, max: 3000, p50: 3000, p95: 3000, p99: 3000 });
    // The kernel's totals are the same single server's; the snapshot's own figures agree.
    expect(k.serveSummary().latencyUs.summary()).toEqual(s.latencyUs.summary());
    expect(k.process(pid).serve!.latencyUs).toEqual({ mean: 3000, p50: 3000, p90: 3000, p99: 3000, max: 3000 });
  });

  it('the same at half CPU speed: latency = CPU time = work / speed', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'exact', seed: 4, cpuSpeed: 0.5 });
    const pid = k.spawn({ name: 'srv', program: oneAtATime(10, '2ms') });
    k.advanceTo(100 * S);
    expect(k.serveSummary(pid).latencyUs.summary()).toMatchObject({ count: 10, min: 4000, max: 4000, p99: 4000 });
  });

  it('two servers merge to the pooled known answer; the kernel total counts both', () => {
    const k = createKernel({ cpus: 2, memory: 2 ** 30, fidelity: 'fluid', seed: 5 });
    const a = k.spawn({ name: 'a', program: oneAtATime(90, '2ms') });
    const b = k.spawn({ name: 'b', program: oneAtATime(10, '50ms') });
    k.advanceTo(200 * S);
    const merged = createSummaryAccumulator(LATENCY_SUMMARY_OPTIONS);
    merged.merge(k.serveSummary(a).latencyUs);
    merged.merge(k.serveSummary(b).latencyUs);
    // Pooled: 90 × 2,000 µs and 10 × 50,000 µs.
    const pooled = [...Array<number>(90).fill(2000), ...Array<number>(10).fill(50_000)];
    // Count, mean, min and max exact; every percentile within 1 % of the pooled sample's.
    const m = merged.summary();
    expect([m.count, m.mean, m.min, m.max]).toEqual([100, 6800, 2000, 50_000]);
    for (const q of [50, 90, 91, 95, 99]) {
      const exact = exactPercentile(pooled, q);
      expect(exact).toBe(q <= 90 ? 2000 : 50_000);
      expect(Math.abs(merged.percentile(q) - exact), `p${q}`).toBeLessThanOrEqual(0.01 * exact);
    }
    expect(merged.percentile(99)).toBe(m.p99);
    const total = k.serveSummary();
    expect([total.arrived, total.completed, total.dropped]).toEqual([100, 100, 0]);
    expect(total.latencyUs.summary()).toEqual(merged.summary());
  });

  it('keeps a forgotten process in the kernel total; a copy cannot change the kernel', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid', seed: 6 });
    const pid = k.spawn({ name: 'srv', program: oneAtATime(5, '1ms') });
    k.advanceTo(60 * S);
    k.forget(pid);
    expect(() => k.serveSummary(pid)).toThrow(NotFoundError);
    const copy = k.serveSummary().latencyUs;
    copy.add(1e9);
    expect(k.serveSummary().latencyUs.summary()).toMatchObject({ count: 5, max: 1000 });
    expect(k.serveSummary().completed).toBe(5);
  });

  it('a process that never served has zero counts and an empty accumulator', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid' });
    const pid = k.spawn({ name: 'idle', program: parseProgram([{ sleep: '1s' }]) });
    const s = k.serveSummary(pid);
    expect([s.arrived, s.completed, s.dropped, s.latencyUs.count]).toEqual([0, 0, 0, 0]);
    expect(() => k.serveSummary(999)).toThrow(NotFoundError);
  });

  it('merged percentiles of any servers are within 1 % of their pooled raw latencies', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 100 }), (servers, p) => {
        const totals = new ServeTotals();
        const merged = createSummaryAccumulator(LATENCY_SUMMARY_OPTIONS);
        servers.forEach((latencies, i) => {
          const r = new LatencyRecord(() => createRandomStream(1, `r${i}`));
          for (const l of latencies) r.add(l);
          totals.absorb(r);
          merged.merge(r.summary().latencyUs);
        });
        const pooled = servers.flat();
        const exact = exactPercentile(pooled, p);
        expect(Math.abs(merged.percentile(p) - exact)).toBeLessThanOrEqual(0.01 * exact);
        expect(merged.summary().max).toBe(Math.max(...pooled));
        expect(totals.summary().latencyUs.percentile(p)).toBe(merged.percentile(p));
        expect(totals.completed).toBe(pooled.length);
      }),
    );
  });

  it('stats() reuses its sorted figures until a request completes', () => {
    const r = new LatencyRecord(() => createRandomStream(1, 'x'));
    r.arrive();
    r.add(5);
    const first = r.stats();
    expect(r.stats()).toBe(first);
    r.arrive();
    expect(r.stats().arrived).toBe(2);
    expect(r.stats().latencyUs).toBe(first.latencyUs);
    r.add(7);
    expect(r.stats().latencyUs).toEqual({ mean: 6, p50: 5, p90: 7, p99: 7, max: 7 });
  });
});

describe('arrival counts while servers run', () => {
  it('process(pid).serve, serveSummary(pid) and serveSummary() agree at any time, queued requests included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 4 }), fc.array(fc.integer({ min: 1, max: 700_000 }), { minLength: 1, maxLength: 6 }), (rates, steps) => {
        const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid', seed: rates.join('.') });
        // 20 ms of CPU per request on one worker and one CPU: at these rates requests queue up.
        const pids = rates.map((rate, i) => k.spawn({ name: `s${i}`, program: parseProgram([{ serve: { rate, cpu: '20ms', workers: 1, duration: '2s' } }]) }));
        let t = 0;
        for (const dt of steps) {
          t += dt;
          k.advanceTo(t);
          let arrived = 0;
          for (const pid of pids) {
            const a = k.process(pid).serve?.arrived ?? 0;
            expect(k.serveSummary(pid).arrived).toBe(a);
            expect(a).toBeGreaterThanOrEqual(k.serveSummary(pid).completed);
            arrived += a;
          }
          expect(k.serveSummary().arrived).toBe(arrived);
        }
        k.advanceTo(t + 60 * S);
        const all = k.serveSummary();
        expect(all.arrived).toBe(all.completed + all.dropped);
      }),
      { numRuns: 60 },
    );
  });
});

describe('exitOf and exitCount', () => {
  it('answer what process(pid).exit does, and count each exit once', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid' });
    const a = k.spawn({ name: 'a', program: parseProgram([{ sleep: '1s' }, { exit: 3 }]) });
    const b = k.spawn({ name: 'b', program: parseProgram([{ sleep: '5s' }]) });
    expect(k.exitOf(a)).toBeNull();
    expect(k.exitCount()).toBe(0);
    k.advanceTo(2 * S);
    expect(k.exitOf(a)).toEqual(k.process(a).exit);
    expect(k.exitOf(a)).toEqual({ code: 3 });
    expect(k.exitCount()).toBe(1);
    k.kill(b, 'SIGKILL');
    expect(k.exitOf(b)).toEqual(k.process(b).exit);
    expect(k.exitCount()).toBe(2);
    k.advanceTo(10 * S);
    expect(k.exitCount()).toBe(2);
    expect(() => k.exitOf(12345)).toThrow(NotFoundError);
  });
});
