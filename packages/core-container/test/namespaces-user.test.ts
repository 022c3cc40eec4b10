// User namespaces: uid_map/gid_map written and read as the kernel does, translation both ways,
// unmapped ids as 65534, root inside as an unprivileged id outside.
import { describe, expect, it } from 'vitest';
import { createNamespaceModel, parseIdMap, type NamespaceModel } from '../src/index.ts';
import { ok } from './syscall-ok.ts';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function rootless(): { ns: NamespaceModel; host: number; c: number; userNs: number } {
  const ns = createNamespaceModel();
  ns.spawnInit();
  const c = ok(ns.clone(1, { flags: ['CLONE_NEWUSER', 'CLONE_NEWPID'] })).pid;
  const userNs = ns.namespaceOf(c, 'user');
  ns.writeIdMap(userNs, 'uid_map', '0 100000 65536\n');
  ns.writeIdMap(userNs, 'gid_map', '0 100000 65536');
  return { ns, host: 1, c, userNs };
}

describe('user namespaces: translation', () => {
  it('root inside is 100000 outside; 0..65535 map to 100000..165535; the host\'s ids are 65534 inside', () => {
    const { ns, userNs } = rootless();
    const host = 4026531837;
    expect(ns.toKernelId(userNs, 'uid_map', 0)).toBe(100000);
    expect(ns.translateId(userNs, host, 'uid_map', 0)).toBe(100000);
    expect(ns.translateId(userNs, host, 'uid_map', 65535)).toBe(165535);
    expect(ns.translateId(host, userNs, 'uid_map', 100000)).toBe(0);
    expect(ns.translateId(host, userNs, 'uid_map', 0)).toBe(65534); // host root is nobody inside
    expect(ns.translateId(host, userNs, 'gid_map', 165536)).toBe(65534);
    expect(ns.toKernelId(userNs, 'uid_map', 65536)).toBeUndefined();
    expect(ns.translateId(userNs, host, 'uid_map', 70000)).toBe(65534);
  });

  it('before its map is written, nothing is mapped: every id reads 65534 inside', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const c = ok(ns.clone(1, { flags: ['CLONE_NEWUSER'] })).pid;
    expect(ns.fromKernelId(ns.namespaceOf(c, 'user'), 'uid_map', 0)).toBe(65534);
    expect(ns.readIdMap(ns.namespaceOf(c, 'user'), 'uid_map', c)).toBe('');
  });

  it('nested maps compose: a namespace inside the container maps through the container\'s map', () => {
    const { ns, c, userNs } = rootless();
    const inner = ok(ns.clone(c, { flags: ['CLONE_NEWUSER'] })).pid;
    const innerNs = ns.namespaceOf(inner, 'user');
    ns.writeIdMap(innerNs, 'uid_map', '0 1000 10');
    expect(ns.toKernelId(innerNs, 'uid_map', 0)).toBe(101000);
    expect(ns.translateId(innerNs, userNs, 'uid_map', 9)).toBe(1009);
    // Read from the container, outside ids are the container's; from the host, the host's.
    expect(ns.readIdMap(innerNs, 'uid_map', c)).toBe('         0       1000         10\n');
    expect(ns.readIdMap(innerNs, 'uid_map', 1)).toBe('         0     101000         10\n');
    // Read from inside itself, the outside ids are its parent's.
    expect(ns.readIdMap(innerNs, 'uid_map', inner)).toBe('         0       1000         10\n');
    // The parent maps only 0..65535: a range beyond it is EPERM.
    const other = ns.namespaceOf(ok(ns.clone(c, { flags: ['CLONE_NEWUSER'] })).pid, 'user');
    expect(() => ns.writeIdMap(other, 'uid_map', '0 65000 1000')).toThrow(/which the parent user namespace does not map \(EPERM\)/);
    expect(ns.readIdMap(other, 'uid_map', 1)).toBe('');
  });

  it('prints the initial map as the kernel does and a host reader sees kernel ids', () => {
    const { ns, userNs } = rootless();
    expect(ns.readIdMap(4026531837, 'uid_map', 1)).toBe('         0          0 4294967295\n');
    expect(ns.readIdMap(userNs, 'gid_map', 1)).toBe('         0     100000      65536\n');
  });

  it('maps are written once, and never for the initial namespace', () => {
    const { ns, userNs } = rootless();
    expect(thrown(() => ns.writeIdMap(userNs, 'uid_map', '0 100000 1'))).toMatchObject({ code: 'E_CONFLICT', details: { errno: 'EPERM' } });
    expect(() => ns.writeIdMap(4026531837, 'uid_map', '0 0 1')).toThrow(/initial user namespace cannot be written \(EPERM\)/);
    expect(() => ns.writeIdMap(4026531836, 'uid_map', '0 0 1')).toThrow(/is a pid namespace: pass a user namespace's inode/);
  });

  it('more than 5 lines print sorted by inside id, up to 5 in written order', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const a = ns.namespaceOf(ok(ns.clone(1, { flags: ['CLONE_NEWUSER'] })).pid, 'user');
    const b = ns.namespaceOf(ok(ns.clone(1, { flags: ['CLONE_NEWUSER'] })).pid, 'user');
    ns.writeIdMap(a, 'uid_map', '10 110 1\n0 100 1\n');
    ns.writeIdMap(b, 'uid_map', ['50 150 1', '40 140 1', '30 130 1', '20 120 1', '10 110 1', '0 100 1'].join('\n'));
    expect(ns.readIdMap(a, 'uid_map', 1).split('\n')[0]!.trim().split(/ +/)[0]).toBe('10');
    expect(ns.readIdMap(b, 'uid_map', 1).split('\n').slice(0, 2).map((l) => l.trim().split(/ +/)[0])).toEqual(['0', '10']);
  });
});

describe('user namespaces: what a map write accepts (map_write)', () => {
  it('accepts spaces and tabs between fields, leading spaces, and one final newline', () => {
    expect(parseIdMap('uid_map', '  0\t100000   65536  \n')).toEqual([{ first: 0, lowerFirst: 100000, count: 65536 }]);
    expect(parseIdMap('uid_map', '0 0 4294967295')).toEqual([{ first: 0, lowerFirst: 0, count: 4294967295 }]);
  });

  it.each([
    ['', /line 1 "" is not three numbers/],
    ['0 100000', /line 1 "0 100000" is not three numbers/],
    ['0 100000 65536\n\n', /line 2 "" is not three numbers/],
    ['0 100000 0', /maps no ids: the count must be at least 1/],
    ['0 0x10 5', /is not three numbers/],
    ['0 1 2 3', /has text after the count/],
    ['-1 0 1', /is not three numbers/],
    ['4294967295 0 1', /starts a range at 4294967295/],
    ['4294967290 0 10', /runs past id 4294967294/],
    ['0 100000 10\n5 200000 10', /line 2 "5 200000 10" overlaps line 1 in the inside range/],
    ['0 100000 10\n20 100005 10', /overlaps line 1 in the outside range/],
  ])('refuses %j with EINVAL', (text, message) => {
    expect(() => parseIdMap('uid_map', text)).toThrow(message);
    expect(thrown(() => parseIdMap('uid_map', text))).toMatchObject({ code: 'E_VALIDATION', details: { errno: 'EINVAL', file: 'uid_map', value: text } });
  });

  it('takes 340 lines and refuses 341', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `${i} ${1000 + i} 1`).join('\n');
    expect(parseIdMap('gid_map', lines(340))).toHaveLength(340);
    expect(() => parseIdMap('gid_map', lines(341))).toThrow(/has more than 340 lines/);
  });

  it('refuses a write of 4096 bytes or more', () => {
    expect(() => parseIdMap('uid_map', `0 0 1${' '.repeat(4091)}`)).toThrow(/fewer than 4096 bytes/);
    expect(parseIdMap('uid_map', `0 0 1${' '.repeat(4090)}`)).toHaveLength(1);
  });

  it('a refused write changes nothing: the map can still be written', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const userNs = ns.namespaceOf(ok(ns.clone(1, { flags: ['CLONE_NEWUSER'] })).pid, 'user');
    expect(() => ns.writeIdMap(userNs, 'uid_map', '0 100000 10\n5 100 1')).toThrow(/overlaps/);
    ns.writeIdMap(userNs, 'uid_map', '0 100000 10');
    expect(ns.translateId(userNs, 4026531837, 'uid_map', 0)).toBe(100000);
  });

  it('user namespaces nest 33 deep below the initial one; the 34th is ENOSPC', () => {
    const ns = createNamespaceModel();
    let pid = ns.spawnInit().pid;
    for (let i = 0; i < 33; i += 1) pid = ok(ns.clone(pid, { flags: ['CLONE_NEWUSER'] })).pid;
    expect(ns.namespaceInfo(ns.namespaceOf(pid, 'user')).level).toBe(33);
    expect(ns.clone(pid, { flags: ['CLONE_NEWUSER'] })).toMatchObject({ ok: false, errno: 'ENOSPC' });
  });
});
