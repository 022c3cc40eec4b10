// The engine's and pod manager's timers: (time, creation) order, cancellation, due-taking.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TimerList } from '../../src/engine/timer-list.js';

describe('TimerList', () => {
  it('hands out due timers by time, ties in creation order, skipping cancelled ones', () => {
    const l = new TimerList<{ name: string }>();
    l.add(30, { name: 'c' });
    const b = l.add(10, { name: 'b' });
    l.add(10, { name: 'b2' });
    l.add(5, { name: 'a' });
    b.cancelled = true;
    expect(l.nextTime()).toBe(5);
    expect(l.takeDue(4)).toBeUndefined();
    const names: string[] = [];
    for (let t = l.takeDue(20); t !== undefined; t = l.takeDue(20)) names.push(t.name);
    expect(names).toEqual(['a', 'b2']);
    expect(l.nextTime()).toBe(30);
    expect(l.takeDue(30)?.name).toBe('c');
    expect(l.nextTime()).toBe(Infinity);
  });

  it('equals a sort by (time, creation) of the live timers (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ time: fc.integer({ min: 0, max: 50 }), cancel: fc.boolean() }), { maxLength: 60 }), (specs) => {
        const l = new TimerList<{ i: number }>();
        specs.forEach((s, i) => {
          const t = l.add(s.time, { i });
          if (s.cancel) t.cancelled = true;
        });
        const taken: number[] = [];
        for (let t = l.takeDue(Infinity); t !== undefined; t = l.takeDue(Infinity)) taken.push(t.i);
        const expected = specs.map((s, i) => ({ ...s, i })).filter((s) => !s.cancel).sort((a, b) => a.time - b.time || a.i - b.i).map((s) => s.i);
        expect(taken).toEqual(expected);
      }),
    );
  });
});
