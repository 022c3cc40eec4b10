// The format facts of ../shared/reference/container-runtime-semantics.md §4 ("cgroup v2", [cg2]) and
// linux-cgroup-cpu-semantics.md ("Bandwidth control", "Weights"), each quoted and checked.
import { NICE_TO_WEIGHT } from '@strata/core-scheduler';
import { describe, expect, it } from 'vitest';
import { initialCgroupFileValue, readCgroupFile, writeCgroupFile, type CgroupFileName } from '../src/index.ts';
import { CONTEXT, expectRejected, write } from './write-helpers.ts';

const initialText = (name: CgroupFileName) => readCgroupFile(name, initialCgroupFileValue(name));

describe('container-runtime-semantics.md §4, CPU table', () => {
  it('"cpu.weight | default 100 | 1..10000 (ERANGE outside); kernel shares = round(w × 1024 / 100)"', () => {
    expect(initialText('cpu.weight')).toBe('100\n');
    expectRejected('cpu.weight', '0', 'ERANGE');
    expectRejected('cpu.weight', '10001', 'ERANGE');
    expect(write('cpu.weight', '39')).toBe(Math.round((39 * 1024) / 100)); // 399.36 → 399
    expect(write('cpu.weight', '59')).toBe(604); // 604.16 → 604
  });

  it('"cpu.weight.nice | default 0 | −20..19; sets shares to sched_prio_to_weight[nice+20] (nice 0 = 1024); reads back the nearest nice"', () => {
    expect(initialText('cpu.weight.nice')).toBe('0\n');
    for (let nice = -20; nice <= 19; nice++) {
      const shares = write('cpu.weight.nice', String(nice));
      expect(shares).toBe(NICE_TO_WEIGHT[nice + 20]);
      expect(readCgroupFile('cpu.weight.nice', shares)).toBe(`${nice}\n`);
    }
    expect(readCgroupFile('cpu.weight.nice', write('cpu.weight', '200'))).toBe('-3\n'); // 2048 is nearest nice −3's 1991
  });

  it('"cpu.max | default `max 100000` | `$MAX $PERIOD` in µs; one number updates `$MAX` only"', () => {
    expect(initialText('cpu.max')).toBe('max 100000\n');
    expect(readCgroupFile('cpu.max', write('cpu.max', '30000', write('cpu.max', 'max 50000')))).toBe('30000 50000\n');
  });

  it('"cpu.stat | usage_usec, user_usec, system_usec always; nr_periods, nr_throttled, throttled_usec, nr_bursts, burst_usec only with the controller enabled"', () => {
    expect(initialText('cpu.stat')).toBe('usage_usec 0\nuser_usec 0\nsystem_usec 0\n');
    const enabled = { usage_usec: 1, user_usec: 1, system_usec: 0, nr_periods: 2, nr_throttled: 1, throttled_usec: 40_000, nr_bursts: 0, burst_usec: 0 };
    expect(readCgroupFile('cpu.stat', enabled).split('\n').map((l) => l.split(' ')[0])).toEqual([
      'usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec', 'nr_bursts', 'burst_usec', '',
    ]);
  });

  it('"Docker `--cpus=1.5` → `150000 100000`": the text Docker writes is accepted as is', () => {
    expect(write('cpu.max', '150000 100000')).toEqual({ quota: 150_000, period: 100_000 });
  });

  it('"`cpuset.cpus` = requested (`0-4,6`, empty = inherit)"', () => {
    const cpus = writeCgroupFile('cpuset.cpus', '0-4,6', [], { ...CONTEXT, cpus: 8 });
    expect(cpus).toEqual([0, 1, 2, 3, 4, 6]);
    expect(readCgroupFile('cpuset.cpus', cpus)).toBe('0-4,6\n');
    expect(writeCgroupFile('cpuset.cpus', '', cpus, { ...CONTEXT, cpus: 8 })).toEqual([]);
  });
});

describe('container-runtime-semantics.md §4, memory table ("bytes; values rounded to pages")', () => {
  it('defaults: memory.min 0, memory.low 0, memory.high max, memory.max max, memory.swap.max max, memory.oom.group 0', () => {
    expect(initialText('memory.min')).toBe('0\n');
    expect(initialText('memory.low')).toBe('0\n');
    expect(initialText('memory.high')).toBe('max\n');
    expect(initialText('memory.max')).toBe('max\n');
    expect(initialText('memory.swap.max')).toBe('max\n');
    expect(initialText('memory.oom.group')).toBe('0\n');
  });

  it('"values rounded to pages": a byte count reads back rounded down to 4096', () => {
    expect(readCgroupFile('memory.high', write('memory.high', '1000000'))).toBe('999424\n');
  });

  it('"memory.events … `low`, `high`, `max`, `oom`, `oom_kill`, `oom_group_kill`, `sock_throttled`" in that order', () => {
    const all = { low: 1, high: 2, max: 3, oom: 4, oom_kill: 5, oom_group_kill: 6, sock_throttled: 7 };
    expect(readCgroupFile('memory.events', all)).toBe('low 1\nhigh 2\nmax 3\noom 4\noom_kill 5\noom_group_kill 6\nsock_throttled 7\n');
  });

  it('"memory.stat (bytes): anon, file, kernel, kernel_stack, pagetables, sock, shmem, file_mapped, file_dirty, slab, pgfault" in that order', () => {
    const keys = initialText('memory.stat').trimEnd().split('\n').map((l) => l.split(' ')[0]);
    const quoted = ['anon', 'file', 'kernel', 'kernel_stack', 'pagetables', 'sock', 'shmem', 'file_mapped', 'file_dirty', 'slab', 'pgfault'];
    expect(keys.filter((k) => quoted.includes(k!))).toEqual(quoted);
  });
});

describe('container-runtime-semantics.md §4, PIDs, IO, freezer, tree rules', () => {
  it('"`pids.max` (default max), `pids.current`, `pids.peak`, `pids.events` (`max` = times the limit was hit)"', () => {
    expect(initialText('pids.max')).toBe('max\n');
    expect(initialText('pids.current')).toBe('0\n');
    expect(initialText('pids.peak')).toBe('0\n');
    expect(initialText('pids.events')).toBe('max 0\n');
  });

  it('"`io.max` lines `MAJ:MIN rbps= wbps= riops= wiops=` (`max` = no limit)"', () => {
    expect(readCgroupFile('io.max', write('io.max', '8:16 riops=500'))).toBe('8:16 rbps=max wbps=max riops=500 wiops=max\n');
  });

  it('"`io.weight` `default 100` (1..10000, per-device overrides)"', () => {
    expect(initialText('io.weight')).toBe('default 100\n');
    expect(readCgroupFile('io.weight', write('io.weight', '8:16 10000'))).toBe('default 100\n8:16 10000\n');
    expectRejected('io.weight', '10001', 'EINVAL');
  });

  it('"`cgroup.subtree_control` (`+cpu +memory -io`, all-or-nothing)": one bad token refuses the whole write', () => {
    expect(write('cgroup.subtree_control', '+cpu +memory -io', ['io'])).toEqual(['cpu', 'memory']);
    expectRejected('cgroup.subtree_control', '+cpu +memory -bogus', 'EINVAL', ['io']);
  });

  it('"`cgroup.events`: `populated` …, `frozen`"; "`cgroup.freeze` 1 freezes the subtree"', () => {
    expect(initialText('cgroup.events')).toBe('populated 0\nfrozen 0\n');
    expect(write('cgroup.freeze', '1')).toBe(true);
  });
});

describe('linux-cgroup-cpu-semantics.md, "Bandwidth control" and "Weights"', () => {
  it('"quota < 1000 µs or period outside 1000..1000000 µs is rejected with EINVAL"; v2 `cpu.max` default "max 100000"', () => {
    expectRejected('cpu.max', '999', 'EINVAL');
    expectRejected('cpu.max', '1000 999', 'EINVAL');
    expectRejected('cpu.max', 'max 1000001', 'EINVAL');
    expect(write('cpu.max', '1000 1000000')).toEqual({ quota: 1000, period: 1_000_000 });
  });

  it('"a quota of 150000/100000 lets two threads … use 1.5 CPUs"; "A capped at 30%" is written "30000 100000"', () => {
    expect(readCgroupFile('cpu.max', write('cpu.max', '30000 100000'))).toBe('30000 100000\n');
  });

  it('"cgroup v2 `cpu.weight` (default 100, range 1..10000)"', () => {
    expect(write('cpu.weight', '10000')).toBe(102_400);
    expect(write('cpu.weight', '1')).toBe(10);
  });
});

describe('issue 10 examples', () => {
  it('"memparse\'s 64M is 64 MiB": memory.max "64M" and "200M"', () => {
    expect(readCgroupFile('memory.max', write('memory.max', '64M'))).toBe('67108864\n');
    expect(readCgroupFile('memory.max', write('memory.max', '200M'))).toBe('209715200\n');
  });

  it('"cpu.max reads `max 100000`; memory.events is `low 0\\nhigh 0\\n...`"', () => {
    expect(initialText('cpu.max')).toBe('max 100000\n');
    expect(initialText('memory.events')).toBe('low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n');
  });

  it('the scenario values of `strata kernel run` are accepted: cpu.weight "100", memory.max "64M", pids.max "5", cpu.max "30000 100000"', () => {
    expect(write('cpu.weight', '100')).toBe(1024);
    expect(write('memory.max', '64M')).toBe(67_108_864);
    expect(write('pids.max', '5')).toBe(5);
    expect(write('cpu.max', '30000 100000')).toEqual({ quota: 30_000, period: 100_000 });
  });
});
