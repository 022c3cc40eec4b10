import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bytes,
  cpuMillis,
  DOCKER_CPUS_FORMS,
  DOCKER_MEMORY_FORMS,
  formatDockerCpus,
  formatDockerMemory,
  parseDockerCpus,
  parseDockerMemory,
  parseMemory,
  type Bytes,
  type CpuMillis,
} from '@strata/shared-types';
import { expectRejections } from './failure.js';

describe('parseDockerMemory', () => {
  it('reads `--memory 256m` as 256 MiB, in any case and spelling', () => {
    for (const text of ['256m', '256M', '256mb', '256MB', '256mib', '256MiB', '256mi', '256 m', '268435456', '268435456b']) {
      expect({ text, bytes: parseDockerMemory(text) }).toEqual({ text, bytes: 268_435_456 });
    }
  });

  it('differs from Kubernetes exactly where the forms differ', () => {
    expect(parseDockerMemory('256M')).toBe(parseMemory('256Mi'));
    expect(parseMemory('256M')).toBe(256_000_000);
    expect(parseDockerMemory('1g')).toBe(2 ** 30);
    expect(parseDockerMemory('1k')).toBe(1024);
    expect(parseDockerMemory('2t')).toBe(2 * 2 ** 40);
    expect(parseDockerMemory('1p')).toBe(2 ** 50);
    expect(parseDockerMemory('1.5g')).toBe(1_610_612_736);
  });

  it('rejects every bad form with its reason', () => {
    const cases: [string, string][] = [
      ['', 'empty'],
      ['-256m', 'negative'],
      ['NaN', 'not-a-number'],
      ['m', 'not-a-number'],
      ['+256m', 'not-a-number'],
      ['.5g', 'not-a-number'],
      ['256x', 'unknown-suffix'],
      ['256i', 'unknown-suffix'],
      ['256kk', 'unknown-suffix'],
      ['256constructor', 'unknown-suffix'],
      ['256  m', 'unknown-suffix'],
      ['1.0000001k', 'fractional'],
      ['0.5', 'fractional'],
      ['8p', 'overflow'],
      ['9007199254740992', 'overflow'],
    ];
    expectRejections(parseDockerMemory, cases, DOCKER_MEMORY_FORMS);
  });
});

describe('formatDockerMemory', () => {
  it('uses the largest binary unit that divides exactly, whole mantissas only', () => {
    expect(formatDockerMemory(bytes(268_435_456))).toBe('256m');
    expect(formatDockerMemory(bytes(1_610_612_736))).toBe('1536m');
    expect(formatDockerMemory(bytes(1000))).toBe('1000');
    expect(formatDockerMemory(bytes(0))).toBe('0');
    expect(formatDockerMemory(bytes(2 ** 50))).toBe('1p');
  });

  it('round-trips exactly through parseDockerMemory', () => {
    const value = fc.oneof(
      fc.maxSafeNat(),
      fc.tuple(fc.nat({ max: 100_000 }), fc.constantFrom(1, 2 ** 10, 2 ** 20, 2 ** 30, 2 ** 40)).map(([n, f]) => n * f),
    ).filter(Number.isSafeInteger);
    fc.assert(
      fc.property(value, (v) => {
        const text = formatDockerMemory(v as Bytes);
        expect(text).toMatch(/^\d+[kmgtp]?$/);
        expect(parseDockerMemory(text)).toBe(v);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseDockerCpus', () => {
  it('reads `--cpus 0.5` as 500 millicores, from a string or a number', () => {
    expect(parseDockerCpus('0.5')).toBe(500);
    expect(parseDockerCpus(0.5)).toBe(500);
    expect(parseDockerCpus('1.5')).toBe(1500);
    expect(parseDockerCpus('2')).toBe(2000);
    expect(parseDockerCpus('0.001')).toBe(1);
    expect(parseDockerCpus('0.5000')).toBe(500);
    expect(parseDockerCpus(0.1)).toBe(100);
    expect(parseDockerCpus('.25')).toBe(250);
  });

  it('rejects every bad form with its reason', () => {
    const cases: [string | number, string][] = [
      ['', 'empty'],
      ['-1', 'negative'],
      [-0.5, 'negative'],
      [Number.NaN, 'not-a-number'],
      ['NaN', 'not-a-number'],
      ['1/2', 'not-a-number'],
      ['500m', 'not-a-number'],
      ['0.0001', 'fractional'],
      [0.0005, 'fractional'],
      ['1e100', 'overflow'],
    ];
    expectRejections(parseDockerCpus, cases, DOCKER_CPUS_FORMS);
  });
});

describe('formatDockerCpus', () => {
  it('writes a plain decimal count of CPUs', () => {
    expect(formatDockerCpus(cpuMillis(500))).toBe('0.5');
    expect(formatDockerCpus(cpuMillis(2000))).toBe('2');
    expect(formatDockerCpus(cpuMillis(1250))).toBe('1.25');
    expect(formatDockerCpus(cpuMillis(1))).toBe('0.001');
  });

  it('round-trips exactly through parseDockerCpus, as text and as a number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeNat(), fc.nat({ max: 1_000_000 })), (millis) => {
        const text = formatDockerCpus(millis as CpuMillis);
        expect(parseDockerCpus(text)).toBe(millis);
        if (millis <= 1_000_000) expect(parseDockerCpus(Number(text))).toBe(millis);
      }),
      { numRuns: 1000 },
    );
  });
});
