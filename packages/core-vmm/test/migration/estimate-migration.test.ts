// The analytic pre-copy model against the reference's three worked examples (vmm-semantics.md §6.3),
// its invariants (property tests), auto-converge and input validation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTO_CONVERGE_IDLE, autoConvergeParameters, estimateMigration, stepAutoConverge } from '../../src/index.ts';
import type { MigrationEstimateInput } from '../../src/index.ts';

const MiB = 1024 * 1024;
const GBIT = 125_000_000;
const BASE = { memoryBytes: 4096 * MiB, wssBytes: 1024 * MiB, downtimeLimitSeconds: 0.3 } as const;
const mib = (bytes: number): number => Math.round((bytes / MiB) * 100) / 100;
const ms = (seconds: number): number => Math.round(seconds * 1000) / 1000;

describe('estimateMigration: the reference worked examples', () => {
  it('Ex. 1 — 1 Gbit/s, 50 MiB/s: rounds 4096/1024/429.50/180.14/75.56 MiB, stop at 31.69 ≤ 35.76, downtime 0.266 s, total 48.963 s', () => {
    const result = estimateMigration({ ...BASE, bandwidthBytesPerSecond: GBIT, dirtyBytesPerSecond: 50 * MiB });
    expect(result.rounds.map((r) => mib(r.bytes))).toEqual([4096, 1024, 429.5, 180.14, 75.56]);
    expect(result.rounds.map((r) => ms(r.seconds))).toEqual([34.36, 8.59, 3.603, 1.511, 0.634]);
    expect(result.rounds.map((r) => r.round)).toEqual([0, 1, 2, 3, 4]);
    expect(mib(result.finalBytes)).toBe(31.69);
    expect(ms(result.totalSeconds - result.downtimeSeconds)).toBe(48.698);
    expect(ms(result.downtimeSeconds)).toBe(0.266);
    expect(ms(result.totalSeconds)).toBe(48.963);
    expect(Math.round((result.bytesSent / MiB) * 10) / 10).toBe(5836.9);
    expect(result.converged).toBe(true);
    expect(result.stop).toBe('converged');
  });

  it('Ex. 2 — 10 Gbit/s, 200 MiB/s: 2 rounds (4096, 687.19 MiB), stop at 115.29 ≤ 357.63, downtime 0.097 s, total 4.109 s', () => {
    const result = estimateMigration({ ...BASE, bandwidthBytesPerSecond: 10 * GBIT, dirtyBytesPerSecond: 200 * MiB });
    expect(result.rounds.map((r) => mib(r.bytes))).toEqual([4096, 687.19]);
    expect(result.rounds.map((r) => ms(r.seconds))).toEqual([3.436, 0.576]);
    expect(mib(result.finalBytes)).toBe(115.29);
    expect(ms(result.totalSeconds - result.downtimeSeconds)).toBe(4.012);
    expect(ms(result.downtimeSeconds)).toBe(0.097);
    expect(ms(result.totalSeconds)).toBe(4.109);
    expect(result.converged).toBe(true);
  });

  it('Ex. 3 — 1 Gbit/s, 200 MiB/s, 5 rounds (Xen v2): 4096 then 1024 MiB every 8.59 s, pre-copy 68.72 s, downtime 8.59 s, not converged', () => {
    const result = estimateMigration({ ...BASE, bandwidthBytesPerSecond: GBIT, dirtyBytesPerSecond: 200 * MiB, maxRounds: 5 });
    expect(result.rounds.map((r) => mib(r.bytes))).toEqual([4096, 1024, 1024, 1024, 1024]);
    expect(result.rounds.slice(1).map((r) => ms(r.seconds))).toEqual([8.59, 8.59, 8.59, 8.59]);
    expect(Math.round((result.totalSeconds - result.downtimeSeconds) * 100) / 100).toBe(68.72);
    expect(Math.round(result.downtimeSeconds * 100) / 100).toBe(8.59);
    expect(result.converged).toBe(false);
    expect(result.stop).toBe('max-rounds');
  });

  it('Ex. 3 without maxRounds: stops after the first round that repeats (round 2), converged false, forced stop-and-copy W/B = 8.59 s', () => {
    const result = estimateMigration({ ...BASE, bandwidthBytesPerSecond: GBIT, dirtyBytesPerSecond: 200 * MiB });
    expect(result.rounds.map((r) => mib(r.bytes))).toEqual([4096, 1024, 1024]);
    expect(result.converged).toBe(false);
    expect(result.stop).toBe('no-progress');
    expect(result.finalBytes).toBe(1024 * MiB);
    expect(Math.round(result.downtimeSeconds * 100) / 100).toBe(8.59);
  });

  it('resumeSeconds adds to downtime and total alike', () => {
    const input = { ...BASE, bandwidthBytesPerSecond: 10 * GBIT, dirtyBytesPerSecond: 200 * MiB };
    const plain = estimateMigration(input);
    const resumed = estimateMigration({ ...input, resumeSeconds: 0.05 });
    expect(resumed.downtimeSeconds - plain.downtimeSeconds).toBeCloseTo(0.05, 12);
    expect(resumed.totalSeconds - plain.totalSeconds).toBeCloseTo(0.05, 12);
  });

  it('memory that fits the downtime budget is copied stopped, with no pre-copy round', () => {
    const result = estimateMigration({ memoryBytes: 16 * MiB, wssBytes: 0, dirtyBytesPerSecond: 0, bandwidthBytesPerSecond: GBIT });
    expect(result.rounds).toEqual([]);
    expect(result.converged).toBe(true);
    expect(result.bytesSent).toBe(16 * MiB);
    expect(result.thresholdBytes).toBeCloseTo(GBIT * 0.3, 6);
  });

  it('maxRounds 0 is plain stop-and-copy of all memory', () => {
    const result = estimateMigration({ ...BASE, bandwidthBytesPerSecond: GBIT, dirtyBytesPerSecond: 50 * MiB, maxRounds: 0 });
    expect(result.rounds).toEqual([]);
    expect(result.downtimeSeconds).toBeCloseTo((4096 * MiB) / GBIT, 12);
  });
});

describe('estimateMigration: auto-converge (the model extension)', () => {
  it('converges Ex. 3, which does not converge without it; the throttle climbs 20 → 30 → … in QEMU steps', () => {
    const input = { ...BASE, bandwidthBytesPerSecond: GBIT, dirtyBytesPerSecond: 200 * MiB };
    expect(estimateMigration(input).converged).toBe(false);
    const result = estimateMigration({ ...input, autoConverge: true });
    expect(result.converged).toBe(true);
    expect(result.stop).toBe('converged');
    expect(result.finalBytes).toBeLessThanOrEqual(GBIT * 0.3);
    const steps = [...new Set(result.rounds.map((r) => r.throttlePercent))];
    expect(steps[0]).toBe(0);
    expect(steps[1]).toBe(20);
    for (let i = 2; i < steps.length; i++) expect(steps[i]).toBe(steps[i - 1]! + 10);
    // Throttling at ≥ 50% brings D(1 − p) = 100 MiB/s under B = 119.2 MiB/s.
    expect(steps.at(-1)!).toBeGreaterThanOrEqual(50);
  });

  it('stops at the max throttle when even that cannot converge (D ≥ 100·B)', () => {
    const result = estimateMigration({ ...BASE, bandwidthBytesPerSecond: MiB, dirtyBytesPerSecond: 200 * MiB, autoConverge: true });
    expect(result.converged).toBe(false);
    expect(result.stop).toBe('no-progress');
    expect(result.rounds.at(-1)!.throttlePercent).toBe(99);
  });

  it('stepAutoConverge: a high period counts, every second one triggers; a low period neither counts nor resets (QEMU ram.c)', () => {
    const p = autoConvergeParameters(true);
    let s = stepAutoConverge(AUTO_CONVERGE_IDLE, 60, 100, p);
    expect(s).toEqual({ throttlePercent: 0, highPeriods: 1 });
    s = stepAutoConverge(s, 50, 100, p); // exactly 50%: not above the trigger
    expect(s).toEqual({ throttlePercent: 0, highPeriods: 1 });
    s = stepAutoConverge(s, 51, 100, p);
    expect(s).toEqual({ throttlePercent: 20, highPeriods: 0 });
    for (const expected of [30, 40, 50, 60, 70, 80, 90, 99, 99]) {
      s = stepAutoConverge(stepAutoConverge(s, 100, 100, p), 100, 100, p);
      expect(s.throttlePercent).toBe(expected);
    }
  });
});

describe('estimateMigration: invariants', () => {
  const inputs = fc.record({
    memoryBytes: fc.integer({ min: 1, max: 2 ** 40 }),
    wssFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    dirtyBytesPerSecond: fc.integer({ min: 0, max: 2 ** 32 }),
    bandwidthBytesPerSecond: fc.integer({ min: 1_000_000, max: 2 ** 34 }),
    downtimeLimitSeconds: fc.double({ min: 0.001, max: 2, noNaN: true }),
    maxRounds: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
    autoConverge: fc.boolean(),
  });

  it('bytes sent = Σ V_i + V_n; total = Σ T_i + downtime; V_i ≤ W after round 0; converged ⇔ V_n ≤ B·L; the known convergence condition holds', () => {
    fc.assert(
      fc.property(inputs, ({ wssFraction, maxRounds, ...rest }) => {
        const input: MigrationEstimateInput = { ...rest, wssBytes: Math.floor(rest.memoryBytes * wssFraction), ...(maxRounds === undefined ? {} : { maxRounds }) };
        const r = estimateMigration(input);
        const sent = r.rounds.reduce((sum, x) => sum + x.bytes, 0) + r.finalBytes;
        expect(r.bytesSent).toBe(sent);
        const pre = r.rounds.reduce((sum, x) => sum + x.seconds, 0);
        expect(r.totalSeconds).toBeCloseTo(pre + r.downtimeSeconds, 6);
        for (const round of r.rounds.slice(1)) expect(round.bytes).toBeLessThanOrEqual(input.wssBytes);
        const threshold = input.bandwidthBytesPerSecond * input.downtimeLimitSeconds!;
        expect(r.converged).toBe(r.finalBytes <= threshold);
        if (maxRounds !== undefined) expect(r.rounds.length).toBeLessThanOrEqual(maxRounds);
        // Without throttling or a round limit: D ≥ B and W > B·L (after a full pass that does not fit) never converges.
        if (!input.autoConverge && maxRounds === undefined && input.memoryBytes > threshold && input.dirtyBytesPerSecond >= input.bandwidthBytesPerSecond && input.wssBytes > threshold) {
          expect(r.converged).toBe(false);
        }
      }),
      { seed: 20261127, verbose: true },
    );
  });
});

describe('estimateMigration: validation', () => {
  const good = { ...BASE, bandwidthBytesPerSecond: GBIT, dirtyBytesPerSecond: 50 * MiB };
  it.each([
    [{ memoryBytes: 0 }, /memoryBytes must be an integer from 1/],
    [{ memoryBytes: 1.5 }, /memoryBytes/],
    [{ wssBytes: 8192 * MiB }, /wssBytes must be an integer from 0 to memoryBytes/],
    [{ dirtyBytesPerSecond: -1 }, /dirtyBytesPerSecond must be a finite number ≥ 0/],
    [{ bandwidthBytesPerSecond: 0 }, /bandwidthBytesPerSecond must be a finite number > 0/],
    [{ bandwidthBytesPerSecond: Number.POSITIVE_INFINITY }, /bandwidthBytesPerSecond/],
    [{ downtimeLimitSeconds: Number.NaN }, /downtimeLimitSeconds/],
    [{ maxRounds: -1 }, /maxRounds must be an integer from 0 to 100000/],
    [{ resumeSeconds: -0.1 }, /resumeSeconds/],
    [{ autoConverge: { initialPercent: 100 } }, /autoConverge.initialPercent/],
    [{ bandwidth: 5 }, /bandwidth must be absent/],
  ])('%o is rejected with E_VALIDATION naming the field', (patch, message) => {
    expect(() => estimateMigration({ ...good, ...patch })).toThrow(message);
    try {
      estimateMigration({ ...good, ...patch });
    } catch (error) {
      expect((error as { code: string }).code).toBe('E_VALIDATION');
    }
  });

  it('a dirty set that shrinks too slowly is E_LIMIT_EXCEEDED, not an endless loop', () => {
    expect(() => estimateMigration({ memoryBytes: 2 ** 50, wssBytes: 2 ** 50, dirtyBytesPerSecond: 999_999_999, bandwidthBytesPerSecond: 1e9, downtimeLimitSeconds: 0 })).toThrow(
      /set maxRounds/,
    );
  });
});
