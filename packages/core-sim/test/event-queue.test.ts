// The queue's key discipline, tested directly: keys are never reissued, even when a slot is
// reused until its generation runs out and it is retired.
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../src/event-queue.js';

function drain(q: EventQueue<string>): string[] {
  const out: string[] = [];
  while (q.settle()) out.push(q.take());
  return out;
}

describe('EventQueue keys', () => {
  it('never reissues a key, and stale keys cancel nothing, across slot reuse and retirement', () => {
    const q = new EventQueue<string>(4); // a slot retires after 4 generations
    const seen = new Set<number>();
    const stale: number[] = [];
    for (let round = 0; round < 50; round++) {
      const keys = [q.push(round, 0, `a${round}`, undefined), q.push(round, 0, `b${round}`, undefined)];
      for (const k of keys) {
        expect(seen.has(k)).toBe(false);
        expect(k).toBeLessThan(4 * 2 ** 26); // generation < limit: keys stay in range
        seen.add(k);
      }
      for (const k of stale) expect(q.cancel(k)).toBe(false);
      if (round % 3 === 0) expect(q.cancel(keys[1]!)).toBe(true);
      expect(drain(q)).toEqual(round % 3 === 0 ? [`a${round}`] : [`a${round}`, `b${round}`]);
      stale.push(...keys);
      for (const k of keys) expect(q.isPending(k)).toBe(false);
    }
    expect(q.pending()).toBe(0);
  });

  it('orders by (time, priority, insertion) and reports the next time', () => {
    const q = new EventQueue<string>();
    q.push(5, 1, 'c', undefined);
    q.push(5, 0, 'b', undefined);
    q.push(2, 3, 'a', undefined);
    q.push(5, 1, 'd', undefined);
    expect(q.peekTime()).toBe(2);
    expect(drain(q)).toEqual(['a', 'b', 'c', 'd']);
    expect(q.peekTime()).toBe(Infinity);
  });
});
