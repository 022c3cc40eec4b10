// Namespace identity (/proc/<pid>/ns/<type> reads `type:[inode]`), sharing, and lifetime.
import { describe, expect, it } from 'vitest';
import { INITIAL_NAMESPACE_INODES, NAMESPACE_TYPES, cloneFlags, createNamespaceModel } from '../src/index.ts';
import { ok } from './syscall-ok.ts';

describe('namespace identity', () => {
  it('the initial namespaces have the kernel\'s inode numbers', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const links = Object.fromEntries(NAMESPACE_TYPES.map((t) => [t, ns.nsLink(1, t)]));
    expect(links).toEqual({
      cgroup: 'cgroup:[4026531835]',
      ipc: 'ipc:[4026531839]',
      mnt: 'mnt:[4026531840]',
      net: 'net:[4026531992]',
      pid: 'pid:[4026531836]',
      user: 'user:[4026531837]',
      uts: 'uts:[4026531838]',
    });
    expect(ns.nsLink(1, 'pid_for_children')).toBe('pid:[4026531836]');
    expect(INITIAL_NAMESPACE_INODES.pid).toBe(0xeffffffc);
  });

  it('new namespaces count up from 4026531841 in the kernel\'s creation order (user first, then mnt, uts, ipc, pid, cgroup, net)', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const c = ok(ns.clone(1, { flags: ['CLONE_NEWNET', 'CLONE_NEWPID', 'CLONE_NEWUSER', 'CLONE_NEWUTS', 'CLONE_NEWNS', 'CLONE_NEWIPC', 'CLONE_NEWCGROUP'], cgroupPath: '/c' }));
    expect(['user', 'mnt', 'uts', 'ipc', 'pid', 'cgroup', 'net'].map((t) => ns.namespaceOf(c.pid, t as 'pid'))).toEqual([
      4026531841, 4026531842, 4026531843, 4026531844, 4026531845, 4026531846, 4026531847,
    ]);
    expect(cloneFlags('net', 'user')).toEqual(['CLONE_NEWUSER', 'CLONE_NEWNET']);
  });

  it('a destroyed namespace\'s number is the next one handed out (the IDA gives the lowest free)', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const a = ok(ns.clone(1, { flags: ['CLONE_NEWUTS'] }));
    const b = ok(ns.clone(1, { flags: ['CLONE_NEWUTS'] }));
    expect([ns.namespaceOf(a.pid, 'uts'), ns.namespaceOf(b.pid, 'uts')]).toEqual([4026531841, 4026531842]);
    ns.exit(a.pid);
    expect(ns.namespaces().map((n) => n.inode)).not.toContain(4026531841);
    const c = ok(ns.clone(1, { flags: ['CLONE_NEWIPC'] }));
    expect(ns.namespaceOf(c.pid, 'ipc')).toBe(4026531841);
  });

  it('a pod: containers share net, ipc and uts (same inode, one hostname) but each has its own pid and mnt', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const pause = ok(ns.clone(1, { flags: cloneFlags('net', 'ipc', 'uts', 'pid', 'mnt') }));
    ns.sethostname(pause.pid, 'web-7d9f');
    const runtime = ok(ns.clone(1));
    for (const type of ['net', 'ipc', 'uts'] as const) ok(ns.setns(runtime.pid, ns.namespaceOf(pause.pid, type)));
    const app = ok(ns.clone(runtime.pid, { flags: cloneFlags('pid', 'mnt') }));
    for (const type of ['net', 'ipc', 'uts'] as const) expect(ns.nsLink(app.pid, type)).toBe(ns.nsLink(pause.pid, type));
    for (const type of ['pid', 'mnt'] as const) expect(ns.nsLink(app.pid, type)).not.toBe(ns.nsLink(pause.pid, type));
    expect(ns.uname(app.pid).hostname).toBe('web-7d9f');
    expect(ns.uname(1).hostname).toBe('(none)');
    // --pid=host: a container in the host's pid namespace sees the host's processes.
    const hostPid = ok(ns.clone(1, { flags: cloneFlags('mnt', 'net') }));
    expect(ns.nsLink(hostPid.pid, 'pid')).toBe('pid:[4026531836]');
    expect(ns.ps({ viewer: hostPid.pid }).map((r) => r.globalPid)).toContain(pause.pid);
  });

  it('a namespace lives while a process or a hold uses it; setns into a held one works after its last process is gone', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const c = ok(ns.clone(1, { flags: ['CLONE_NEWNET'] }));
    const net = ns.namespaceOf(c.pid, 'net');
    ns.hold(net); // `ip netns add` bind-mounts it
    ns.exit(c.pid);
    ns.reap(c.pid);
    expect(ns.namespaceInfo(net)).toMatchObject({ type: 'net', inode: net, link: `net:[${net}]`, initial: false, owner: 4026531837 });
    const d = ok(ns.clone(1));
    ok(ns.setns(d.pid, net));
    ns.release(net);
    expect(ns.nsLink(d.pid, 'net')).toBe(`net:[${net}]`);
    ns.exit(d.pid);
    expect(() => ns.namespaceInfo(net)).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    expect(() => ns.release(net)).toThrow(/no hold to release/);
  });

  it('an exited process keeps only its pid and user links; a pid namespace outlives its processes while a child holds it', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const c = ok(ns.clone(1, { flags: cloneFlags('pid', 'uts') }));
    const inner = ok(ns.clone(c.pid, { flags: ['CLONE_NEWPID'] }));
    const outerPid = ns.namespaceOf(c.pid, 'pid');
    ns.exit(inner.pid);
    expect(ns.nsLink(inner.pid, 'uts')).toBeUndefined();
    expect(ns.nsLink(inner.pid, 'pid')).toBe(`pid:[${ns.namespaceOf(inner.pid, 'pid')}]`);
    expect(ns.nsLink(inner.pid, 'user')).toBe('user:[4026531837]');
    expect(() => ns.namespaceOf(inner.pid, 'net')).toThrow(expect.objectContaining({ code: 'E_INVALID_TRANSITION' }));
    expect(ns.namespaceInfo(ns.namespaceOf(inner.pid, 'pid'))).toMatchObject({ parent: outerPid, level: 2 });
  });

  it('bad input is refused and changes nothing', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const before = ns.namespaces();
    expect(() => ns.clone(1, { flags: ['CLONE_NEWTIME' as 'CLONE_NEWPID'] })).toThrow(/flags\[0\] "CLONE_NEWTIME" is not a namespace flag: use CLONE_NEWCGROUP, CLONE_NEWIPC/);
    expect(() => ns.clone(1, { flags: ['CLONE_NEWCGROUP'] })).toThrow(/cgroupPath is missing/);
    expect(() => ns.clone(1, { flags: ['CLONE_NEWCGROUP'], cgroupPath: 'a/b' })).toThrow(/is not a cgroup path/);
    expect(() => ns.setns(1, 12345)).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    expect(() => ns.spawnInit()).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
    expect(ns.namespaces()).toEqual(before);
    expect(ns.ps({ viewer: 1 })).toHaveLength(1);
  });
});
