// run / step controls: progress, the duration rule, the work budget, metrics series and the report.
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { nested, scenario } from './fixtures.js';

describe('run and step', () => {
  it('run() goes to the duration, reporting progress every 1 %; the report adds up', () => {
    const progress: [number, number][] = [];
    const dc = createDatacenter(nested({ duration: '10s', metrics: { interval: '1s' } }), { onProgress: (done, total) => progress.push([done, total]) });
    const report = dc.run();
    expect(report.simulatedUs).toBe(10_000_000);
    expect(progress).toHaveLength(100);
    expect(progress[0]).toEqual([100_000, 10_000_000]);
    expect(progress.at(-1)).toEqual([10_000_000, 10_000_000]);
    expect(report).toMatchObject({ name: 'nested', seed: 7, fidelity: 'fluid', hosts: { count: 3, failures: 0 }, vms: { count: 3, running: 3, migrations: 0, haRestarts: 0 }, containers: { count: 5, running: 5, restarts: 0, oomKills: 0 } });
    // h-0 busy, h-1 half busy, h-2 idle, at each of the 11 samples (0 s … 10 s; at 0 s the guests have not asked yet).
    expect(report.hosts.cpuUtilization.count).toBe(33);
    expect(report.hosts.cpuUtilization.max).toBe(1);
    // Energy: idle 100 W, max 250 W: h-0 at 250 W, h-1 at 175 W, h-2 at 100 W for 10 s = 1.5 Wh + … in kWh.
    expect(report.energy.perHostKWh['h-0']).toBeCloseTo((250 * 10) / 3.6e6, 9);
    expect(report.energy.perHostKWh['h-1']).toBeCloseTo((175 * 10) / 3.6e6, 9);
    expect(report.energy.perHostKWh['h-2']).toBeCloseTo((100 * 10) / 3.6e6, 9);
    const series = dc.metrics();
    const h0 = series.find((s) => s.name === 'host:h-0/cpu')!;
    expect(h0.times).toHaveLength(11);
    expect(h0.values.slice(1)).toEqual(new Array(10).fill(1));
    const steal = series.find((s) => s.name === 'vm:a/steal')!;
    expect(steal.values.slice(2)).toEqual(new Array(9).fill(0.5));
    const ca = series.find((s) => s.name === 'container:ca/cpu')!;
    expect(ca.values.slice(2)).toEqual(new Array(9).fill(0.5));
  });

  it('tells each hundredth while hosts run ahead, without cutting their pass; a command from it is refused', () => {
    // Four hosts of request servers, 20 s, metrics every second: one lane pass for the whole run.
    const input = scenario({
      name: 'progress',
      seed: 3,
      duration: '20s',
      hosts: [{ name: 'h', count: 4, cpus: 2, memory: '16Gi' }],
      vms: [{ name: 'v', count: 4, vcpus: 2, memory: '2Gi' }],
      containers: [{ name: 'web', on: 'v', count: 2, image: 'web', command: [{ listen: 80 }, { serve: { rate: 40, cpu: '3ms', memory: '256K', workers: 2 } }] }],
      metrics: { interval: '1s' },
    });
    const seen: [number, number][] = [];
    const dc = createDatacenter(input, { onProgress: (done) => seen.push([done, dc.now()]) });
    dc.run();
    expect(seen.map(([done]) => done)).toEqual(Array.from({ length: 100 }, (_, i) => (i + 1) * 200_000));
    // The queue's clock stays at the pass's start while the hosts' runs tell the progress: a hundredth
    // for each host's quarter of the run, before the pass ends.
    expect(seen.filter(([done, now]) => done > now).length).toBeGreaterThanOrEqual(75);
    const commanding = createDatacenter(input, { onProgress: () => commanding.execute({ do: 'delete', vm: 'v-0' } as never) });
    expect(() => commanding.run()).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
    expect(commanding.vms()).toHaveLength(4);
  });

  it('run() with and without a progress callback give the same report, series and events', () => {
    const input = nested({ duration: '7s', metrics: { interval: '250ms' } });
    const collect = (withProgress: boolean) => {
      const events: unknown[] = [];
      const dc = createDatacenter(input, { onEvent: (e) => events.push(e), ...(withProgress ? { onProgress: () => undefined } : {}) });
      const report = dc.run();
      return { report: JSON.stringify(report), metrics: JSON.stringify(dc.metrics()), events: JSON.stringify(events) };
    };
    const whole = collect(false);
    const pieces = collect(true);
    expect(pieces.report).toBe(whole.report);
    expect(pieces.metrics).toBe(whole.metrics);
    expect(pieces.events).toBe(whole.events);
  });

  it('refuses an open-ended run without a duration, a negative step, and stops at the work budget', () => {
    expect(() => createDatacenter(nested({ duration: undefined })).run()).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    expect(createDatacenter(nested({ duration: undefined, containers: [] })).run().simulatedUs).toBe(0);
    expect(() => createDatacenter(nested()).step(-1)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    const dc = createDatacenter(nested({ metrics: { interval: '1ms' } }), { maxSteps: 100 });
    expect(() => dc.step(1_000_000)).toThrow(expect.objectContaining({ code: 'E_LIMIT_EXCEEDED' }));
  });

  it('placementOf explains: the policy and host, and under filter-score every host\'s score', () => {
    const dc = createDatacenter(scenario({ name: 'p', hosts: [{ name: 'h', count: 3, cpus: 4, memory: '8Gi' }], placement: { profile: 'filter-score' }, vms: [{ name: 'v', count: 2, vcpus: 2, memory: '6Gi' }] }));
    const first = dc.placementOf('v-0');
    expect(first.policy).toBe('filter-score');
    expect(first.decision!.scores).toHaveLength(3);
    const second = dc.placementOf('v-1');
    // v-0 took 6 of h-x's 8 GiB: that host is filtered out for v-1.
    expect(second.decision!.filtered.map((f) => f.host)).toEqual([first.host]);
    expect(second.host).not.toBe(first.host);
    expect(() => dc.placementOf('nope')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
  });
});
