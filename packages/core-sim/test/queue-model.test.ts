// Model-based check of the kernel's ordering and cancellation: random command sequences run
// against the simulation and against a naive reference (a list scanned for the minimum).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '@strata/core-sim';
import type { EventKey, SimHandle } from '@strata/core-sim';

interface RefEvent {
  id: number;
  time: number;
  prio: number;
  seq: number;
  interval: number | undefined;
  child: number | undefined;
}

type Command =
  | { kind: 'at'; dt: number; prio: number; child: number | null; interval: number | null }
  | { kind: 'cancel'; index: number }
  | { kind: 'step' }
  | { kind: 'runUntil'; dt: number }
  | { kind: 'run'; maxEvents: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('at' as const), dt: fc.nat(40), prio: fc.integer({ min: -2, max: 2 }), child: fc.option(fc.nat(30)), interval: fc.option(fc.integer({ min: 1, max: 25 }), { freq: 6 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('cancel' as const), index: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('step' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('runUntil' as const), dt: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('run' as const), maxEvents: fc.nat(20) }) },
);

function runModel(commands: Command[]): void {
  const sim = createSimulation({ seed: 7 });
  const fired: number[] = [];
  const issued: { id: number; key: EventKey }[] = [];
  let nextId = 0;

  const ref: RefEvent[] = [];
  let refSeq = 0;
  let refNextId = 0;
  let refNow = 0;

  const handlerFor = (id: number, child: number | undefined) => (h: SimHandle): void => {
    fired.push(id);
    if (child !== undefined) {
      const cid = nextId++;
      issued.push({ id: cid, key: h.after(child, handlerFor(cid, undefined)) });
    }
  };

  const refMin = (): RefEvent | undefined => {
    let best: RefEvent | undefined;
    for (const e of ref) {
      if (best === undefined || e.time < best.time || (e.time === best.time && (e.prio < best.prio || (e.prio === best.prio && e.seq < best.seq)))) best = e;
    }
    return best;
  };
  // Fire the reference's next event; returns its id.
  const refFire = (): number => {
    const e = refMin()!;
    refNow = e.time;
    if (e.interval === undefined) ref.splice(ref.indexOf(e), 1);
    else {
      e.time += e.interval;
      e.seq = refSeq++;
    }
    if (e.child !== undefined) ref.push({ id: refNextId++, time: refNow + e.child, prio: 0, seq: refSeq++, interval: undefined, child: undefined });
    return e.id;
  };

  for (const c of commands) {
    const before = fired.length;
    const expected: number[] = [];
    switch (c.kind) {
      case 'at': {
        const id = nextId++;
        const child = c.child ?? undefined;
        const time = sim.now() + c.dt;
        const key =
          c.interval === null
            ? sim.at(time, handlerFor(id, child), { priority: c.prio })
            : sim.every(c.interval, handlerFor(id, child), { priority: c.prio, start: time });
        issued.push({ id, key });
        ref.push({ id: refNextId++, time, prio: c.prio, seq: refSeq++, interval: c.interval ?? undefined, child });
        break;
      }
      case 'cancel': {
        if (issued.length === 0) break;
        const { id, key } = issued[c.index % issued.length]!;
        const i = ref.findIndex((e) => e.id === id);
        if (i >= 0) ref.splice(i, 1);
        expect(sim.cancel(key)).toBe(i >= 0);
        expect(sim.cancel(key)).toBe(false);
        break;
      }
      case 'step': {
        const had = ref.length > 0;
        if (had) expected.push(refFire());
        expect(sim.step()).toBe(had);
        break;
      }
      case 'runUntil': {
        const until = sim.now() + c.dt;
        while (ref.length > 0 && refMin()!.time <= until) expected.push(refFire());
        refNow = until;
        const r = sim.runUntil(until);
        expect(r.time).toBe(until);
        expect(r.events).toBe(expected.length);
        break;
      }
      case 'run': {
        while (ref.length > 0 && expected.length < c.maxEvents) expected.push(refFire());
        const r = sim.run({ maxEvents: c.maxEvents });
        expect(r.events).toBe(expected.length);
        expect(r.reason).toBe(expected.length === c.maxEvents ? 'maxEvents' : 'empty');
        break;
      }
    }
    expect(fired.slice(before)).toEqual(expected);
    expect(sim.now()).toBe(refNow);
    expect(sim.pending()).toBe(ref.length);
    expect(sim.peek()).toBe(ref.length === 0 ? Infinity : refMin()!.time);
  }
}

describe('event ordering and cancellation against a reference model', () => {
  it('fires events in (time, priority, insertion) order, with cancellation and periodic events', () => {
    fc.assert(fc.property(fc.array(command, { maxLength: 300 }), (cmds) => runModel(cmds)), { numRuns: 300 });
  });

  it('survives heavy cancellation (compaction) without losing or reordering events', () => {
    // Many pending events, then mostly cancellations: dead entries outnumber live ones, which
    // forces compactions (heap rebuilds) while events keep firing in between.
    const at = fc.record({ kind: fc.constant('at' as const), dt: fc.nat(1000), prio: fc.integer({ min: -1, max: 1 }), child: fc.option(fc.nat(50)), interval: fc.option(fc.integer({ min: 50, max: 500 }), { freq: 10 }) });
    const heavy = fc
      .tuple(
        fc.array(at, { minLength: 150, maxLength: 600 }),
        fc.array(
          fc.oneof(
            { weight: 8, arbitrary: fc.record({ kind: fc.constant('cancel' as const), index: fc.nat() }) },
            { weight: 1, arbitrary: at },
            { weight: 1, arbitrary: fc.record({ kind: fc.constant('step' as const) }) },
          ),
          { minLength: 200, maxLength: 1200 },
        ),
        fc.array(fc.record({ kind: fc.constant('run' as const), maxEvents: fc.nat(200) }), { maxLength: 5 }),
      )
      .map(([a, b, c]): Command[] => [...a, ...b, ...c]);
    fc.assert(fc.property(heavy, (cmds) => runModel(cmds)), { numRuns: 40 });
  });

  it('keeps exact order after cancelling most of a large queue', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ time: fc.nat(5000), prio: fc.integer({ min: -3, max: 3 }), keep: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 100, maxLength: 3000 }),
        fc.double({ min: 0.5, max: 0.98, noNaN: true }),
        (events, cancelShare) => {
          const sim = createSimulation({ seed: 1 });
          const fired: number[] = [];
          const keys = events.map((e, i) => sim.at(e.time, () => fired.push(i), { priority: e.prio }));
          const kept: number[] = [];
          events.forEach((e, i) => {
            if (e.keep < cancelShare) expect(sim.cancel(keys[i]!)).toBe(true);
            else kept.push(i);
          });
          expect(sim.pending()).toBe(kept.length);
          kept.sort((a, b) => events[a]!.time - events[b]!.time || events[a]!.prio - events[b]!.prio || a - b);
          sim.run();
          expect(fired).toEqual(kept);
        },
      ),
      { numRuns: 60 },
    );
  });
});
