// Memory limits through memparse and page rounding, memory.oom.group, and the read-only memory files.
import { bytes } from '@strata/shared-types';
import { describe, expect, it } from 'vitest';
import { CGROUP_FILES, EMPTY_MEMORY_EVENTS, memparse, readCgroupFile } from '../src/index.ts';
import { expectRejected, write } from './write-helpers.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('memparse', () => {
  it('reads K M G T P E, either case, as powers of 1024', () => {
    const cases: [string, bigint][] = [
      ['1K', 1024n],
      ['1k', 1024n],
      ['64M', 64n << 20n],
      ['64m', 64n << 20n],
      ['2G', 2n << 30n],
      ['3g', 3n << 30n],
      ['1T', 1n << 40n],
      ['1t', 1n << 40n],
      ['1P', 1n << 50n],
      ['1p', 1n << 50n],
      ['1E', 1n << 60n],
      ['1e', 1n << 60n],
      ['4096', 4096n],
    ];
    for (const [text, bytes] of cases) expect(memparse(text), text).toEqual({ bytes, rest: '' });
  });

  it('reads numbers as simple_strtoull does: 0x hex, leading-0 octal, wrapping past 2^64', () => {
    expect(memparse('0x1000')).toEqual({ bytes: 4096n, rest: '' });
    expect(memparse('0x1E')).toEqual({ bytes: 30n, rest: '' }); // E is a hex digit here, not exa
    expect(memparse('010')).toEqual({ bytes: 8n, rest: '' });
    expect(memparse('16E')).toEqual({ bytes: 0n, rest: '' }); // 2^64 wraps to 0
    expect(memparse('64MB')).toEqual({ bytes: 64n << 20n, rest: 'B' });
    expect(memparse('1.5G')).toEqual({ bytes: 1n, rest: '.5G' });
    expect(memparse('')).toEqual({ bytes: 0n, rest: '' });
  });
});

describe('memory.min, memory.low, memory.high, memory.max, memory.swap.max', () => {
  const limitFiles = ['memory.min', 'memory.low', 'memory.high', 'memory.max', 'memory.swap.max'] as const;

  it('take "max" or a memparse size, stripped, rounded down to whole 4096-byte pages', () => {
    for (const file of limitFiles) {
      expect(write(file, '64M')).toBe(64 * MiB);
      expect(write(file, ' 200M\n')).toBe(200 * MiB);
      expect(write(file, 'max')).toBe('max');
      expect(write(file, 'max\n')).toBe('max');
      expect(write(file, '4097')).toBe(4096);
      expect(write(file, '4095')).toBe(0);
      expect(write(file, '1G')).toBe(GiB);
      expect(readCgroupFile(file, write(file, '100000'))).toBe('98304\n');
    }
  });

  it('read "max" past PAGE_COUNTER_MAX pages and print huge limits digit for digit', () => {
    expect(write('memory.max', '8E')).toBe('max'); // 2^63 bytes = 2^51 pages ≥ PAGE_COUNTER_MAX
    expect(readCgroupFile('memory.max', write('memory.max', '1E'))).toBe('1152921504606846976\n');
    expect(readCgroupFile('memory.max', write('memory.max', '9223372036854767616'))).toBe('9223372036854767616\n'); // PAGE_COUNTER_MAX − 1 pages
    expect(write('memory.max', '9223372036854771712')).toBe('max'); // PAGE_COUNTER_MAX pages exactly
  });

  it('take an empty write as 0 bytes, as page_counter_memparse does after strstrip ("echo > memory.max")', () => {
    expect(write('memory.max', '\n', 'max')).toBe(0);
  });

  it('refuse anything memparse leaves unread, with EINVAL', () => {
    for (const file of limitFiles) {
      for (const text of ['64MB', '1.5G', '64 M', '-1', 'MAX', 'unlimited', '0x', '08', '1KK']) expectRejected(file, text, 'EINVAL');
    }
  });

  it('print a limit as bytes and "\\n", or "max\\n"', () => {
    expect(readCgroupFile('memory.high', 'max')).toBe('max\n');
    expect(readCgroupFile('memory.min', write('memory.min', '64M'))).toBe('67108864\n');
  });
});

describe('memory.oom.group', () => {
  it('takes 0 or 1 through kstrtoint', () => {
    expect(write('memory.oom.group', '1')).toBe(true);
    expect(write('memory.oom.group', ' 0\n')).toBe(false);
    expect(write('memory.oom.group', '0x1')).toBe(true);
    expect(readCgroupFile('memory.oom.group', true)).toBe('1\n');
    for (const text of ['2', '-1', 'yes', '']) expectRejected('memory.oom.group', text, 'EINVAL');
    expectRejected('memory.oom.group', '4294967296', 'ERANGE');
  });
});

describe('read-only memory files', () => {
  it('memory.current and memory.peak print bytes and "\\n", and refuse writes with EACCES', () => {
    expect(readCgroupFile('memory.current', bytes(64 * MiB))).toBe('67108864\n');
    expect(readCgroupFile('memory.peak', bytes(0))).toBe('0\n');
    expectRejected('memory.current', '0', 'EACCES');
    expectRejected('memory.peak', '0', 'EACCES');
    expectRejected('memory.events', 'oom 0', 'EACCES');
    expectRejected('memory.stat', '', 'EACCES');
  });

  it('memory.events prints its six counters in __memory_events_show() order, sock_throttled last when a kernel has it', () => {
    expect(readCgroupFile('memory.events', EMPTY_MEMORY_EVENTS)).toBe('low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n');
    const events = { low: 0, high: 12, max: 3, oom: 1, oom_kill: 1, oom_group_kill: 0, sock_throttled: 2 };
    expect(readCgroupFile('memory.events', events)).toBe('low 0\nhigh 12\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\nsock_throttled 2\n');
    expect(CGROUP_FILES['memory.events'].parseRead('low 0\nhigh 12\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\nsock_throttled 2\n')).toEqual(events);
    expect(() => CGROUP_FILES['memory.events'].parseRead('low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0')).toThrow(/memory\.events/);
    expect(() => CGROUP_FILES['memory.events'].parseRead('high 0\nlow 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n')).toThrow(/memory\.events/);
  });

  it('memory.stat keeps its subset in the kernel order and reads a real kernel dump, skipping the keys it does not keep', () => {
    const stat = { ...CGROUP_FILES['memory.stat'].initial, anon: 128 * MiB, file: 4 * MiB, kernel_stack: 16 * KiB, slab: 8 * KiB, pgfault: 32_768 };
    expect(readCgroupFile('memory.stat', stat)).toBe(
      'anon 134217728\nfile 4194304\nkernel 0\nkernel_stack 16384\npagetables 0\nsock 0\nshmem 0\nfile_mapped 0\nfile_dirty 0\nfile_writeback 0\nslab 8192\npgfault 32768\npgmajfault 0\n',
    );
    const dump = [
      'anon 134217728', 'file 4194304', 'kernel 1056768', 'kernel_stack 16384', 'pagetables 278528', 'sec_pagetables 0', 'percpu 480',
      'sock 0', 'vmalloc 0', 'shmem 0', 'zswap 0', 'zswapped 0', 'file_mapped 0', 'file_dirty 0', 'file_writeback 0', 'swapcached 0',
      'anon_thp 0', 'file_thp 0', 'shmem_thp 0', 'inactive_anon 134152192', 'active_anon 65536', 'inactive_file 4194304', 'active_file 0',
      'unevictable 0', 'slab_reclaimable 2320', 'slab_unreclaimable 5872', 'slab 8192', 'workingset_refault_anon 0', 'pgscan 0', 'pgsteal 0',
      'pgfault 32768', 'pgmajfault 0', 'pgrefill 0',
    ].join('\n') + '\n';
    expect(CGROUP_FILES['memory.stat'].parseRead(dump)).toEqual({ ...stat, kernel: 1_056_768, pagetables: 278_528 });
  });
});
