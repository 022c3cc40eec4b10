// The simulation's contract: clock, scheduling and its validation, ordering, periodic
// events, cancellation, the run controls, and the separation of driver and model handle.
import { describe, expect, it } from 'vitest';
import { createSimulation, MAX_PRIORITY, MIN_PRIORITY } from '@strata/core-sim';
import type { EventKey, SimHandle, Simulation } from '@strata/core-sim';

const code = (c: string): unknown => expect.objectContaining({ code: c });

describe('createSimulation', () => {
  it('starts at 0 or at `start`, with nothing pending', () => {
    const sim = createSimulation({ seed: 1 });
    expect(sim.now()).toBe(0);
    expect(sim.peek()).toBe(Infinity);
    expect(sim.pending()).toBe(0);
    expect(sim.eventsExecuted()).toBe(0);
    expect(createSimulation({ seed: 's', start: 500 }).now()).toBe(500);
  });

  it('rejects bad options', () => {
    for (const opts of [null, 5, { seed: 1.5 }, { seed: NaN }, { seed: {} }, { seed: 1, start: -1 }, { seed: 1, start: 0.5 }, { seed: 1, trace: { record: 1 } }]) {
      expect(() => createSimulation(opts as never)).toThrow(code('E_VALIDATION'));
    }
  });
});

describe('scheduling', () => {
  it('runs events in time order, then priority class, then insertion order', () => {
    const sim = createSimulation({ seed: 1 });
    const log: string[] = [];
    sim.at(20, () => log.push('t20'));
    sim.at(10, () => log.push('t10 p0 first'));
    sim.at(10, () => log.push('t10 p1'), { priority: 1 });
    sim.at(10, () => log.push('t10 p-1'), { priority: -1 });
    sim.at(10, () => log.push('t10 p0 second'));
    sim.after(5, () => log.push('t5'));
    sim.run();
    expect(log).toEqual(['t5', 't10 p-1', 't10 p0 first', 't10 p0 second', 't10 p1', 't20']);
    expect(sim.now()).toBe(20);
  });

  it('an event scheduled for now from a handler runs after the current one, at the same time', () => {
    const sim = createSimulation({ seed: 1 });
    const log: [string, number][] = [];
    sim.at(3, (h) => {
      log.push(['a', h.now()]);
      h.after(0, (h2) => log.push(['c', h2.now()]));
    });
    sim.at(3, (h) => log.push(['b', h.now()]));
    sim.run();
    expect(log).toEqual([['a', 3], ['b', 3], ['c', 3]]);
  });

  it('accepts the priority range bounds and rejects values outside it', () => {
    const sim = createSimulation({ seed: 1 });
    sim.at(1, () => {}, { priority: MIN_PRIORITY });
    sim.at(1, () => {}, { priority: MAX_PRIORITY });
    for (const priority of [MIN_PRIORITY - 1, MAX_PRIORITY + 1, 0.5, NaN, '1']) {
      expect(() => sim.at(1, () => {}, { priority } as never)).toThrow(code('E_VALIDATION'));
    }
    expect(() => sim.at(1, () => {}, { label: 5 } as never)).toThrow(code('E_VALIDATION'));
    expect(() => sim.at(1, () => {}, null as never)).toThrow(code('E_VALIDATION'));
    expect(sim.pending()).toBe(2);
  });

  it('rejects bad times with E_VALIDATION and past times with E_SCHEDULE_IN_PAST, changing nothing', () => {
    const sim = createSimulation({ seed: 1, start: 100 });
    sim.at(150, () => {});
    const bad = [-1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, '200'];
    for (const t of bad) {
      expect(() => sim.at(t as number, () => {})).toThrow(code('E_VALIDATION'));
      expect(() => sim.after(t as number, () => {})).toThrow(code('E_VALIDATION'));
    }
    expect(() => sim.at(99, () => {})).toThrow(code('E_SCHEDULE_IN_PAST'));
    try {
      sim.at(0, () => {});
    } catch (e) {
      expect(e).toMatchObject({ code: 'E_SCHEDULE_IN_PAST', details: { time: 0, now: 100 } });
    }
    expect(() => sim.after(Number.MAX_SAFE_INTEGER - 50, () => {})).toThrow(code('E_VALIDATION'));
    expect(() => sim.at(200, 'not a function' as never)).toThrow(code('E_VALIDATION'));
    expect(() => sim.after(1, undefined as never)).toThrow(code('E_VALIDATION'));
    expect(sim.pending()).toBe(1);
    expect(sim.peek()).toBe(150);
    // A failed call consumes no insertion sequence: equal-time order is as if it never happened.
    const log: number[] = [];
    sim.at(150, () => log.push(1));
    expect(() => sim.at(150, () => log.push(9), { priority: 5000 })).toThrow();
    sim.at(150, () => log.push(2));
    sim.run();
    expect(log).toEqual([1, 2]);
  });

  it('accepts the largest safe time', () => {
    const sim = createSimulation({ seed: 1 });
    sim.at(Number.MAX_SAFE_INTEGER, () => {});
    expect(sim.run().time).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('every', () => {
  it('fires at exact multiples of the interval, however long handlers take', () => {
    const sim = createSimulation({ seed: 1 });
    const times: number[] = [];
    sim.every(7, (h) => {
      times.push(h.now());
      h.after(3, () => {}); // other work in between never shifts the series
    });
    sim.runUntil(50);
    expect(times).toEqual([7, 14, 21, 28, 35, 42, 49]);
  });

  it('starts at opts.start when given and stops when cancelled, also from its own handler', () => {
    const sim = createSimulation({ seed: 1, start: 10 });
    const times: number[] = [];
    const key: EventKey = sim.every(5, (h) => {
      times.push(h.now());
      if (times.length === 3) expect(h.cancel(key)).toBe(true);
    }, { start: 10 });
    sim.run();
    expect(times).toEqual([10, 15, 20]);
    expect(sim.pending()).toBe(0);
    expect(sim.cancel(key)).toBe(false);
  });

  it('orders against other events by its priority and re-insertion sequence', () => {
    const sim = createSimulation({ seed: 1 });
    const log: string[] = [];
    sim.every(10, (h) => log.push(`tick@${h.now()}`), { priority: -1 });
    sim.at(10, () => log.push('a@10'));
    sim.at(20, () => log.push('b@20'), { priority: -1 });
    sim.runUntil(20);
    // At 20 both have class -1: b was inserted before the tick's re-insertion at 10.
    expect(log).toEqual(['tick@10', 'a@10', 'b@20', 'tick@20']);
  });

  it('rejects a bad interval or start', () => {
    const sim = createSimulation({ seed: 1, start: 5 });
    for (const interval of [0, -1, 1.5, NaN, Infinity]) expect(() => sim.every(interval, () => {})).toThrow(code('E_VALIDATION'));
    expect(() => sim.every(1, () => {}, { start: 4 })).toThrow(code('E_SCHEDULE_IN_PAST'));
    expect(() => sim.every(1, () => {}, { start: 0.5 })).toThrow(code('E_VALIDATION'));
    expect(() => sim.every(Number.MAX_SAFE_INTEGER, () => {})).toThrow(code('E_VALIDATION'));
    expect(sim.pending()).toBe(0);
  });

  it('ends the series when the next firing would pass the largest safe time', () => {
    const sim = createSimulation({ seed: 1 });
    let n = 0;
    const key = sim.every(10, () => n++, { start: Number.MAX_SAFE_INTEGER - 15 });
    sim.run();
    expect(n).toBe(2);
    expect(sim.cancel(key)).toBe(false);
  });
});

describe('cancel', () => {
  it('returns true once for a pending event, false after it ran or was cancelled', () => {
    const sim = createSimulation({ seed: 1 });
    let ran = 0;
    const a = sim.at(5, () => ran++);
    const b = sim.at(6, () => ran++);
    expect(sim.cancel(a)).toBe(true);
    expect(sim.cancel(a)).toBe(false);
    expect(sim.peek()).toBe(6);
    sim.run();
    expect(ran).toBe(1);
    expect(sim.cancel(b)).toBe(false);
  });

  it('a key stays dead after its slot is reused by a new event', () => {
    const sim = createSimulation({ seed: 1 });
    const old = sim.at(1, () => {});
    sim.run();
    let ran = false;
    const fresh = sim.at(2, () => (ran = true));
    expect(fresh).not.toBe(old);
    expect(sim.cancel(old)).toBe(false);
    sim.run();
    expect(ran).toBe(true);
  });

  it('an event cannot cancel itself while running; it can cancel others', () => {
    const sim = createSimulation({ seed: 1 });
    const results: boolean[] = [];
    const self: EventKey = sim.at(1, (h) => {
      results.push(h.cancel(self), h.cancel(later));
    });
    const later = sim.at(2, () => results.push(true));
    sim.run();
    expect(results).toEqual([false, true]);
  });

  it('rejects something that cannot be a key', () => {
    const sim = createSimulation({ seed: 1 });
    for (const key of [-1, 1.5, NaN, 'k', undefined]) expect(() => sim.cancel(key as never)).toThrow(code('E_VALIDATION'));
    expect(sim.cancel(123456 as EventKey)).toBe(false);
  });
});

describe('run controls', () => {
  it('step runs exactly one event and returns false when nothing is pending', () => {
    const sim = createSimulation({ seed: 1 });
    const log: number[] = [];
    sim.at(1, () => log.push(1));
    sim.at(2, () => log.push(2));
    expect(sim.step()).toBe(true);
    expect(log).toEqual([1]);
    expect(sim.now()).toBe(1);
    expect(sim.step()).toBe(true);
    expect(sim.step()).toBe(false);
    expect(sim.eventsExecuted()).toBe(2);
  });

  it('step skips cancelled events', () => {
    const sim = createSimulation({ seed: 1 });
    const k = sim.at(1, () => {});
    sim.at(2, () => {});
    sim.cancel(k);
    expect(sim.step()).toBe(true);
    expect(sim.now()).toBe(2);
  });

  it('runUntil runs events at or before the time (including ones they add) and sets the clock', () => {
    const sim = createSimulation({ seed: 1 });
    const log: number[] = [];
    sim.at(10, (h) => {
      log.push(h.now());
      h.at(10, () => log.push(-10));
    });
    sim.at(11, () => log.push(11));
    expect(sim.runUntil(10)).toEqual({ reason: 'until', time: 10, events: 2 });
    expect(log).toEqual([10, -10]);
    expect(sim.runUntil(10)).toEqual({ reason: 'until', time: 10, events: 0 });
    expect(sim.runUntil(100)).toEqual({ reason: 'empty', time: 100, events: 1 });
    expect(sim.now()).toBe(100);
    expect(() => sim.runUntil(99)).toThrow(code('E_VALIDATION'));
    expect(() => sim.runUntil(1.5)).toThrow(code('E_VALIDATION'));
  });

  it('run stops on empty (clock at the last event), until, or maxEvents', () => {
    const sim = createSimulation({ seed: 1 });
    for (let t = 1; t <= 10; t++) sim.at(t * 10, () => {});
    expect(sim.run({ maxEvents: 3 })).toEqual({ reason: 'maxEvents', time: 30, events: 3 });
    expect(sim.run({ maxEvents: 0 })).toEqual({ reason: 'maxEvents', time: 30, events: 0 });
    expect(sim.run({ until: 55 })).toEqual({ reason: 'until', time: 55, events: 2 });
    expect(sim.run({ until: 80, maxEvents: 10 })).toEqual({ reason: 'until', time: 80, events: 3 });
    expect(sim.run()).toEqual({ reason: 'empty', time: 100, events: 2 });
    expect(sim.run()).toEqual({ reason: 'empty', time: 100, events: 0 });
    expect(sim.eventsExecuted()).toBe(10);
    for (const opts of [{ maxEvents: -1 }, { maxEvents: 1.5 }, { until: -5 }, { until: 50 }, 7]) {
      expect(() => sim.run(opts as never)).toThrow(code('E_VALIDATION'));
    }
  });

  it('a handler cannot drive the loop (E_INVALID_TRANSITION), even through a captured Simulation', () => {
    const sim = createSimulation({ seed: 1 });
    const errors: unknown[] = [];
    sim.at(1, () => {
      for (const call of [() => sim.step(), () => sim.run(), () => sim.runUntil(5)]) {
        try {
          call();
        } catch (e) {
          errors.push(e);
        }
      }
      // ...but it may schedule, peek and count through it.
      sim.after(1, () => {});
      expect(sim.peek()).toBe(2);
    });
    sim.run();
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(e).toMatchObject({ code: 'E_INVALID_TRANSITION' });
    expect(sim.now()).toBe(2);
  });

  it('an exception in a handler propagates, and the simulation stays consistent and usable', () => {
    const sim = createSimulation({ seed: 1 });
    const log: number[] = [];
    sim.at(1, () => {
      throw new Error('model bug');
    });
    sim.at(2, () => log.push(2));
    sim.every(5, (h) => {
      log.push(h.now());
      if (h.now() === 5) throw new Error('periodic bug');
    });
    expect(() => sim.run()).toThrow('model bug');
    expect(sim.now()).toBe(1);
    expect(sim.eventsExecuted()).toBe(1);
    expect(sim.pending()).toBe(2);
    expect(sim.peek()).toBe(2);
    expect(() => sim.run({ until: 12 })).toThrow('periodic bug');
    expect(sim.run({ until: 12 })).toMatchObject({ reason: 'until', time: 12 });
    expect(log).toEqual([2, 5, 10]);
    expect(sim.pending()).toBe(1); // the series goes on
  });
});

describe('the model handle', () => {
  it('is a separate object that can schedule, cancel, draw and trace, but not run the loop', () => {
    const sim = createSimulation({ seed: 1 });
    let handle: SimHandle | undefined;
    sim.at(1, (h) => (handle = h));
    sim.run();
    expect(handle).toBeDefined();
    expect(handle).not.toBe(sim);
    for (const m of ['now', 'at', 'after', 'every', 'cancel', 'rng', 'trace']) expect(typeof (handle as unknown as Record<string, unknown>)[m]).toBe('function');
    for (const m of ['run', 'runUntil', 'step', 'peek', 'pending']) expect(m in handle!).toBe(false);
    expect(handle!.rng('x')).toBe(sim.rng('x'));
    handle!.at(4, () => {});
    expect(sim.pending()).toBe(1);
  });

  it('is typed without run controls', () => {
    const sim: Simulation = createSimulation({ seed: 1 });
    sim.at(1, (h) => {
      // @ts-expect-error a model cannot run the loop
      // eslint-disable-next-line @typescript-eslint/no-unsafe-call -- the point: `run` does not exist on a handle
      h.run();
    });
    const handle: SimHandle = sim; // a Simulation is usable where a handle is expected
    expect(typeof handle.now).toBe('function');
  });
});
