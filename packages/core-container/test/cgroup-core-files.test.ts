// cgroup.subtree_control, cgroup.controllers, cgroup.freeze and cgroup.events (kernel/cgroup/cgroup.c).
import { describe, expect, it } from 'vitest';
import { CGROUP_FILES, parseSubtreeControlChange, readCgroupFile } from '../src/index.ts';
import { expectRejected, write } from './write-helpers.ts';

describe('cgroup.subtree_control', () => {
  it('applies +name and -name tokens and prints the enabled set in the kernel order', () => {
    expect(write('cgroup.subtree_control', '+cpu +memory -io', ['io'])).toEqual(['cpu', 'memory']);
    expect(readCgroupFile('cgroup.subtree_control', write('cgroup.subtree_control', '+pids +memory +cpu +io +cpuset'))).toBe('cpuset cpu io memory pids\n');
    expect(write('cgroup.subtree_control', '  +cpu  +io \n')).toEqual(['cpu', 'io']);
    expect(write('cgroup.subtree_control', '', ['cpu'])).toEqual(['cpu']);
  });

  it('lets a later token for the same controller win', () => {
    expect(parseSubtreeControlChange('+cpu -cpu')).toEqual({ enable: [], disable: ['cpu'] });
    expect(parseSubtreeControlChange('-io +io +memory')).toEqual({ enable: ['io', 'memory'], disable: [] });
  });

  it('refuses a token without + or -, an unknown controller, or a tab as separator (EINVAL), all or nothing', () => {
    for (const text of ['cpu', '+cpu memory', '+hugetlb', '+', '+cpu\t+io', '+CPU', '*cpu']) expectRejected('cgroup.subtree_control', text, 'EINVAL', ['pids']);
  });

  it('prints nothing at all, not even a newline, when no controller is enabled', () => {
    expect(readCgroupFile('cgroup.subtree_control', [])).toBe('');
    expect(readCgroupFile('cgroup.controllers', [])).toBe('');
    expect(readCgroupFile('cgroup.controllers', ['memory', 'cpu'])).toBe('cpu memory\n');
    expect(CGROUP_FILES['cgroup.controllers'].parseRead('cpuset cpu io memory pids\n')).toEqual(['cpuset', 'cpu', 'io', 'memory', 'pids']);
    expect(() => CGROUP_FILES['cgroup.controllers'].parseRead('memory cpu\n')).toThrow(/cgroup\.controllers/);
    expectRejected('cgroup.controllers', '+cpu', 'EACCES');
  });
});

describe('cgroup.freeze and cgroup.events', () => {
  it('cgroup.freeze takes 0 or 1; other integers are ERANGE', () => {
    expect(write('cgroup.freeze', '1')).toBe(true);
    expect(write('cgroup.freeze', '0\n', true)).toBe(false);
    expect(readCgroupFile('cgroup.freeze', true)).toBe('1\n');
    for (const text of ['2', '-1']) expectRejected('cgroup.freeze', text, 'ERANGE');
    for (const text of ['', 'yes', '1.0']) expectRejected('cgroup.freeze', text, 'EINVAL');
  });

  it('cgroup.events prints "populated N\\nfrozen N\\n"', () => {
    expect(readCgroupFile('cgroup.events', { populated: false, frozen: false })).toBe('populated 0\nfrozen 0\n');
    expect(readCgroupFile('cgroup.events', { populated: true, frozen: true })).toBe('populated 1\nfrozen 1\n');
    expect(CGROUP_FILES['cgroup.events'].parseRead('populated 1\nfrozen 0\n')).toEqual({ populated: true, frozen: false });
    expect(() => CGROUP_FILES['cgroup.events'].parseRead('populated 2\nfrozen 0\n')).toThrow(/cgroup\.events/);
    expectRejected('cgroup.events', 'frozen 1', 'EACCES');
  });
});
