// docker stats figures: the CLI's formulas on hand-computed readings, and its number formats.
import { describe, expect, it } from 'vitest';
import { computeStats, cpuPercent, formatBinarySize, formatDecimalSize, formatPercent, memoryLimit, memoryUsageNoCache } from '../../src/engine/stats.js';

describe('cpuPercent', () => {
  it('is the container CPU time per elapsed time in percent of one CPU, whatever the CPU count', () => {
    // 1.5 s of CPU over 2 s on a 4-CPU host: cpuDelta 1.5e6 µs, systemDelta 2e6 × 4 → 1.5/8 × 4 × 100 = 75 %.
    expect(cpuPercent({ time: 1_000_000, usageUsec: 500_000 }, { time: 3_000_000, usageUsec: 2_000_000 }, 4)).toBeCloseTo(75, 12);
    // Two CPUs busy for the whole interval: 200 %.
    expect(cpuPercent({ time: 0, usageUsec: 0 }, { time: 1_000_000, usageUsec: 2_000_000 }, 4)).toBe(200);
  });
  it('is 0 when either delta is not positive (no time passed, or no CPU used)', () => {
    expect(cpuPercent({ time: 5, usageUsec: 10 }, { time: 5, usageUsec: 20 }, 2)).toBe(0);
    expect(cpuPercent({ time: 0, usageUsec: 10 }, { time: 1_000, usageUsec: 10 }, 2)).toBe(0);
  });
});

describe('memory', () => {
  it('usage leaves out inactive page cache when it is smaller than memory.current', () => {
    expect(memoryUsageNoCache(100 * 2 ** 20, 30 * 2 ** 20)).toBe(70 * 2 ** 20);
    expect(memoryUsageNoCache(10, 10)).toBe(10);
  });
  it('the limit is memory.max, or the machine when unlimited or larger', () => {
    expect(memoryLimit(64 * 2 ** 20, 4 * 2 ** 30)).toBe(64 * 2 ** 20);
    expect(memoryLimit('max', 4 * 2 ** 30)).toBe(4 * 2 ** 30);
    expect(memoryLimit(8 * 2 ** 30, 4 * 2 ** 30)).toBe(4 * 2 ** 30);
  });
  it('a full row: 48 MiB of anon and 16 MiB of cache under 64 MiB reads 48MiB / 64MiB, 75.00%', () => {
    const s = computeStats({
      id: 'c',
      name: 'w1',
      previous: { time: 0, usageUsec: 0 },
      current: { time: 2_000_000, usageUsec: 1_000_000 },
      onlineCpus: 2,
      memoryCurrent: 64 * 2 ** 20,
      inactiveFile: 16 * 2 ** 20,
      memoryMax: 64 * 2 ** 20,
      machineMemory: 4 * 2 ** 30,
      netRx: 1_500_000,
      netTx: 0,
      blockRead: 0,
      blockWrite: 4096,
      pids: 3,
    });
    expect(s).toMatchObject({ cpuPercent: 50, memoryUsage: 48 * 2 ** 20, memoryLimit: 64 * 2 ** 20, memoryPercent: 75, pids: 3 });
    expect(formatPercent(s.cpuPercent)).toBe('50.00%');
    expect(`${formatBinarySize(s.memoryUsage)} / ${formatBinarySize(s.memoryLimit)}`).toBe('48MiB / 64MiB');
    expect(`${formatDecimalSize(s.netRx)} / ${formatDecimalSize(s.netTx)}`).toBe('1.5MB / 0B');
    expect(formatDecimalSize(s.blockWrite)).toBe('4.1kB');
  });
});

describe('formats (Go %g as docker prints them)', () => {
  it('binary with 4 significant digits, decimal with 3', () => {
    expect(formatBinarySize(2 * 10 ** 9)).toBe('1.863GiB');
    expect(formatBinarySize(1023)).toBe('1023B');
    expect(formatBinarySize(6 * 2 ** 20)).toBe('6MiB');
    expect(formatDecimalSize(999)).toBe('999B');
    expect(formatDecimalSize(999_500)).toBe('1e+03kB');
    expect(formatDecimalSize(12_345_678)).toBe('12.3MB');
  });
});
