// The registry as the kernel model will use it: read-only files refuse writes, long writes fail,
// a failed write leaves the value alone, and each cgroup lists the files its controllers add.
import { describe, expect, it } from 'vitest';
import { CGROUP_FILES, CGROUP_FILE_NAMES, cgroupFile, cgroupFilesFor, isCgroupFileName, writeCgroupFile, type CgroupFileName, type CgroupFileValues } from '../src/index.ts';
import { CONTEXT, expectRejected, write } from './write-helpers.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('registry', () => {
  it('names every entry after its key and lists the files issue 10 names', () => {
    for (const name of CGROUP_FILE_NAMES) expect(CGROUP_FILES[name].name).toBe(name);
    expect(CGROUP_FILE_NAMES).toEqual(expect.arrayContaining([
      'cpu.weight', 'cpu.weight.nice', 'cpu.max', 'cpu.stat', 'cpuset.cpus', 'cpuset.mems',
      'memory.min', 'memory.low', 'memory.high', 'memory.max', 'memory.swap.max', 'memory.current', 'memory.peak',
      'memory.events', 'memory.stat', 'memory.oom.group', 'pids.max', 'pids.current', 'pids.peak', 'pids.events',
      'io.weight', 'io.max', 'cgroup.freeze', 'cgroup.subtree_control', 'cgroup.events',
    ]));
    expect(isCgroupFileName('memory.max')).toBe(true);
    expect(isCgroupFileName('memory.limit_in_bytes')).toBe(false);
    expect(isCgroupFileName('toString')).toBe(false);
  });

  it('gives a generic caller the typed entry of a name', () => {
    const parseAny = <N extends CgroupFileName>(name: N, text: string, current: CgroupFileValues[N]): CgroupFileValues[N] => {
      const file = cgroupFile(name);
      if (!file.writable) throw new Error(`${name} is read-only`);
      return file.parseWrite(text, current, CONTEXT);
    };
    expect(parseAny('pids.max', '7', 'max')).toBe(7);
    expect(cgroupFile('memory.stat')).toBe(CGROUP_FILES['memory.stat']);
  });

  it('refuses writes to every read-only file with EACCES', () => {
    for (const name of CGROUP_FILE_NAMES.filter((n) => !CGROUP_FILES[n].writable)) expectRejected(name, '0', 'EACCES');
  });

  it('refuses a write longer than one page with E2BIG', () => {
    expectRejected('cgroup.subtree_control', `${'+cpu '.repeat(820)}+io`, 'E2BIG');
    expect(write('cgroup.subtree_control', `${'+cpu '.repeat(819)}`)).toEqual(['cpu']);
  });

  it('counts the page in UTF-8 bytes, as the kernel does, not in UTF-16 units', () => {
    // 2,000 × "é" is 2,000 UTF-16 units but 4,000 bytes; with 100 spaces more it passes a page.
    expectRejected('cgroup.subtree_control', `${' '.repeat(100)}${'é'.repeat(2000)}`, 'E2BIG');
  });

  it('never changes the current value, refused or not (writes return a new value)', () => {
    const ioMax = deepFreeze(write('io.max', '8:16 wbps=1048576'));
    expect(() => writeCgroupFile('io.max', '8:16 rbps=1 wbps=0', ioMax, CONTEXT)).toThrow();
    expect(writeCgroupFile('io.max', '8:16 rbps=1', ioMax, CONTEXT)).toEqual({ '8:16': { rbps: 1, wbps: 1_048_576, riops: 'max', wiops: 'max' } });
    const ioWeight = deepFreeze(write('io.weight', '8:16 300'));
    expect(writeCgroupFile('io.weight', '8:16 default', ioWeight, CONTEXT)).toEqual({ default: 100, devices: {} });
    expect(ioWeight).toEqual({ default: 100, devices: { '8:16': 300 } });
  });

  it('lists the files a cgroup shows for its enabled controllers, and only onRoot files at the root', () => {
    const leaf = cgroupFilesFor(['memory'], false);
    expect(leaf).toContain('memory.max');
    expect(leaf).toContain('cgroup.freeze');
    expect(leaf).not.toContain('cpu.max');
    const root = cgroupFilesFor(['cpu', 'memory', 'pids'], true);
    expect(root).toEqual(['cgroup.controllers', 'cgroup.subtree_control', 'cpu.stat', 'memory.stat']);
  });
});

describe('types', () => {
  it('tie each file name to its value type, so a wrong value or an unknown file does not compile', () => {
    const refuse = (f: () => unknown) => expect(f).toThrow();
    // @ts-expect-error cpu.max holds { quota, period }, not a memory limit
    refuse(() => writeCgroupFile('cpu.max', '1000', 'max', CONTEXT));
    // @ts-expect-error memory.limit_in_bytes is cgroup v1, not a file of this model
    refuse(() => writeCgroupFile('memory.limit_in_bytes', '1', 0, CONTEXT));
    const stat = CGROUP_FILES['memory.stat'];
    // @ts-expect-error a read-only file has no parseWrite
    refuse(() => stat.parseWrite('0', stat.initial, CONTEXT)); // eslint-disable-line @typescript-eslint/no-unsafe-call -- the missing method is the point
    expect(CGROUP_FILES['cpu.max'].writable).toBe(true);
  });
});
