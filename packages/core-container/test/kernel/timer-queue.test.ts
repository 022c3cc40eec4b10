// The kernel's timer queue against a sorted list: timers come out by (time, order armed), with
// their payload, under random pushes, pops and peeks (a pop leaves a hole a push may fill).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TimerQueue } from '../../src/kernel/timer-queue.js';

interface Ref {
  readonly time: number;
  readonly seq: number;
  readonly pid: number;
  readonly token: number;
  readonly kind: 'sleep' | 'arrival';
  readonly ref: object | undefined;
}

const op = fc.oneof(
  fc.record({ type: fc.constant('push' as const), time: fc.integer({ min: 0, max: 60 }), kind: fc.constantFrom('sleep' as const, 'arrival' as const) }),
  fc.constant({ type: 'pop' as const }),
  fc.constant({ type: 'peek' as const }),
  fc.record({ type: fc.constant('popPush' as const), gap: fc.integer({ min: 0, max: 30 }) }),
);

describe('TimerQueue', () => {
  it('pops in (time, arming order) with each timer’s payload, like a sorted list', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const q = new TimerQueue();
        const list: Ref[] = [];
        let seq = 0;
        const push = (time: number, kind: 'sleep' | 'arrival'): void => {
          const r: Ref = { time, seq: seq++, pid: seq * 3, token: seq * 7, kind, ref: kind === 'arrival' ? { n: seq } : undefined };
          q.push(r.time, r.pid, r.token, r.kind, r.ref);
          list.push(r);
          list.sort((a, b) => a.time - b.time || a.seq - b.seq);
        };
        const pop = (): Ref | undefined => {
          if (list.length === 0) return undefined;
          const want = list.shift()!;
          q.pop();
          expect([q.poppedPid, q.poppedToken, q.poppedKind, q.poppedRef]).toEqual([want.pid, want.token, want.kind, want.ref]);
          return want;
        };
        for (const o of ops) {
          if (o.type === 'push') push(o.time, o.kind);
          else if (o.type === 'pop') pop();
          else if (o.type === 'peek') expect(q.peekTime()).toBe(list[0]?.time ?? Infinity);
          else {
            // A fired arrival re-arms the next one at once (the hole is filled by the push).
            const fired = pop();
            if (fired !== undefined) push(fired.time + o.gap, 'arrival');
          }
          expect(q.size).toBe(list.length);
        }
        while (list.length > 0) {
          expect(q.peekTime()).toBe(list[0]!.time);
          pop();
        }
        expect(q.peekTime()).toBe(Infinity);
        expect(q.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('grows past its first capacity and keeps order over thousands of timers', () => {
    const q = new TimerQueue();
    const times = Array.from({ length: 5_000 }, (_, i) => (i * 7_919) % 1_000);
    times.forEach((t, i) => q.push(t, i, i));
    const out: [number, number][] = [];
    while (q.size > 0) {
      const t = q.peekTime();
      q.pop();
      out.push([t, q.poppedPid]);
    }
    const want = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(out).toEqual(want);
  });
});
