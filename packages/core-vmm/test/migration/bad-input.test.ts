// Bad input to the migration part from a plain-JavaScript caller: each case is a ValidationError that
// names the field and what is accepted (never a TypeError from inside, never NaN or Infinity in a
// result), nothing changes, and no input makes the analytic model loop without bound.
import { createFlowNetwork } from '@strata/core-network';
import type { FlowNetwork } from '@strata/core-network';
import { describe, expect, it } from 'vitest';
import { expectRefused } from '../expect-refused.ts';
import {
  autoConvergeParameters,
  createConstantDirtyModel,
  createLiveMigration,
  estimateMigration,
  MAX_ESTIMATE_ROUNDS,
  type LiveMigrationSpec,
  type MigrationEstimate,
} from '../../src/index.ts';

/** A function called as plain JavaScript would: any arguments (the point is calls the types would refuse). */
const loose = (f: unknown) => f as (...args: unknown[]) => unknown;

const MiB = 1024 * 1024;
const GOOD = { memoryBytes: 1024 * MiB, dirtyBytesPerSecond: 50 * MiB, wssBytes: 256 * MiB, bandwidthBytesPerSecond: 125_000_000 };

/** Every number in `value`, recursively. */
function numbers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbers);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(numbers);
  return [];
}

describe('estimateMigration refuses what would leak Infinity or NaN, naming the field and its range', () => {
  it.each([
    ['a bandwidth so small that a round lasts Infinity seconds', { bandwidthBytesPerSecond: 1e-300 }, /bandwidthBytesPerSecond must be a finite number > 0, from 1 to 2\^53 − 1 \(bytes\/s\), got 1e-300/],
    ['the smallest double as bandwidth', { bandwidthBytesPerSecond: 5e-324 }, /bandwidthBytesPerSecond .*got 5e-324/],
    ['half a byte per second', { bandwidthBytesPerSecond: 0.5 }, /bandwidthBytesPerSecond .*from 1 to 2\^53/],
    ['a bandwidth whose threshold B·L overflows', { bandwidthBytesPerSecond: 1e300, downtimeLimitSeconds: 1e300 }, /bandwidthBytesPerSecond .*got 1e\+300/],
    ['a downtime limit of 1e300 s', { downtimeLimitSeconds: 1e300 }, /downtimeLimitSeconds must be a finite number ≥ 0, at most 1000000000 \(seconds\), got 1e\+300/],
    ['a resume time near the largest double', { resumeSeconds: 1.7e308 }, /resumeSeconds .*at most 1000000000/],
    ['a bandwidth given as a string', { bandwidthBytesPerSecond: '125000000' }, /bandwidthBytesPerSecond .*got "125000000"/],
    ['null bandwidth', { bandwidthBytesPerSecond: null }, /bandwidthBytesPerSecond .*got null/],
    ['maxRounds of 1e300', { maxRounds: 1e300 }, /maxRounds must be an integer from 0 to 100000, got 1e\+300/],
    ['maxRounds past 2^53', { maxRounds: Number.MAX_SAFE_INTEGER + 2 }, /maxRounds must be an integer from 0 to 100000/],
    ['memory past 2^53', { memoryBytes: Number.MAX_SAFE_INTEGER + 2 }, /memoryBytes must be an integer from 1 to 2\^53 − 1/],
    ['autoConverge as an array', { autoConverge: [] }, /autoConverge must be a boolean or an object of QEMU throttle parameters, got \[\]/],
    ['autoConverge with a string percent', { autoConverge: { triggerPercent: '50' } }, /autoConverge\.triggerPercent: expected an integer percent from 1 to 100, got "50"/],
    ['autoConverge with an unknown field', { autoConverge: { throttle: 30 } }, /autoConverge\.throttle: unknown field; known fields: triggerPercent, initialPercent, incrementPercent, maxPercent/],
  ])('%s', (_name, patch, message) => {
    const input = Object.freeze({ ...GOOD, ...patch });
    expectRefused(() => loose(estimateMigration)(input), message);
    expect(input).toEqual({ ...GOOD, ...patch }); // the input is not touched
  });

  it.each([
    ['no input', undefined, /input must be an object, got undefined/],
    ['null', null, /input must be an object, got null/],
  ])('%s', (_name, input, message) => {
    expectRefused(() => loose(estimateMigration)(input), message);
  });

  it('has a bound: extreme but valid inputs end quickly, every number in the result finite', () => {
    const extremes = [
      { memoryBytes: Number.MAX_SAFE_INTEGER, dirtyBytesPerSecond: 1e300, wssBytes: Number.MAX_SAFE_INTEGER, bandwidthBytesPerSecond: 1 },
      { memoryBytes: Number.MAX_SAFE_INTEGER, dirtyBytesPerSecond: 1.7e308, wssBytes: Number.MAX_SAFE_INTEGER, bandwidthBytesPerSecond: 1, autoConverge: true },
      { memoryBytes: Number.MAX_SAFE_INTEGER, dirtyBytesPerSecond: 0, wssBytes: 0, bandwidthBytesPerSecond: Number.MAX_SAFE_INTEGER, downtimeLimitSeconds: 1e9, resumeSeconds: 1e9 },
      { memoryBytes: Number.MAX_SAFE_INTEGER, dirtyBytesPerSecond: 1e300, wssBytes: Number.MAX_SAFE_INTEGER, bandwidthBytesPerSecond: 1, maxRounds: MAX_ESTIMATE_ROUNDS },
      // The dirty set shrinks by a hair per round: the round limit ends it.
      { memoryBytes: 2 ** 40, dirtyBytesPerSecond: 0.999999 * 2 ** 30, wssBytes: 2 ** 40, bandwidthBytesPerSecond: 2 ** 30, downtimeLimitSeconds: 0 },
    ];
    for (const input of extremes) {
      const started = Date.now();
      let result: MigrationEstimate | undefined;
      try {
        result = estimateMigration(input);
      } catch (e) {
        expect((e as { code?: string }).code).toBe('E_LIMIT_EXCEEDED'); // the documented bound, not a hang
      }
      expect(Date.now() - started).toBeLessThan(5_000);
      if (result !== undefined) {
        expect(result.rounds.length).toBeLessThanOrEqual(MAX_ESTIMATE_ROUNDS);
        expect(numbers(result).filter((n) => !Number.isFinite(n))).toEqual([]);
      }
    }
  });
});

describe('the migration helpers refuse malformed options by name', () => {
  it.each([
    ['autoConvergeParameters(null)', () => loose(autoConvergeParameters)(null), /autoConverge: expected true or an object \{ triggerPercent, initialPercent, incrementPercent, maxPercent \}.*got null/],
    ['autoConvergeParameters([])', () => loose(autoConvergeParameters)([]), /autoConverge: expected true or an object.*got \[\]/],
    ['autoConvergeParameters with NaN', () => loose(autoConvergeParameters)({ maxPercent: NaN }), /autoConverge\.maxPercent: expected an integer percent from 1 to 99, got NaN/],
    ['createConstantDirtyModel()', () => loose(createConstantDirtyModel)(), /dirty model spec must be an object \{ bytesPerSecond, wssBytes \}, got undefined/],
    ['createConstantDirtyModel(null)', () => loose(createConstantDirtyModel)(null), /dirty model spec must be an object.*got null/],
    ['a string rate', () => loose(createConstantDirtyModel)({ bytesPerSecond: '5', wssBytes: 1 }), /bytesPerSecond must be a finite number ≥ 0, got "5"/],
  ])('%s', (_name, call, message) => {
    expectRefused(call, message);
  });

  it('a constant model at the largest rate over no time dirties nothing (no Infinity · 0)', () => {
    const model = createConstantDirtyModel({ bytesPerSecond: Number.MAX_VALUE, wssBytes: 4096 });
    expect(model.dirtiedBytes(5 as never, 5 as never, 0)).toBe(0);
    expect(model.dirtiedBytes(5 as never, 6 as never, 0)).toBe(4096);
  });
});

function network(): FlowNetwork {
  const net = createFlowNetwork();
  net.addLink({ id: 'l', capacity: 125_000_000, latency: 0 });
  return net;
}

function spec(net: FlowNetwork, patch: Record<string, unknown> = {}): LiveMigrationSpec {
  return { id: 'm', vm: 'v', network: net, path: ['l'], memoryBytes: 64 * MiB, dirtyBytesPerSecond: MiB, wssBytes: 8 * MiB, ...patch };
}

describe('createLiveMigration refuses a malformed spec by name and starts nothing', () => {
  const noDefault = { dirtyBytesPerSecond: undefined, wssBytes: undefined };
  it.each([
    ['no network', { network: undefined }, /network must be a FlowNetwork \(an object with now, link, startFlow, flow, cancelFlow\), got undefined/],
    ['a network that is no FlowNetwork', { network: {} }, /network must be a FlowNetwork .*; it lacks now, link, startFlow, flow, cancelFlow/],
    ['postCopy null', { postCopy: null }, /postCopy must be an object \{ afterRounds, pageBytes\? \}, got null/],
    ['postCopy a number', { postCopy: 5 }, /postCopy must be an object .*got 5/],
    ['a null dirty model', { ...noDefault, dirty: null }, /dirty must be a DirtyModel \(an object with wssBytes and a dirtiedBytes\(from, to, throttlePercent\) function\), got null/],
    ['a dirty model without dirtiedBytes', { ...noDefault, dirty: { wssBytes: 5 } }, /dirty must be a DirtyModel .*got \{"wssBytes":5\}/],
    ['a string dirty rate', { dirtyBytesPerSecond: '5' }, /dirtyBytesPerSecond must be a finite number ≥ 0 \(bytes\/s\).*got "5"/],
    ['a NaN dirty rate', { dirtyBytesPerSecond: NaN }, /dirtyBytesPerSecond must be a finite number ≥ 0.*got NaN/],
    ['autoConverge as an array', { autoConverge: [1] }, /autoConverge must be a boolean or QEMU throttle parameters, got \[1\]/],
    ['autoConverge with an unknown field', { autoConverge: { trigger: 5 } }, /autoConverge\.trigger: unknown field/],
  ])('%s', (_name, patch, message) => {
    const net = network();
    expectRefused(() => createLiveMigration(spec(net, patch)), message);
    expect(net.flowIds()).toEqual([]);
    expect(net.now()).toBe(0);
  });
});

describe('a live migration whose dirty model breaks its contract fails by name and keeps its state', () => {
  it.each([
    ['NaN in a pre-copy round', {}, () => NaN],
    ['NaN during post-copy (the fault estimate)', { postCopy: { afterRounds: 0 } }, () => NaN],
    ['a negative count', {}, () => -1],
    ['a string', {}, () => '5'],
  ])('%s', (_name, patch, dirtiedBytes) => {
    const net = network();
    const migration = createLiveMigration(spec(net, { dirtyBytesPerSecond: undefined, wssBytes: undefined, dirty: { wssBytes: 8 * MiB, dirtiedBytes }, ...patch }));
    migration.start();
    const t = migration.nextEventTime();
    net.advanceTo(t);
    const before = JSON.stringify([migration.phase(), migration.report()]);
    expectRefused(() => migration.advanceTo(t), /the dirty model returned .*, not an integer from 0 to its wssBytes \(8388608\)/);
    expect(JSON.stringify([migration.phase(), migration.report()])).toBe(before);
    expect(numbers(migration.report()).filter((n) => !Number.isFinite(n))).toEqual([]);
  });
});
