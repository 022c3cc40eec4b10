// Hosts that run ahead between queue events (host-lane.ts) take the same steps at the same instants
// as hosts interleaved through the queue: the same report, series and events (at equal instants
// events of different hosts may come in another order), however the run is cut into steps.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ClusterCommandSchema } from '@strata/shared-types';
import type { ClusterCommandInput, ScenarioInput } from '@strata/shared-types';
import { createDatacenter } from '../../src/index.js';
import { LayerProfiler } from '../../src/datacenter/index.js';
import { HostLane, LANE_PASS_INSTANTS, LANE_READINGS_BYTES, laneInstantsPerPass } from '../../src/datacenter/host-lane.js';
import type { ClusterDatacenter, ClusterEvent } from '../../src/index.js';
import { nested, scenario } from './fixtures.js';

const SERVER = [{ listen: 80 }, { serve: { rate: 40, cpu: '3ms', memory: '256K', workers: 2 } }];

/** Containers in VMs on four hosts and on a bare-metal host; a migration, host failures (HA), container crashes, kills, metrics. */
function busyDatacenter(extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    name: 'lane',
    seed: 11,
    duration: '20s',
    hosts: [
      { name: 'h', count: 4, cpus: 2, memory: '16Gi' },
      { name: 'metal', cpus: 4, memory: '16Gi', hypervisor: 'none' },
    ],
    vms: [{ name: 'vm', count: 5, vcpus: 2, memory: '2Gi', dirtyRate: '20MB/s', wss: '512Mi' }],
    containers: [
      { name: 'web', on: 'vm', count: 2, image: 'web', command: SERVER, restart: 'always' },
      { name: 'job', on: 'vm-1', image: 'batch', command: [{ cpu: '6s' }], restart: 'on-failure' },
      { name: 'bare', on: 'metal', count: 3, image: 'web', command: SERVER, restart: 'always' },
    ],
    actions: [
      { at: '3s', do: 'vm.migrate', vm: 'vm-0', to: 'h-2' },
      { at: '7500ms', do: 'container.kill', container: 'bare-1' },
      { at: '12s', do: 'host.fail', host: 'h-1' },
      { at: '16s', do: 'host.repair', host: 'h-1' },
    ],
    faults: { hosts: { mtbf: '30s', mttr: '4s', hosts: ['h-0'] }, containers: { mtbf: '8s', containers: ['web'] } },
    metrics: { interval: '1s' },
    ...extra,
  };
}

/** Events in a canonical order: by time, then by their text (the order at equal times may differ). */
function canonical(events: readonly ClusterEvent[]): string[] {
  return events.map((e) => [e.time, JSON.stringify(e)] as const).sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map((x) => x[1]);
}

function runBoth(input: ScenarioInput): { ahead: ReturnType<typeof run>; queued: ReturnType<typeof run> } {
  return { ahead: run(input, true), queued: run(input, false) };
}

/**
 * The run's events, report and series. The report's `events` (model steps taken) is apart: a host's
 * event at the instant of a command is a step of its own ahead, and is folded into the command's
 * bringing the host to now when the queue runs the command first.
 */
function run(input: ScenarioInput, lookahead: boolean) {
  const events: ClusterEvent[] = [];
  const dc = createDatacenter(scenario(input), { lookahead, onEvent: (e) => events.push(e) });
  const { events: steps, ...report } = dc.run();
  return { events, steps, report: JSON.stringify(report), metrics: JSON.stringify(dc.metrics()), served: report.requests?.served ?? 0 };
}

describe('hosts that run ahead', () => {
  it('give the report, the series and the events of hosts interleaved through the queue', () => {
    const { ahead, queued } = runBoth(busyDatacenter());
    expect(ahead.served).toBeGreaterThan(1000);
    expect(Math.abs(ahead.steps - queued.steps)).toBeLessThanOrEqual(ahead.steps / 1000);
    const types = new Set(ahead.events.map((e) => e.type));
    for (const t of ['migration.completed', 'host.failed', 'vm.ha_restarted', 'host.repaired', 'container.crashed', 'container.die']) expect(types).toContain(t);
    expect(ahead.report).toBe(queued.report);
    expect(ahead.metrics).toBe(queued.metrics);
    expect(canonical(ahead.events)).toEqual(canonical(queued.events));
    for (let i = 1; i < ahead.events.length; i++) expect(ahead.events[i]!.time).toBeGreaterThanOrEqual(ahead.events[i - 1]!.time);
  });

  it('in exact fidelity too, and however the run is cut into steps', () => {
    const input = busyDatacenter({ fidelity: 'exact', duration: '8s', faults: undefined, actions: [{ at: '2s', do: 'vm.migrate', vm: 'vm-0', to: 'h-2' }] });
    const { ahead, queued } = runBoth(input);
    expect(ahead.report).toBe(queued.report);
    expect(canonical(ahead.events)).toEqual(canonical(queued.events));
    const whole = createDatacenter(scenario(input));
    const parts = createDatacenter(scenario(input));
    const w = whole.step(6_000_000);
    const p = [...parts.step(1_234_567), ...parts.step(3), ...parts.step(4_765_430)];
    expect(canonical(p)).toEqual(canonical(w));
    expect(JSON.stringify(parts.summary())).toBe(JSON.stringify(whole.summary()));
    expect(JSON.stringify(parts.metrics())).toBe(JSON.stringify(whole.metrics()));
  });

  it('reads each host at the sampling instants it passes, without sampling events cutting its run: the same series at a fine interval', () => {
    // Actions at 3 s, 7.5 s, 12 s and 16 s land on sampling instants: those are sampled after the action.
    const input = busyDatacenter({ metrics: { interval: '250ms' } });
    const { ahead, queued } = runBoth(input);
    expect(ahead.metrics).toBe(queued.metrics);
    expect(ahead.report).toBe(queued.report);
    const profile = new LayerProfiler(() => 0);
    const dc = createDatacenter(scenario(input), { profile });
    dc.run();
    const samples = dc.metrics().find((s) => s.name === 'host:h-0/cpu')!.times.length;
    expect(samples).toBe(81);
    // One assembly per instant, and a reading of nearly every host at nearly every instant on the way.
    expect(profile.calls.sampling).toBeGreaterThan(samples * 4);
  });

  it('counts each sample against the work budget, and a run stopped there goes on to the same series', () => {
    const input = busyDatacenter({ metrics: { interval: '10ms' }, faults: undefined });
    const stopped = createDatacenter(scenario(input), { maxSteps: 150 });
    expect(() => stopped.step(5_000_000)).toThrow(expect.objectContaining({ code: 'E_LIMIT_EXCEEDED' }));
    const at = stopped.now();
    expect(at).toBeLessThan(5_000_000);
    // The hosts went no further than the first instant left unread (some may be past the queue's now:
    // a report must wait until the run is past them): the run goes on from there, in steps the budget allows.
    stopped.step(7);
    while (stopped.now() < 2_000_000) stopped.step(10_000);
    const whole = createDatacenter(scenario(input));
    whole.step(stopped.now());
    expect(JSON.stringify(stopped.metrics())).toBe(JSON.stringify(whole.metrics()));
    const { events: _a, ...a } = stopped.summary();
    const { events: _b, ...b } = whole.summary();
    expect(a).toEqual(b);
  });

  it('counts each host step as an event against the work budget', () => {
    const dc = createDatacenter(scenario(busyDatacenter({ metrics: undefined, actions: [], faults: undefined })), { maxSteps: 50 });
    expect(() => dc.step(5_000_000)).toThrow(expect.objectContaining({ code: 'E_LIMIT_EXCEEDED' }));
  });

  it('refuses a command from an event listener (hosts may be past the queue\'s now), naming the way out; without lookahead it applies', () => {
    const input = busyDatacenter({ duration: '12s', faults: undefined, actions: [] });
    const errors: unknown[] = [];
    let dc = createDatacenter(scenario(input), {
      onEvent: (e) => {
        // The batch job ends: a fact of its host's step (handed out after the span).
        if (e.type !== 'container.die' || e.subject !== 'container:job') return;
        try {
          dc.execute({ do: 'container.kill', container: 'web-vm-0-0' } as never);
        } catch (error) {
          errors.push(error);
        }
      },
    });
    dc.step(10_000_000);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ code: 'E_CONFLICT', message: expect.stringMatching(/lookahead: false/) as unknown });
    const kills: ClusterEvent[] = [];
    dc = createDatacenter(scenario(input), {
      lookahead: false,
      onEvent: (e) => {
        if (e.type === 'container.die' && e.subject === 'container:job') dc.execute({ do: 'container.kill', container: 'web-vm-0-0' } as never);
        if (e.type === 'container.kill') kills.push(e);
      },
    });
    dc.step(10_000_000);
    expect(kills.map((e) => e.subject)).toContain('container:web-vm-0-0');
  });

  it('stays off where hosts share the network model: a listener may command there', () => {
    const input = busyDatacenter({ duration: '12s', faults: undefined, actions: [], networks: [{ name: 'app' }] });
    let acted = 0;
    const dc = createDatacenter(scenario(input), {
      onEvent: (e) => {
        if (e.type === 'container.die' && e.subject === 'container:job') {
          acted++;
          dc.execute({ do: 'container.kill', container: 'web-vm-1-0' } as never);
        }
      },
    });
    dc.step(10_000_000);
    expect(acted).toBe(1);
  });

  it('random commands between random steps: the same views, series and report with and without lookahead', () => {
    const vm = fc.constantFrom('a', 'b', 'c', 'd');
    const host = fc.constantFrom('h-0', 'h-1', 'h-2');
    const container = fc.constantFrom('ca', 'cb', 'cc', 'x');
    const command: fc.Arbitrary<ClusterCommandInput> = fc.oneof(
      fc.record({ do: fc.constantFrom('vm.start', 'vm.shutdown', 'vm.destroy', 'vm.pause', 'vm.resume', 'vm.delete'), vm }) as fc.Arbitrary<ClusterCommandInput>,
      fc.record({ do: fc.constant('vm.migrate'), vm, to: host }) as fc.Arbitrary<ClusterCommandInput>,
      fc.record({ do: fc.constant('vm.create'), vm: fc.record({ name: vm, vcpus: fc.integer({ min: 1, max: 4 }), memory: fc.constantFrom('1Gi', '8Gi') }) }) as fc.Arbitrary<ClusterCommandInput>,
      fc.record({ do: fc.constantFrom('host.fail', 'host.repair'), host }) as fc.Arbitrary<ClusterCommandInput>,
      fc.record({ do: fc.constant('container.create'), container: fc.record({ name: container, on: vm, image: fc.constantFrom('batch', 'web', 'crasher') }) }) as fc.Arbitrary<ClusterCommandInput>,
      fc.record({ do: fc.constantFrom('container.start', 'container.delete'), container }) as fc.Arbitrary<ClusterCommandInput>,
      fc.record({ do: fc.constant('container.kill'), container, signal: fc.constantFrom('SIGKILL', 'SIGTERM') }) as fc.Arbitrary<ClusterCommandInput>,
    );
    const views = (dc: ClusterDatacenter): string => JSON.stringify({ hosts: dc.hosts(), vms: dc.vms(), containers: dc.containers() });
    fc.assert(
      fc.property(fc.array(fc.record({ command, dt: fc.integer({ min: 0, max: 2_500_000 }) }), { minLength: 1, maxLength: 10 }), (steps) => {
        const input = nested({ metrics: { interval: '500ms' } });
        const runs = [true, false].map((lookahead) => {
          const events: ClusterEvent[] = [];
          const dc = createDatacenter(input, { lookahead, onEvent: (e) => events.push(e) });
          const seen: string[] = [];
          for (const { command: c, dt } of steps) {
            try {
              dc.execute(ClusterCommandSchema.parse(c));
              seen.push('ok');
            } catch (error) {
              seen.push((error as { code?: string }).code ?? 'error');
            }
            dc.step(dt);
            seen.push(views(dc));
          }
          const { events: _steps, ...report } = dc.summary();
          return { seen, report: JSON.stringify(report), metrics: JSON.stringify(dc.metrics()), events: canonical(events) };
        });
        expect(runs[0]!.seen).toEqual(runs[1]!.seen);
        expect(runs[0]!.report).toBe(runs[1]!.report);
        expect(runs[0]!.metrics).toBe(runs[1]!.metrics);
        expect(runs[0]!.events).toEqual(runs[1]!.events);
      }),
      { numRuns: 40, seed: 20261127 },
    );
  }, 180_000);
});

describe('a lane pass with sampling', () => {
  it('reads as many instants as the hosts\' held utilizations fit in, within bounds', () => {
    expect(laneInstantsPerPass(20_000)).toBe(Math.floor(LANE_READINGS_BYTES / (8 * 20_000)));
    expect(laneInstantsPerPass(20_000)).toBe(104);
    expect(laneInstantsPerPass(1_000)).toBe(LANE_PASS_INSTANTS.max);
    expect(laneInstantsPerPass(0)).toBe(LANE_PASS_INSTANTS.max);
    expect(laneInstantsPerPass(10_000_000)).toBe(LANE_PASS_INSTANTS.min);
  });

  it('ends at the first instant it leaves unread: at most instantsPerPass, before the next queue event, within the budget', () => {
    const lane = new HostLane();
    lane.sampling = { interval: 10, next: 0, limit: -1, instantsPerPass: 3 };
    expect(lane.planPass(1_000, 2_000, 1e9)).toBe(30);
    expect(lane.sampling.limit).toBe(20);
    // A queue event at 45: the instants before it, in one pass that ends there.
    lane.sampling.next = 30;
    expect(lane.planPass(45, 2_000, 1e9)).toBe(45);
    expect(lane.sampling.limit).toBe(44);
    // One event of the budget left: one instant more than it allows, to tell that it ran out.
    lane.sampling.next = 50;
    expect(lane.planPass(1_000, 2_000, 1)).toBe(70);
    expect(lane.sampling.limit).toBe(60);
    // The run's end: instants through it.
    lane.sampling.next = 1_990;
    expect(lane.planPass(Infinity, 2_000, 1e9)).toBe(2_000);
    expect(lane.sampling.limit).toBe(2_000);
  });
});
