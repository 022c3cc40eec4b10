// Power models: CloudSim's linear and SPECpower-table models on known answers, validation of
// specs, monotonicity, and a table of 11 points on a line equal to the linear model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { powerModel } from '../../src/energy/index.js';

/** HP ProLiant ML110 G4 (1 × Xeon 3040, 2 cores, 4 GB), SPECpower_ssj2008, as CloudSim's PowerModelSpecPowerHpProLiantMl110G4Xeon3040. */
const ML110_G4 = [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117];
/** HP ProLiant ML110 G5 (1 × Xeon 3075), as CloudSim's PowerModelSpecPowerHpProLiantMl110G5Xeon3075. */
const ML110_G5 = [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135];

describe('powerModel', () => {
  it('linear: idle + (max − idle)·u', () => {
    const m = powerModel({ idle: 100, max: 200 });
    expect(m.kind).toBe('linear');
    expect(m.watts(0)).toBe(100);
    expect(m.watts(0.5)).toBe(150);
    expect(m.watts(1)).toBe(200);
    expect(m.table).toEqual([100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200]);
  });

  it('table: the SPECpower points at 10 % steps, linear between them (CloudSim ML110 G4 and G5)', () => {
    const g4 = powerModel({ table: ML110_G4 });
    expect(g4.kind).toBe('table');
    expect(g4.watts(0)).toBe(86);
    expect(g4.watts(0.55)).toBeCloseTo(104, 10);
    expect(g4.watts(1)).toBe(117);
    expect(g4.watts(0.1)).toBeCloseTo(89.4, 10);
    expect(g4.watts(0.25)).toBeCloseTo((92.6 + 96) / 2, 10);
    expect([g4.idle, g4.max]).toEqual([86, 117]);
    const g5 = powerModel({ table: ML110_G5 });
    expect(g5.watts(0.55)).toBeCloseTo(118.5, 10);
    expect(g5.watts(0.99)).toBeCloseTo(133 + 0.9 * 2, 10);
    for (let i = 0; i <= 10; i++) expect(g4.watts(i / 10)).toBeCloseTo(ML110_G4[i]!, 10);
  });

  it('is non-decreasing in utilization and stays within [idle, max]', () => {
    const spec = fc.oneof(
      fc.tuple(fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true })).map(([a, b]) => ({ idle: Math.min(a, b), max: Math.max(a, b) })),
      fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 11, maxLength: 11 }).map((steps) => {
        let w = 0;
        return { table: steps.map((s) => (w += s)) };
      }),
    );
    fc.assert(
      fc.property(spec, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (s, a, b) => {
        const m = powerModel(s);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(m.watts(lo)).toBeLessThanOrEqual(m.watts(hi) + 1e-9);
        expect(m.watts(lo)).toBeGreaterThanOrEqual(m.idle - 1e-9);
        expect(m.watts(hi)).toBeLessThanOrEqual(m.max + 1e-9);
      }),
    );
  });

  it('a table of 11 points on a line is the linear model', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (idle, span, u) => {
        const linear = powerModel({ idle, max: idle + span });
        const table = powerModel({ table: linear.table });
        expect(table.watts(u)).toBeCloseTo(linear.watts(u), 6);
      }),
    );
  });

  it('clamps utilization within 1e-9 of [0, 1] and refuses beyond', () => {
    const m = powerModel({ idle: 100, max: 200 });
    expect(m.watts(1 + 1e-12)).toBe(200);
    expect(m.watts(-1e-12)).toBe(100);
    expect(() => m.watts(1.01)).toThrow(/utilization must be a fraction in \[0, 1\], got 1.01/);
    expect(() => m.watts(NaN)).toThrow(/utilization/);
  });

  it('refuses specs it cannot honour, saying what is accepted', () => {
    expect(() => powerModel({ idle: -1, max: 10 })).toThrow(/power.idle must be finite watts ≥ 0, got -1/);
    expect(() => powerModel({ idle: 200, max: 100 })).toThrow(/power.max must be finite watts ≥ power.idle \(200 W\), got 100/);
    expect(() => powerModel({ idle: 1, max: Infinity })).toThrow(/power.max/);
    expect(() => powerModel({ table: ML110_G4.slice(1) })).toThrow(/must list 11 watts .* got 10 values/);
    expect(() => powerModel({ table: [...ML110_G4.slice(0, 10), NaN] })).toThrow(/power.table\[10\] must be finite watts/);
    expect(() => powerModel({ table: [-1, ...ML110_G4.slice(1)] })).toThrow(/power.table\[0\]/);
    const falling = [...ML110_G4];
    falling[6] = 100;
    expect(() => powerModel({ table: falling })).toThrowError(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringContaining('table[6] = 100 W at 60 % is below table[5] = 102 W') as string }) as Error);
    expect(() => powerModel(null as never)).toThrow(/\{ idle, max \} or \{ table/);
  });
});
