// cpuset.cpus and cpuset.mems: bitmap_parselist() on write, "%*pbl" on read.
import { describe, expect, it } from 'vitest';
import { readCgroupFile } from '../src/index.ts';
import { expectRejected, write } from './write-helpers.ts';

describe('cpuset.cpus', () => {
  it('takes the list format and prints compact ranges', () => {
    expect(write('cpuset.cpus', '0-2,3')).toEqual([0, 1, 2, 3]);
    expect(readCgroupFile('cpuset.cpus', write('cpuset.cpus', '3,0-1'))).toBe('0-1,3\n');
    expect(write('cpuset.cpus', ' 0 , 2\n')).toEqual([0, 2]);
    expect(write('cpuset.cpus', '0,,2')).toEqual([0, 2]);
  });

  it('knows strides (used/group), N for the last CPU and "all"', () => {
    expect(write('cpuset.cpus', '0-3:1/2')).toEqual([0, 2]);
    expect(write('cpuset.cpus', 'N')).toEqual([3]);
    expect(write('cpuset.cpus', '1-N')).toEqual([1, 2, 3]);
    expect(write('cpuset.cpus', 'all')).toEqual([0, 1, 2, 3]);
  });

  it('takes an empty write as "inherit" and prints an empty set as a lone newline', () => {
    expect(write('cpuset.cpus', '\n', [1])).toEqual([]);
    expect(readCgroupFile('cpuset.cpus', [])).toBe('\n');
  });

  it('refuses malformed lists (EINVAL) and CPUs beyond the kernel\'s (ERANGE)', () => {
    for (const text of ['3-1', '0 - 2', 'a', '0-', '1-3:0/0', '0-3:3/2', '0-3x', '-1']) expectRejected('cpuset.cpus', text, 'EINVAL');
    for (const text of ['4', '0-4', '2,7']) expectRejected('cpuset.cpus', text, 'ERANGE');
    expectRejected('cpuset.cpus', '99999999999', 'EOVERFLOW');
  });
});

describe('cpuset.mems', () => {
  it('takes online nodes only: offline is EINVAL, beyond MAX_NUMNODES ERANGE', () => {
    expect(write('cpuset.mems', '0-1')).toEqual([0, 1]);
    expect(readCgroupFile('cpuset.mems', [0, 1])).toBe('0-1\n');
    expectRejected('cpuset.mems', '2', 'EINVAL');
    expectRejected('cpuset.mems', '1024', 'ERANGE');
  });
});
