// pids.max and the pids counters (kernel/cgroup/pids.c); io.weight (iocost) and io.max (blk-throttle).
import { describe, expect, it } from 'vitest';
import { CGROUP_FILES, readCgroupFile, type IoMax } from '../src/index.ts';
import { expectRejected, write } from './write-helpers.ts';

describe('pids', () => {
  it('pids.max takes "max" or 0..4194304 (PIDS_MAX − 1), stripped, through kstrtoll', () => {
    expect(write('pids.max', '5')).toBe(5);
    expect(write('pids.max', ' 5\n')).toBe(5);
    expect(write('pids.max', '0')).toBe(0);
    expect(write('pids.max', '0x10')).toBe(16);
    expect(write('pids.max', '4194304')).toBe(4_194_304);
    expect(write('pids.max', 'max', 5)).toBe('max');
    expect(readCgroupFile('pids.max', 5)).toBe('5\n');
    expect(readCgroupFile('pids.max', 'max')).toBe('max\n');
    for (const text of ['4194305', '-1', '5a', '', 'MAX', '5 6']) expectRejected('pids.max', text, 'EINVAL');
    expectRejected('pids.max', '99999999999999999999', 'ERANGE');
  });

  it('pids.current, pids.peak and pids.events are read-only; pids.events is the single line "max N"', () => {
    expect(readCgroupFile('pids.current', 4)).toBe('4\n');
    expect(readCgroupFile('pids.peak', 5)).toBe('5\n');
    expect(readCgroupFile('pids.events', { max: 6 })).toBe('max 6\n');
    expect(CGROUP_FILES['pids.events'].parseRead('max 6\n')).toEqual({ max: 6 });
    expect(() => CGROUP_FILES['pids.events'].parseRead('max 6\nmax.imposed 6\n')).toThrow(/pids\.events/);
    expectRejected('pids.events', 'max 0', 'EACCES');
    expectRejected('pids.current', '0', 'EACCES');
  });
});

describe('io.weight', () => {
  it('sets the default with "default W" or "W" and per-device weights with "MAJ:MIN W"', () => {
    const a = write('io.weight', 'default 200');
    expect(a).toEqual({ default: 200, devices: {} });
    expect(write('io.weight', '300')).toEqual({ default: 300, devices: {} });
    const b = write('io.weight', '8:16 500\n', a);
    const c = write('io.weight', '259:0 50', b);
    expect(readCgroupFile('io.weight', c)).toBe('default 200\n8:16 500\n259:0 50\n');
    expect(write('io.weight', '8:16 default', c)).toEqual({ default: 200, devices: { '259:0': 50 } });
  });

  it('refuses weights outside 1..10000, malformed text (EINVAL) and unknown devices (ENODEV)', () => {
    for (const text of ['0', '10001', 'default', 'default 0', ' default 100', 'heavy', '8:16 0', '8:16 10001', '8:16', '8:16x 5']) {
      expectRejected('io.weight', text, 'EINVAL');
    }
    // Without a ':' the text is a default weight read by sscanf %u, which stops at the first non-digit.
    expect(write('io.weight', '8 16')).toEqual({ default: 8, devices: {} });
    expectRejected('io.weight', '9:0 100', 'ENODEV');
    expectRejected('io.weight', '8:17 100', 'ENODEV'); // a partition is not a whole disk
  });
});

describe('io.max', () => {
  it('prints one line per limited device with all four keys', () => {
    const limited = write('io.max', '8:16 rbps=max wbps=1048576 riops=max wiops=max');
    expect(readCgroupFile('io.max', limited)).toBe('8:16 rbps=max wbps=1048576 riops=max wiops=max\n');
    expect(readCgroupFile('io.max', {})).toBe('');
  });

  it('updates only the keys a write names, and "max" removes a limit', () => {
    let value: IoMax = write('io.max', '8:16 wbps=1048576\n');
    value = write('io.max', '8:16 riops=100', value);
    expect(value).toEqual({ '8:16': { rbps: 'max', wbps: 1_048_576, riops: 100, wiops: 'max' } });
    value = write('io.max', '259:0 rbps=2097152 wiops=20', value);
    expect(readCgroupFile('io.max', value)).toBe('8:16 rbps=max wbps=1048576 riops=100 wiops=max\n259:0 rbps=2097152 wbps=max riops=max wiops=20\n');
    value = write('io.max', '8:16 wbps=max riops=max', value);
    expect(readCgroupFile('io.max', value)).toBe('259:0 rbps=2097152 wbps=max riops=max wiops=20\n');
    expect(write('io.max', '259:0\n', value)).toEqual(value);
  });

  it('clamps iops at UINT_MAX, which reads as "max"', () => {
    expect(write('io.max', '8:16 riops=4294967295')).toEqual({});
    expect(write('io.max', '8:16 riops=99999999999')).toEqual({});
    expect(write('io.max', '8:16 riops=4294967294')).toEqual({ '8:16': { rbps: 'max', wbps: 'max', riops: 4_294_967_294, wiops: 'max' } });
  });

  it('refuses a bad token without applying the good ones before it', () => {
    const current = write('io.max', '8:16 wbps=1048576');
    for (const [text, errno] of [
      ['8:16 rbps=5 wbps=0', 'ERANGE'],
      ['8:16 rbps=5 bogus=2', 'EINVAL'],
      ['8:16 rbps=5 wbps', 'EINVAL'],
      ['8:16 rbps=fast', 'EINVAL'],
      ['8:16', 'EINVAL'],
      ['sda rbps=5', 'EINVAL'],
      ['9:0 rbps=5', 'ENODEV'],
    ] as const) {
      expectRejected('io.max', text, errno, current);
    }
    expect(current).toEqual({ '8:16': { rbps: 'max', wbps: 1_048_576, riops: 'max', wiops: 'max' } });
  });

  it('refuses byte rates Strata cannot hold exactly (above 2^53 − 1), saying so', () => {
    expect(() => write('io.max', '8:16 rbps=9007199254740992')).toThrow(/Strata keeps byte rates up to 9007199254740991/);
    expect(write('io.max', '8:16 rbps=18446744073709551615')).toEqual({}); // U64_MAX is the kernel's "no limit"
  });
});
