// Energy meters: known answers in kWh, the linear identity E = idle·T + (max − idle)·busy/cpus,
// additivity over intervals, monotonicity in utilization, failures at 0 W, and bad input refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEnergyMeter, powerModel } from '../../src/energy/index.js';

const HOUR = 3_600_000_000;
const ML110_G4 = [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117];

describe('createEnergyMeter', () => {
  it('a host at 50 % for an hour with idle 100 W and max 200 W uses 0.15 kWh', () => {
    const meter = createEnergyMeter();
    meter.addHost('h', { idle: 100, max: 200 }, 0);
    meter.record('h', 0, 0.5);
    expect(meter.watts('h')).toBe(150);
    expect(meter.hostKWhUntil('h', HOUR)).toBeCloseTo(0.15, 12);
    expect(meter.kWhUntil(HOUR)).toEqual({ totalKWh: meter.hostKWhUntil('h', HOUR), perHostKWh: { h: meter.hostKWhUntil('h', HOUR) } });
  });

  it('integrates the ML110 G4 table at 0 %, 55 % and 100 % for an hour each', () => {
    const meter = createEnergyMeter();
    meter.addHost('g4', { table: ML110_G4 }, 0);
    expect(meter.hostKWhUntil('g4', HOUR)).toBeCloseTo(0.086, 12);
    meter.record('g4', HOUR, 0.55);
    expect(meter.watts('g4')).toBeCloseTo(104, 10);
    meter.record('g4', 2 * HOUR, 1);
    expect(meter.hostKWhUntil('g4', 3 * HOUR)).toBeCloseTo((86 + 104 + 117) / 1000, 12);
  });

  it('a failed host draws nothing until it runs again; an added host starts idle', () => {
    const meter = createEnergyMeter();
    meter.addHost('a', { idle: 100, max: 300 }, 0);
    meter.addHost('b', powerModel({ idle: 50, max: 60 }), HOUR);
    meter.record('a', 0, 1);
    meter.off('a', HOUR);
    expect(meter.watts('a')).toBe(0);
    meter.record('a', 2 * HOUR, 0);
    const r = meter.kWhUntil(3 * HOUR);
    expect(r.perHostKWh.a).toBeCloseTo(0.3 + 0 + 0.1, 12);
    expect(r.perHostKWh.b).toBeCloseTo(0.1, 12);
    expect(r.totalKWh).toBeCloseTo(0.5, 12);
    expect(meter.hosts()).toEqual(['a', 'b']);
  });

  it('a piecewise schedule on a linear host obeys E = idle·T + (max − idle)·busyCpuTime/cpus', () => {
    const piece = fc.record({ duration: fc.integer({ min: 0, max: 10 * HOUR }), busy: fc.integer({ min: 0, max: 64 }) });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 1, max: 64 }), fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (pieces, cpus, idle, span) => {
        const meter = createEnergyMeter();
        meter.addHost('h', { idle, max: idle + span }, 0);
        let t = 0;
        let busyCpuMicros = 0;
        for (const { duration, busy } of pieces) {
          const b = Math.min(busy, cpus);
          meter.record('h', t, b / cpus);
          t += duration;
          busyCpuMicros += b * duration;
        }
        const expectedKWh = (idle * t + (span * busyCpuMicros) / cpus) / 3.6e12;
        expect(meter.hostKWhUntil('h', t)).toBeCloseTo(expectedKWh, 9);
      }),
    );
  });

  it('is additive over intervals: E(0, T) = E(0, s) + E(s, T), and a record that changes nothing adds nothing', () => {
    const pieces = fc.array(fc.tuple(fc.integer({ min: 1, max: HOUR }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(pieces, fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (schedule, pick, fraction) => {
        // The split instant s lies inside piece `pick`; the second meter starts at s with that piece's utilization.
        const whole = createEnergyMeter();
        const repeated = createEnergyMeter();
        const tail = createEnergyMeter();
        whole.addHost('h', { table: ML110_G4 }, 0);
        repeated.addHost('h', { table: ML110_G4 }, 0);
        const at = pick % schedule.length;
        let t = 0;
        let head = NaN;
        schedule.forEach(([duration, u], i) => {
          whole.record('h', t, u);
          repeated.record('h', t, u);
          if (i > at) tail.record('h', t, u);
          if (i === at) {
            const s = t + Math.floor(duration * fraction);
            head = whole.hostKWhUntil('h', s);
            repeated.record('h', s, u);
            tail.addHost('h', { table: ML110_G4 }, s);
            tail.record('h', s, u);
          }
          t += duration;
        });
        const total = whole.hostKWhUntil('h', t);
        expect(head + tail.hostKWhUntil('h', t)).toBeCloseTo(total, 12);
        expect(repeated.hostKWhUntil('h', t)).toBeCloseTo(total, 12);
      }),
    );
  });

  it('is monotone in utilization: a pointwise busier schedule never uses less energy', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: HOUR }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 20 }), (pieces) => {
        const low = createEnergyMeter();
        const high = createEnergyMeter();
        low.addHost('h', { table: ML110_G4 }, 0);
        high.addHost('h', { table: ML110_G4 }, 0);
        let t = 0;
        for (const [duration, a, b] of pieces) {
          low.record('h', t, Math.min(a, b));
          high.record('h', t, Math.max(a, b));
          t += duration;
        }
        expect(high.hostKWhUntil('h', t)).toBeGreaterThanOrEqual(low.hostKWhUntil('h', t) - 1e-15);
      }),
    );
  });

  it('refuses unknown hosts, duplicate hosts, times that go back and bad utilization, changing nothing', () => {
    const meter = createEnergyMeter();
    meter.addHost('h', { idle: 100, max: 200 }, 10);
    expect(() => meter.addHost('h', { idle: 1, max: 2 }, 0)).toThrowError(expect.objectContaining({ code: 'E_CONFLICT' }) as Error);
    expect(() => meter.addHost('x', { idle: 3, max: 2 }, 0)).toThrow(/power.max/);
    expect(meter.hosts()).toEqual(['h']);
    expect(() => meter.record('nope', 20, 0.5)).toThrowError(expect.objectContaining({ code: 'E_NOT_FOUND' }) as Error);
    expect(() => meter.record('h', 5, 0.5)).toThrow(/last metered at 10 µs; time 5 µs is earlier/);
    expect(() => meter.record('h', 20.5, 0.5)).toThrow(/non-negative integer of µs/);
    expect(() => meter.record('h', 20, 2)).toThrow(/utilization must be a fraction/);
    expect(() => meter.kWhUntil(9)).toThrow(/earlier/);
    expect(meter.watts('h')).toBe(100);
    expect(meter.hostKWhUntil('h', 10 + HOUR)).toBeCloseTo(0.1, 12);
  });

  it('is deterministic: the same calls give the same numbers bit for bit', () => {
    const run = () => {
      const meter = createEnergyMeter();
      for (let h = 0; h < 10; h++) meter.addHost(`h-${h}`, h % 2 ? { table: ML110_G4 } : { idle: 90, max: 240 }, 0);
      for (let t = 1; t <= 1000; t++) meter.record(`h-${t % 10}`, t * 997, ((t * 7919) % 101) / 100);
      return JSON.stringify(meter.kWhUntil(2_000_000));
    };
    expect(run()).toBe(run());
  });
});
