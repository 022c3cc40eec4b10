// cpu.max, cpu.weight and cpu.weight.nice writes as kernel/sched/core.c takes them, and cpu.stat.
import { NICE_TO_WEIGHT } from '@strata/core-scheduler';
import { describe, expect, it } from 'vitest';
import { micros } from '@strata/shared-types';
import { CGROUP_FILES, niceOfShares, readCgroupFile, type CpuMax } from '../src/index.ts';
import { expectRejected, write } from './write-helpers.ts';

const cpuMax = (quota: number | null, period: number): CpuMax => ({ quota: quota === null ? null : micros(quota), period: micros(period) });

describe('cpu.max', () => {
  it('takes "$MAX $PERIOD" and prints it back', () => {
    expect(write('cpu.max', '50000 100000')).toEqual(cpuMax(50_000, 100_000));
    expect(readCgroupFile('cpu.max', write('cpu.max', '50000 100000'))).toBe('50000 100000\n');
    expect(readCgroupFile('cpu.max', write('cpu.max', 'max 250000'))).toBe('max 250000\n');
    expect(write('cpu.max', '  30000   100000 \n')).toEqual(cpuMax(30_000, 100_000));
  });

  it('keeps the current period when only $MAX is written', () => {
    const current = cpuMax(50_000, 200_000);
    expect(write('cpu.max', '20000', current)).toEqual(cpuMax(20_000, 200_000));
    expect(write('cpu.max', 'max', current)).toEqual(cpuMax(null, 200_000));
  });

  it('accepts the bounds: quota 1000 µs .. 2^44 − 1 µs, period 1000 .. 1000000 µs', () => {
    expect(write('cpu.max', '1000 1000')).toEqual(cpuMax(1000, 1000));
    expect(write('cpu.max', '17592186044415 1000000')).toEqual(cpuMax(17_592_186_044_415, 1_000_000));
  });

  it('refuses what the kernel refuses, with EINVAL and what to write', () => {
    for (const text of ['abc 100000', '', '   ', '999 100000', '1000 999', '1000 1000001', '17592186044416 100000', '-1 100000', 'maxi 100000', '1.5 100000']) {
      expectRejected('cpu.max', text, 'EINVAL');
    }
  });

  it('reads the rest as sscanf("%20s %llu") does: junk after a number or a non-number period is ignored', () => {
    // sscanf stops a conversion at the first non-digit and reports how many fields it filled.
    expect(write('cpu.max', '50000 100000xyz')).toEqual(cpuMax(50_000, 100_000));
    expect(write('cpu.max', 'max max')).toEqual(cpuMax(null, 100_000));
    expect(write('cpu.max', '18446744073709552616 100000')).toEqual(cpuMax(1000, 100_000)); // 2^64 + 1000 wraps to 1000
  });

  it('says what it accepts in the error', () => {
    expect(() => write('cpu.max', 'abc 100000')).toThrow(
      'cpu.max: "abc 100000" is invalid (EINVAL): write "max" or a quota in µs >= 1000, optionally followed by a period 1000..1000000',
    );
  });
});

describe('cpu.weight and cpu.weight.nice: one load weight, two views', () => {
  it('cpu.weight takes 1..10000 through kstrtoull (0x and + allowed, one trailing newline, no other space)', () => {
    expect(write('cpu.weight', '100')).toBe(1024);
    expect(write('cpu.weight', '100\n')).toBe(1024);
    expect(write('cpu.weight', '0x64')).toBe(1024);
    expect(write('cpu.weight', '+200')).toBe(2048);
    expect(write('cpu.weight', '1')).toBe(10);
    expect(write('cpu.weight', '10000')).toBe(102_400);
    for (const text of [' 100', '100 ', '1e2', '', '-1', 'max']) expectRejected('cpu.weight', text, 'EINVAL');
    for (const text of ['0', '10001', '18446744073709551616']) expectRejected('cpu.weight', text, 'ERANGE');
  });

  it('cpu.weight.nice stores sched_prio_to_weight[nice + 20] from core-scheduler', () => {
    expect(write('cpu.weight.nice', '0')).toBe(1024);
    expect(write('cpu.weight.nice', '-20')).toBe(NICE_TO_WEIGHT[0]);
    expect(write('cpu.weight.nice', '19')).toBe(15);
    expect(write('cpu.weight.nice', '5')).toBe(335);
    for (const text of ['-21', '20']) expectRejected('cpu.weight.nice', text, 'ERANGE');
    for (const text of ['', 'five', '1.0']) expectRejected('cpu.weight.nice', text, 'EINVAL');
  });

  it('a nice write reads back through cpu.weight, and a weight write reads back as the nearest nice', () => {
    const niced = write('cpu.weight.nice', '19');
    expect(readCgroupFile('cpu.weight', niced)).toBe('1\n'); // round(15 × 100 / 1024) = 1
    expect(readCgroupFile('cpu.weight', write('cpu.weight.nice', '-20'))).toBe('8668\n'); // round(88761 × 100 / 1024)
    expect(readCgroupFile('cpu.weight.nice', write('cpu.weight', '100'))).toBe('0\n');
    expect(readCgroupFile('cpu.weight.nice', write('cpu.weight', '10000'))).toBe('-20\n'); // 102400 is beyond the table
    expect(readCgroupFile('cpu.weight.nice', write('cpu.weight', '1'))).toBe('19\n'); // load weight 10: nearest entry is nice 19's 15
    expect(readCgroupFile('cpu.weight.nice', write('cpu.weight', '50'))).toBe('3\n'); // 512: nice 3 (526) beats nice 4 (423)
  });

  it('a nice read picks the nearest table entry, ties going to the lower nice', () => {
    expect(niceOfShares(1024)).toBe(0);
    expect(niceOfShares(1_000_000)).toBe(-20);
    expect(niceOfShares(1)).toBe(19);
    // Halfway between nice 0 (1024) and nice 1 (820) is 922: the walk stops at the first entry no closer.
    expect(niceOfShares(922)).toBe(0);
    expect(niceOfShares(921)).toBe(1);
  });
});

describe('cpu.stat', () => {
  it('prints the usage lines always and the bandwidth block only when present, in the kernel order', () => {
    expect(readCgroupFile('cpu.stat', { usage_usec: 7, user_usec: 5, system_usec: 2 })).toBe('usage_usec 7\nuser_usec 5\nsystem_usec 2\n');
    const full = { usage_usec: 7, user_usec: 5, system_usec: 2, nr_periods: 10, nr_throttled: 3, throttled_usec: 40_000, nr_bursts: 0, burst_usec: 0 };
    expect(readCgroupFile('cpu.stat', full)).toBe(
      'usage_usec 7\nuser_usec 5\nsystem_usec 2\nnr_periods 10\nnr_throttled 3\nthrottled_usec 40000\nnr_bursts 0\nburst_usec 0\n',
    );
  });

  it('reads a capture with core_sched.force_idle_usec (CONFIG_SCHED_CORE kernels) and refuses half a bandwidth block', () => {
    const captured = 'usage_usec 9\nuser_usec 6\nsystem_usec 3\ncore_sched.force_idle_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n';
    const file = CGROUP_FILES['cpu.stat'];
    expect(readCgroupFile('cpu.stat', file.parseRead(captured))).toBe(captured);
    expect(() => file.parseRead('usage_usec 9\nuser_usec 6\nsystem_usec 3\nnr_periods 0\n')).toThrow(/cpu\.stat/);
    expect(() => file.parseRead('user_usec 6\nusage_usec 9\nsystem_usec 3\n')).toThrow(/not what the kernel prints/);
  });
});
