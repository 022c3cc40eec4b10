// Bad input to the memory model: every refusal is a typed shared-types error that names what was
// wrong, and leaves the model exactly as it was. Also the bookkeeping rules of moves and removals.
import { isStrataError } from '@strata/shared-types';
import { describe, expect, it } from 'vitest';
import { createMemoryModel, type MemoryModel } from '../src/index.ts';
import { GiB, MiB, PAGE } from './memory-model-driver.ts';

function snapshot(mem: MemoryModel, paths: readonly string[], pids: readonly number[]): string {
  return JSON.stringify({ cgroups: paths.map((p) => mem.stats(p)), processes: pids.map((pid) => mem.processStats(pid)), global: mem.globalStats() });
}

function expectRefused(run: () => unknown, code: 'E_VALIDATION' | 'E_NOT_FOUND' | 'E_CONFLICT', mentions: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isStrataError(caught), `expected a StrataError mentioning ${mentions}`).toBe(true);
  const error = caught as Error & { code: string };
  expect(error.code).toBe(code);
  expect(error.message).toContain(mentions);
}

function model(): MemoryModel {
  const mem = createMemoryModel({ ram: 1 * GiB, swap: 64 * MiB });
  mem.addCgroup('/A');
  mem.addCgroup('/A/x');
  mem.addCgroup('/B');
  mem.setLimits('/A', { max: 64 * MiB });
  mem.addProcess(1, '/A/x');
  mem.addProcess(2, '/B', { oomScoreAdj: 10 });
  mem.charge(1, 'anon', 8 * MiB);
  mem.charge(2, 'file', 4 * MiB);
  return mem;
}

const PATHS = ['/', '/A', '/A/x', '/B'];
const PIDS = [1, 2];

describe('refused commands change nothing', () => {
  const cases: [string, (mem: MemoryModel) => unknown, 'E_VALIDATION' | 'E_NOT_FOUND' | 'E_CONFLICT', string][] = [
    ['charge by an unknown pid', (m) => m.charge(99, 'anon', PAGE), 'E_NOT_FOUND', "process '99'"],
    ['charge of negative bytes', (m) => m.charge(1, 'anon', -PAGE), 'E_VALIDATION', 'bytes'],
    ['charge of a part of a page', (m) => m.charge(1, 'anon', 100), 'E_VALIDATION', 'multiple of the page size (4096)'],
    ['charge of a fraction', (m) => m.charge(1, 'anon', 4096.5), 'E_VALIDATION', 'bytes'],
    ['charge of NaN', (m) => m.charge(1, 'anon', Number.NaN), 'E_VALIDATION', 'bytes'],
    ['charge of an unknown kind', (m) => m.charge(1, 'shmem' as 'anon', PAGE), 'E_VALIDATION', 'kind must be "anon" or "file"'],
    ['a non-integer pid', (m) => m.charge(1.5, 'anon', PAGE), 'E_VALIDATION', 'pid must be a positive integer'],
    ['uncharge of more anon than the process has', (m) => m.uncharge(1, 'anon', 9 * MiB), 'E_VALIDATION', 'process 1 has 8388608 bytes'],
    ['uncharge by an unknown pid', (m) => m.uncharge(7, 'file', PAGE), 'E_NOT_FOUND', "process '7'"],
    ['headroom of an unknown pid', (m) => m.headroom(3, 'anon'), 'E_NOT_FOUND', "process '3'"],
    ['a cgroup that exists', (m) => m.addCgroup('/A'), 'E_CONFLICT', "cgroup '/A' already exists"],
    ['a cgroup without its parent', (m) => m.addCgroup('/C/d'), 'E_NOT_FOUND', "cgroup '/C'"],
    ['a cgroup under the wrong parent', (m) => m.addCgroup('/A/y', '/B'), 'E_VALIDATION', "its parent is '/A'"],
    ['a relative path', (m) => m.addCgroup('A'), 'E_VALIDATION', 'absolute cgroup path'],
    ['a path with a trailing slash', (m) => m.addCgroup('/A/'), 'E_VALIDATION', 'absolute cgroup path'],
    ['a path with ..', (m) => m.addCgroup('/A/../C'), 'E_VALIDATION', 'absolute cgroup path'],
    ['removing the root', (m) => m.removeCgroup('/'), 'E_VALIDATION', 'root cgroup cannot be removed'],
    ['removing a cgroup with children', (m) => m.removeCgroup('/A'), 'E_CONFLICT', 'has child cgroups'],
    ['removing a cgroup with processes', (m) => m.removeCgroup('/A/x'), 'E_CONFLICT', 'has processes'],
    ['removing an unknown cgroup', (m) => m.removeCgroup('/Z'), 'E_NOT_FOUND', "cgroup '/Z'"],
    ['limits on the root', (m) => m.setLimits('/', { max: MiB }), 'E_VALIDATION', 'root cgroup has no memory limits'],
    ['an unknown limit', (m) => m.setLimits('/A', { max: MiB, maximum: 1 } as never), 'E_VALIDATION', 'unknown memory limit "maximum"'],
    ['a negative limit', (m) => m.setLimits('/A', { high: MiB, max: -1 }), 'E_VALIDATION', 'max must be "max" or a non-negative integer'],
    ['a limit as text', (m) => m.setLimits('/A', { max: '64M' as never }), 'E_VALIDATION', 'max must be "max"'],
    ['oom.group as a number', (m) => m.setLimits('/A', { oomGroup: 1 as never }), 'E_VALIDATION', 'oomGroup must be true or false'],
    ['limits on an unknown cgroup', (m) => m.setLimits('/Z', { max: MiB }), 'E_NOT_FOUND', "cgroup '/Z'"],
    ['a pid that exists', (m) => m.addProcess(1, '/B'), 'E_CONFLICT', 'process 1 already exists'],
    ['pid 0', (m) => m.addProcess(0, '/B'), 'E_VALIDATION', 'pid must be a positive integer'],
    ['a process in an unknown cgroup', (m) => m.addProcess(5, '/Z'), 'E_NOT_FOUND', "cgroup '/Z'"],
    ['oom_score_adj 1001', (m) => m.addProcess(5, '/B', { oomScoreAdj: 1001 }), 'E_VALIDATION', 'oomScoreAdj must be an integer from -1000 to 1000'],
    ['oom_score_adj 1.5', (m) => m.setOomScoreAdj(1, 1.5), 'E_VALIDATION', 'oomScoreAdj'],
    ['moving to an unknown cgroup', (m) => m.moveProcess(1, '/Z'), 'E_NOT_FOUND', "cgroup '/Z'"],
    ['moving an unknown pid', (m) => m.moveProcess(8, '/B'), 'E_NOT_FOUND', "process '8'"],
    ['removing an unknown pid', (m) => m.removeProcess(8), 'E_NOT_FOUND', "process '8'"],
    ['stats of an unknown cgroup', (m) => m.stats('/Z'), 'E_NOT_FOUND', "cgroup '/Z'"],
  ];
  for (const [name, run, code, mentions] of cases) {
    it(name, () => {
      const mem = model();
      const before = snapshot(mem, PATHS, PIDS);
      expectRefused(() => run(mem), code, mentions);
      expect(snapshot(mem, PATHS, PIDS)).toBe(before);
    });
  }

  it('takes every limit cgroupfs can hand over: 2^62 bytes (memory.max "4E") as is, PAGE_COUNTER_MAX pages or more as max', () => {
    const mem = model();
    mem.setLimits('/B', { max: 2 ** 62, high: 2 ** 63 });
    expect(mem.limits('/B')).toMatchObject({ max: 2 ** 62, high: 'max' });
  });

  it('refuses bad options of the model', () => {
    expectRefused(() => createMemoryModel({ ram: 0 }), 'E_VALIDATION', 'ram must be an integer number of bytes ≥ 4096');
    expectRefused(() => createMemoryModel({ ram: GiB, swap: -1 }), 'E_VALIDATION', 'swap');
    expectRefused(() => createMemoryModel({ ram: GiB, hz: 123 }), 'E_VALIDATION', 'hz must be one of 100, 250, 300, 1000');
  });
});

describe('charges stay where they were made', () => {
  it('a moved process leaves its memory behind; freeing takes the newest charges first', () => {
    const mem = model();
    mem.moveProcess(1, '/B');
    expect(mem.charge(1, 'anon', 4 * MiB).kind).toBe('charged');
    expect(mem.stats('/A/x').current).toBe(8 * MiB);
    expect(mem.stats('/B').stat.anon).toBe(4 * MiB);
    expect(mem.uncharge(1, 'anon', 6 * MiB)).toBe(6 * MiB);
    expect(mem.stats('/B').stat.anon).toBe(0);
    expect(mem.stats('/A/x').current).toBe(6 * MiB);
    mem.removeProcess(1);
    expect(mem.stats('/A').current).toBe(0);
  });

  it('page cache outlives its process and is freed only down to what is cached', () => {
    const mem = model();
    mem.removeProcess(2);
    expect(mem.stats('/B').stat.file).toBe(4 * MiB);
    mem.addProcess(3, '/B');
    expect(mem.uncharge(3, 'file', 8 * MiB)).toBe(4 * MiB);
    expect(mem.stats('/B').current).toBe(0);
  });

  it('a removed cgroup hands its remaining charges to its parent', () => {
    const mem = model();
    mem.moveProcess(1, '/B');
    mem.removeCgroup('/A/x');
    expect(mem.stats('/A').current).toBe(8 * MiB);
    expect(mem.stats('/A').stat.anon).toBe(8 * MiB);
    mem.removeProcess(1);
    expect(mem.stats('/A').current).toBe(0);
    expect(mem.globalStats().used).toBe(4 * MiB);
  });
});

describe('alloc/free cycles and moves keep the owners right', () => {
  it('a process that freed everything, moved and charged again swaps out from its new cgroup only', () => {
    const mem = createMemoryModel({ ram: 1 * GiB, swap: 64 * MiB });
    mem.addCgroup('/A');
    mem.addCgroup('/B');
    mem.setLimits('/B', { max: 8 * MiB });
    mem.addProcess(1, '/A');
    mem.charge(1, 'anon', 4 * MiB);
    mem.uncharge(1, 'anon', 4 * MiB);
    mem.moveProcess(1, '/B');
    mem.charge(1, 'anon', 8 * MiB);
    expect(mem.charge(1, 'anon', 4 * MiB)).toMatchObject({ kind: 'charged', reclaimed: { fileBytes: 0, swappedBytes: 4 * MiB } });
    expect(mem.stats('/B')).toMatchObject({ current: 8 * MiB, swapCurrent: 4 * MiB });
    expect(mem.stats('/A')).toMatchObject({ current: 0, swapCurrent: 0 });
    expect(mem.processStats(1)).toMatchObject({ rss: 8 * MiB, swap: 4 * MiB });
    mem.removeProcess(1);
    expect(mem.globalStats()).toMatchObject({ used: 0, swapUsed: 0 });
  });
});
