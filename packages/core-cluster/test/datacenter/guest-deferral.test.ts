// A VM's guest kernel is run only when something is due in it (its host steps all its guests at each
// host event; the others just note the time) and is caught up before anything reads or commands it.
// These tests hold that to known answers: a quiet VM beside a busy one reads its CPU time exactly at
// any instant, and a command on it takes effect at the command's instant, however the run is stepped.
import { ClusterCommandSchema, ScenarioSchema } from '@strata/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDatacenter, LayerProfiler } from '../../src/datacenter/index.js';
import type { ClusterEvent } from '../../src/types.js';

/** One host; VM `busy` serves many short requests (its host steps often), VM `quiet` runs one long CPU burst (next event at 50 s). */
const scenario = (extra: Record<string, unknown> = {}): ReturnType<typeof ScenarioSchema.parse> =>
  ScenarioSchema.parse({
    name: 'deferral',
    seed: 5,
    duration: '60s',
    hosts: [{ name: 'h', count: 1, cpus: 4, memory: '32Gi' }],
    vms: [
      { name: 'busy', vcpus: 2, memory: '4Gi' },
      { name: 'quiet', vcpus: 2, memory: '4Gi' },
    ],
    containers: [
      { name: 'web', on: 'busy', image: 'web', command: [{ listen: 80 }, { serve: { rate: 200, cpu: '3ms', workers: 2 } }] },
      { name: 'job', on: 'quiet', image: 'batch', command: [{ cpu: '50s' }, { exit: 0 }] },
    ],
    ...extra,
  });

describe('guest kernels run only when due', () => {
  it('a quiet VM beside a busy one reads exactly its CPU time at any instant (one CPU-µs per µs)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 700_000 }), { minLength: 1, maxLength: 12 }), (steps) => {
        const dc = createDatacenter(scenario());
        for (const dt of steps) {
          dc.step(dt);
          expect(dc.container('job').cpuUsec).toBe(Math.min(dc.now(), 50_000_000));
        }
      }),
      { numRuns: 25 },
    );
  });

  it('a command on a quiet VM takes effect at the command instant (the exit is at that time, the CPU time stops there)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_000_000 }), fc.integer({ min: 1, max: 500_000 }), (at, after) => {
        const events: ClusterEvent[] = [];
        const dc = createDatacenter(scenario(), { onEvent: (e) => events.push(e) });
        dc.step(at);
        dc.execute(ClusterCommandSchema.parse({ do: 'container.kill', container: 'job', signal: 'SIGKILL' }));
        dc.step(after);
        const die = events.find((e) => e.type === 'container.die' && e.subject === 'container:job');
        expect(die?.time).toBe(at);
        expect(dc.container('job').state).toBe('exited');
        for (let i = 1; i < events.length; i++) expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
      }),
      { numRuns: 25 },
    );
  });

  it('a container crash fault on a quiet VM kills it at the fault instant (the stack is taken before its host is brought to now)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const events: ClusterEvent[] = [];
        const s = scenario({ seed, faults: { containers: { mtbf: '500ms', containers: ['job'] } } });
        createDatacenter(s, { onEvent: (e) => events.push(e) }).step(10_000_000);
        const crashed = events.filter((e) => e.type === 'container.crashed' && e.subject === 'container:job');
        const died = events.filter((e) => e.type === 'container.die' && e.subject === 'container:job');
        expect(crashed.length).toBeGreaterThan(0);
        expect(died.map((e) => e.time)).toEqual([crashed[0]!.time]);
        for (let i = 1; i < events.length; i++) expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
      }),
      { numRuns: 15 },
    );
  });

  it('stepping in pieces or at once gives the same events and report; profiling changes neither', () => {
    const whole: ClusterEvent[] = [];
    const a = createDatacenter(scenario(), { onEvent: (e) => whole.push(e) });
    a.step(7_000_000);
    const pieces: ClusterEvent[] = [];
    const profile = new LayerProfiler(() => 0);
    const b = createDatacenter(scenario(), { onEvent: (e) => pieces.push(e), profile });
    for (let t = 0; t < 7_000_000; t += 333_333) b.step(Math.min(333_333, 7_000_000 - t));
    expect(pieces).toEqual(whole);
    expect(b.summary()).toEqual(a.summary());
    expect(b.containers()).toEqual(a.containers());
    expect(profile.calls.host).toBeGreaterThan(0);
    // Guests follow their host's clock: a host visits only the guests that are due, but it does visit them.
    expect(profile.calls.guest).toBeGreaterThan(0);
  });
});
