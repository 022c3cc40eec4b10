// The intended use on core-sim: one pending event per model at nextEventTime(), re-armed after
// every command; and determinism: the same seed gives the same facts.
import { describe, expect, it } from 'vitest';
import { createSimulation, type EventKey, type Simulation } from '@strata/core-sim';
import type { DomainEvent } from '@strata/shared-types';
import { createFlowNetwork, type FlowNetwork } from '../src/flows/index.js';

/** Keeps one pending simulation event at the network's next completion. */
function drive(sim: Simulation, net: FlowNetwork, facts: DomainEvent[]) {
  let key: EventKey | undefined;
  const rearm = (): void => {
    if (key !== undefined) sim.cancel(key);
    key = undefined;
    const t = net.nextEventTime();
    if (t !== Infinity) {
      key = sim.at(t, () => {
        key = undefined;
        facts.push(...net.advanceTo(sim.now()));
        rearm();
      });
    }
  };
  /** Run a command at the simulation's now: bring the model to now, apply, re-arm. */
  const command = <T>(fn: () => T): T => {
    facts.push(...net.advanceTo(sim.now()));
    const out = fn();
    rearm();
    return out;
  };
  return { command };
}

describe('flows on core-sim', () => {
  it('a second flow joining halfway re-shares the link; completions land on the µs computed by hand', () => {
    // 1 MB/s link. a: 1,000,000 B from 0; b: 250,000 B from 0.5 s. At 0.5 s a has 500,000 B left;
    // both at 500,000 B/s: b ends at 0.5 + 0.5 = 1.0 s, a has 250,000 B left then, alone at 1 MB/s:
    // ends at 1.25 s.
    const sim = createSimulation({ seed: 1 });
    const net = createFlowNetwork();
    const facts: DomainEvent[] = [];
    const { command } = drive(sim, net, facts);
    net.addLink({ id: 'L', capacity: 1_000_000, latency: 50 });
    sim.at(0, () => facts.push(command(() => net.startFlow({ id: 'a', path: ['L'], bytes: 1_000_000 }))));
    sim.at(500_000, () => facts.push(command(() => net.startFlow({ id: 'b', path: ['L'], bytes: 250_000 }))));
    sim.run();
    expect(facts.map((f) => [f.type, f.time, (f as { flow?: string }).flow])).toEqual([
      ['flow.started', 0, 'a'],
      ['flow.started', 500_000, 'b'],
      ['flow.completed', 1_000_000, 'b'],
      ['flow.completed', 1_250_000, 'a'],
    ]);
    expect(sim.now()).toBe(1_250_000);
    expect(sim.pending()).toBe(0);
  });
});

/** A random run on a small fabric driven by core-sim; returns its facts as JSON. */
function randomRun(seed: number): string {
  const sim = createSimulation({ seed });
  const net = createFlowNetwork();
  const facts: DomainEvent[] = [];
  const { command } = drive(sim, net, facts);
  const rng = sim.rng('flows-test');
  for (let i = 0; i < 6; i++) net.addLink({ id: `l${i}`, capacity: rng.int(1, 10) * 100_000, latency: rng.int(0, 100) });
  for (let i = 0; i < 60; i++) {
    sim.at(rng.int(0, 5_000_000), () => {
      const path = rng.shuffle(['l0', 'l1', 'l2', 'l3', 'l4', 'l5']).slice(0, rng.int(1, 3));
      facts.push(command(() => net.startFlow({ id: `f${i}`, path, bytes: Math.round(rng.lognormal(11, 1)) + 1, weight: rng.int(1, 3) })));
    });
  }
  sim.at(2_000_000, () => command(() => net.setCapacity('l0', 50_000)));
  sim.run();
  return JSON.stringify(facts);
}

describe('determinism', () => {
  it('the same seed gives byte-identical facts; another seed does not', () => {
    const a = randomRun(42);
    expect(randomRun(42)).toBe(a);
    expect(randomRun(43)).not.toBe(a);
    expect((JSON.parse(a) as DomainEvent[]).filter((f) => f.type === 'flow.completed')).toHaveLength(60);
  });
});
