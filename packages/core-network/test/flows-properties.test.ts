// Invariants on random topologies and command sequences: capacity respected, every flow
// bottlenecked, incremental = full progressive filling, bytes conserved, no early completion.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FlowCompletedEvent } from '@strata/shared-types';
import { createFlowNetwork, type FlowNetwork } from '../src/flows/index.js';
import { fullRates } from './flows-oracle.js';

const REL = 1e-9;

type Op =
  | { kind: 'start'; delay: number; path: number[]; bytes: number; weight: number; maxRate?: number; window?: number }
  | { kind: 'cancel'; delay: number; pick: number }
  | { kind: 'cap'; delay: number; link: number; capacity: number };

const linksArb = fc.array(fc.record({ capacity: fc.integer({ min: 0, max: 1_000_000 }), latency: fc.integer({ min: 0, max: 2000 }) }), { minLength: 1, maxLength: 7 });

function opArb(nLinks: number, withCap: boolean): fc.Arbitrary<Op> {
  const start = fc.record({
    kind: fc.constant('start' as const),
    delay: fc.integer({ min: 0, max: 3_000_000 }),
    path: fc.uniqueArray(fc.integer({ min: 0, max: nLinks - 1 }), { minLength: 1, maxLength: Math.min(4, nLinks) }),
    bytes: fc.integer({ min: 1, max: 2_000_000 }),
    weight: fc.constantFrom(1, 2, 3, 0.5),
    maxRate: fc.option(fc.integer({ min: 1, max: 800_000 }), { nil: undefined }),
    window: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
  });
  const cancel = fc.record({ kind: fc.constant('cancel' as const), delay: fc.integer({ min: 0, max: 3_000_000 }), pick: fc.nat() });
  const cap = fc.record({ kind: fc.constant('cap' as const), delay: fc.integer({ min: 0, max: 3_000_000 }), link: fc.integer({ min: 0, max: nLinks - 1 }), capacity: fc.integer({ min: 0, max: 1_000_000 }) });
  return withCap ? fc.oneof({ arbitrary: start, weight: 4 }, { arbitrary: cancel, weight: 1 }, { arbitrary: cap, weight: 1 }) : fc.oneof({ arbitrary: start, weight: 4 }, { arbitrary: cancel, weight: 1 });
}

const scenarioArb = (withCap: boolean) =>
  linksArb.chain((links) => fc.record({ links: fc.constant(links), ops: fc.array(opArb(links.length, withCap), { minLength: 1, maxLength: 25 }) }));


function checkInvariants(net: FlowNetwork): void {
  const ids = net.flowIds();
  // Incremental repair and full recomputation agree to 1e-9 of the path capacities.
  const want = fullRates(net);
  ids.forEach((id, i) => {
    const f = net.flow(id);
    const scale = Math.max(1, ...f.path.map((l) => net.link(l).capacityBytesPerSecond));
    expect(Math.abs(f.rateBytesPerSecond - want[i]!), `flow ${id}`).toBeLessThanOrEqual(1e-9 * scale);
  });
  const linkLoad = new Map<string, number>();
  const linkMaxNorm = new Map<string, number>();
  for (const id of ids) {
    const f = net.flow(id);
    for (const l of f.path) {
      linkLoad.set(l, (linkLoad.get(l) ?? 0) + f.rateBytesPerSecond);
      linkMaxNorm.set(l, Math.max(linkMaxNorm.get(l) ?? 0, f.rateBytesPerSecond / f.weight));
    }
  }
  for (const l of net.linkIds()) {
    const cap = net.link(l).capacityBytesPerSecond;
    expect(linkLoad.get(l) ?? 0).toBeLessThanOrEqual(cap * (1 + REL) + 1e-9);
  }
  for (const id of ids) {
    const f = net.flow(id);
    const atCap = f.rateBytesPerSecond >= f.capBytesPerSecond * (1 - REL);
    const bottlenecked = f.path.some((l) => {
      const cap = net.link(l).capacityBytesPerSecond;
      return linkLoad.get(l)! >= cap * (1 - REL) && f.rateBytesPerSecond / f.weight >= linkMaxNorm.get(l)! * (1 - REL);
    });
    expect(atCap || bottlenecked, `flow ${id} is neither at its cap nor bottlenecked`).toBe(true);
  }
}

interface RunLog {
  completed: FlowCompletedEvent[];
  cancelled: { flow: string; path: string[]; delivered: number }[];
  started: Map<string, { path: string[]; bytes: number; bound: number }>;
  net: FlowNetwork;
}

function run(scn: { links: { capacity: number; latency: number }[]; ops: Op[] }, check: boolean): RunLog {
  const net = createFlowNetwork();
  scn.links.forEach((l, i) => net.addLink({ id: `l${i}`, ...l }));
  const log: RunLog = { completed: [], cancelled: [], started: new Map(), net };
  let n = 0;
  for (const op of scn.ops) {
    log.completed.push(...net.advanceTo(net.now() + op.delay));
    if (op.kind === 'start') {
      const id = `f${n++}`;
      const path = op.path.map((i) => `l${i}`);
      net.startFlow({ id, path, bytes: op.bytes, weight: op.weight, ...(op.maxRate === undefined ? {} : { maxRate: op.maxRate }), ...(op.window === undefined ? {} : { window: op.window }) });
      const f = net.flow(id);
      log.started.set(id, { path, bytes: op.bytes, bound: Math.min(f.capBytesPerSecond, ...path.map((l) => net.link(l).capacityBytesPerSecond)) });
    } else if (op.kind === 'cancel') {
      const ids = net.flowIds();
      if (ids.length > 0) {
        const id = ids[op.pick % ids.length]!;
        const path = net.flow(id).path as string[];
        const d = net.cancelFlow(id);
        log.cancelled.push({ flow: id, path, delivered: d.bytesDelivered });
      }
    } else {
      net.setCapacity(`l${op.link}`, op.capacity);
    }
    if (check) checkInvariants(net);
  }
  // Drain: give every link some capacity so every flow can finish.
  for (const l of net.linkIds()) if (net.link(l).capacityBytesPerSecond === 0) net.setCapacity(l, 1000);
  if (check) checkInvariants(net);
  for (let t = net.nextEventTime(); t !== Infinity; t = net.nextEventTime()) {
    log.completed.push(...net.advanceTo(t));
    if (check) checkInvariants(net);
  }
  return log;
}

describe('flow model invariants (property tests)', () => {
  it('no link over capacity, every flow bottlenecked, incremental = full fill, after every command', () => {
    fc.assert(fc.property(scenarioArb(true), (scn) => void run(scn, true)), { numRuns: 150 });
  });

  it('bytes are conserved: each link carried exactly what its finished flows delivered', () => {
    fc.assert(
      fc.property(scenarioArb(true), (scn) => {
        const log = run(scn, false);
        const ended = new Set([...log.completed.map((e) => e.flow), ...log.cancelled.map((c) => c.flow)]);
        expect(ended.size).toBe(log.started.size); // each flow ends exactly once
        expect(log.completed.length + log.cancelled.length).toBe(log.started.size);
        const expected = new Map<string, number>();
        const slack = new Map<string, number>();
        for (const e of log.completed) {
          expect(e.bytes).toBe(log.started.get(e.flow)!.bytes);
          for (const l of log.started.get(e.flow)!.path) expected.set(l, (expected.get(l) ?? 0) + e.bytes);
        }
        for (const c of log.cancelled) {
          for (const l of c.path) {
            expected.set(l, (expected.get(l) ?? 0) + c.delivered);
            slack.set(l, (slack.get(l) ?? 0) + 1); // bytesDelivered is rounded down
          }
        }
        for (const l of log.net.linkIds()) {
          const carried = log.net.link(l).bytesCarried;
          const want = expected.get(l) ?? 0;
          expect(carried).toBeGreaterThanOrEqual(want - 1);
          expect(carried).toBeLessThanOrEqual(want + (slack.get(l) ?? 0) + 1);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('no flow completes before bytes / min(own cap, path capacities) when capacities never change', () => {
    fc.assert(
      fc.property(scenarioArb(false), (scn) => {
        const log = run({ links: scn.links.map((l) => ({ ...l, capacity: Math.max(1, l.capacity) })), ops: scn.ops }, false);
        for (const e of log.completed) {
          const s = log.started.get(e.flow)!;
          expect(e.durationUs * s.bound).toBeGreaterThanOrEqual(s.bytes * 1e6 * (1 - 1e-12));
        }
      }),
      { numRuns: 150 },
    );
  });
});
