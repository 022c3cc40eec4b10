// What a process sees through its mnt, uts, cgroup and net namespaces, from inside and outside.
import { describe, expect, it } from 'vitest';
import { cloneFlags, createNamespaceModel, procCgroupLine, resolveInTable, type MountSpec, type NamespaceModel } from '../src/index.ts';
import { ok } from './syscall-ok.ts';

const rootfs: MountSpec = { mountPoint: '/', source: { kind: 'overlay', lowerLayers: ['sha256:app', 'sha256:debian'], upperLayer: 'c1-rw' } };

function container(): { ns: NamespaceModel; c: number } {
  const ns = createNamespaceModel({ hostname: 'host-a', mounts: [{ mountPoint: '/', source: { kind: 'device', device: '/dev/sda1' } }, { mountPoint: '/srv/data', source: { kind: 'device', device: '/dev/sdb1' } }] });
  ns.spawnInit();
  const c = ok(ns.clone(1, { flags: cloneFlags('mnt', 'uts', 'pid', 'ipc', 'net', 'cgroup'), cgroupPath: '/system.slice/docker-c1.scope' })).pid;
  return { ns, c };
}

describe('mount namespaces', () => {
  it('a new mount namespace starts as a copy of its parent\'s table; later mounts stay on their side', () => {
    const { ns, c } = container();
    expect(ns.mounts(c)).toEqual(ns.mounts(1));
    ns.pivotRoot(c, rootfs);
    ns.mount(c, { mountPoint: '/var/lib/data', source: { kind: 'volume', volume: 'pgdata' } });
    ns.mount(c, { mountPoint: '/etc/config', source: { kind: 'bind', hostPath: '/srv/config' }, readOnly: true });
    expect(ns.mounts(c).map((m) => m.mountPoint)).toEqual(['/', '/var/lib/data', '/etc/config']);
    expect(ns.mounts(1).map((m) => m.mountPoint)).toEqual(['/', '/srv/data']);
    expect(ns.resolvePath(1, '/var/lib/data/x').mount.source).toEqual({ kind: 'device', device: '/dev/sda1' });
  });

  it('resolves a path to the longest mount point, and refuses writes under read-only mounts with EROFS', () => {
    const { ns, c } = container();
    ns.pivotRoot(c, rootfs);
    ns.mount(c, { mountPoint: '/var/lib/data', source: { kind: 'volume', volume: 'pgdata' } });
    ns.mount(c, { mountPoint: '/etc/config', source: { kind: 'bind', hostPath: '/srv/config' }, readOnly: true });
    expect(ns.resolvePath(c, '/var/lib/data/base/1')).toMatchObject({ mount: { mountPoint: '/var/lib/data' }, subPath: '/base/1', write: 'allowed' });
    expect(ns.resolvePath(c, '/var/lib/database')).toMatchObject({ mount: { mountPoint: '/' }, subPath: '/var/lib/database', write: 'allowed' });
    expect(ns.resolvePath(c, '/etc/config/app.yaml')).toMatchObject({ subPath: '/app.yaml', write: 'EROFS' });
    expect(ns.resolvePath(c, '/etc/config/../passwd')).toMatchObject({ mount: { mountPoint: '/' }, subPath: '/etc/passwd' });
    expect(ns.resolvePath(c, '/etc/config')).toMatchObject({ subPath: '/', write: 'EROFS' });
  });

  it('a read-only root (docker --read-only) refuses writes except on what is mounted over it', () => {
    const { ns, c } = container();
    ns.pivotRoot(c, { ...rootfs, readOnly: true });
    ns.mount(c, { mountPoint: '/tmp', source: { kind: 'tmpfs' } });
    expect(ns.resolvePath(c, '/usr/bin/x').write).toBe('EROFS');
    expect(ns.resolvePath(c, '/tmp/x').write).toBe('allowed');
    // An overlay without a writable layer is read-only however it is mounted.
    expect(resolveInTable([{ mountPoint: '/', source: { kind: 'overlay', lowerLayers: ['l'] }, readOnly: false }], '/a')?.write).toBe('EROFS');
  });

  it('a later mount at the same point hides the earlier; unmounting uncovers it; busy and missing mounts are refused', () => {
    const { ns, c } = container();
    ns.mount(c, { mountPoint: '/srv/data', source: { kind: 'tmpfs' } });
    expect(ns.resolvePath(c, '/srv/data/f').mount.source.kind).toBe('tmpfs');
    ns.mount(c, { mountPoint: '/srv/data/sub', source: { kind: 'tmpfs' } });
    expect(() => ns.umount(c, '/srv/data')).toThrow(/cannot unmount \/srv\/data \(EBUSY\): \/srv\/data\/sub is mounted on it/);
    ns.umount(c, '/srv/data/sub');
    ns.umount(c, '/srv/data');
    expect(ns.resolvePath(c, '/srv/data/f').mount.source).toEqual({ kind: 'device', device: '/dev/sdb1' });
    expect(() => ns.umount(c, '/nope')).toThrow(/"\/nope" is not a mount point \(EINVAL\)/);
    expect(() => ns.umount(c, '/')).toThrow(/EBUSY/);
    expect(() => ns.mount(c, { mountPoint: 'relative', source: { kind: 'tmpfs' } })).toThrow(/mountPoint "relative" is not an absolute path/);
    expect(() => ns.mount(c, { mountPoint: '/x', source: { kind: 'overlay', lowerLayers: [] } })).toThrow(/source.lowerLayers is empty/);
  });

  it('processes sharing a mount namespace see each other\'s mounts', () => {
    const { ns, c } = container();
    const sibling = ok(ns.clone(c)).pid;
    ns.mount(sibling, { mountPoint: '/mnt', source: { kind: 'tmpfs' } });
    expect(ns.resolvePath(c, '/mnt/a').mount.source.kind).toBe('tmpfs');
  });
});

describe('uts namespaces', () => {
  it('sethostname is seen by every sharer and by no one else', () => {
    const { ns, c } = container();
    const worker = ok(ns.clone(c)).pid;
    ns.sethostname(worker, 'c1');
    ns.setdomainname(c, 'example.internal');
    expect(ns.uname(c)).toEqual({ hostname: 'c1', domainname: 'example.internal' });
    expect(ns.uname(1)).toEqual({ hostname: 'host-a', domainname: '(none)' });
    const fresh = ok(ns.clone(c, { flags: ['CLONE_NEWUTS'] })).pid;
    expect(ns.uname(fresh).hostname).toBe('c1'); // a new UTS namespace starts as a copy
    ns.sethostname(fresh, 'other');
    expect(ns.uname(c).hostname).toBe('c1');
  });

  it('refuses a name over 64 bytes (EINVAL) and keeps the old one', () => {
    const { ns, c } = container();
    ns.sethostname(c, 'a'.repeat(64));
    expect(() => ns.sethostname(c, 'a'.repeat(65))).toThrow(/is 65 bytes long \(EINVAL\): at most 64 bytes are accepted/);
    expect(() => ns.sethostname(c, 'é'.repeat(33))).toThrow(/66 bytes/);
    expect(ns.uname(c).hostname).toBe('a'.repeat(64));
  });
});

describe('cgroup namespaces', () => {
  it('inside, the own cgroup is "/"; the host sees the full path; a sibling container is "/../x"', () => {
    const { ns, c } = container();
    expect(ns.procCgroup(c, '/system.slice/docker-c1.scope')).toBe('0::/\n');
    expect(ns.procCgroup(c, '/system.slice/docker-c1.scope/worker')).toBe('0::/worker\n');
    expect(ns.procCgroup(1, '/system.slice/docker-c1.scope')).toBe('0::/system.slice/docker-c1.scope\n');
    expect(ns.procCgroup(c, '/system.slice/docker-c2.scope/sub')).toBe('0::/../docker-c2.scope/sub\n');
    expect(ns.procCgroup(c, '/')).toBe('0::/../..\n');
    expect(procCgroupLine('/batchjobs/container_id1', '/batchjobs/container_id2/sub_cgrp_1')).toBe('0::/../container_id2/sub_cgrp_1\n');
  });

  it('the root is the creator\'s cgroup when the namespace is made, by clone or unshare', () => {
    const { ns, c } = container();
    const child = ok(ns.clone(c)).pid;
    ok(ns.unshare(child, { flags: ['CLONE_NEWCGROUP'], cgroupPath: '/system.slice/docker-c1.scope/job' }));
    expect(ns.procCgroup(child, '/system.slice/docker-c1.scope/job')).toBe('0::/\n');
    expect(ns.procCgroup(c, '/system.slice/docker-c1.scope/job')).toBe('0::/job\n');
  });
});

describe('net namespaces', () => {
  it('carry the core-network namespace the kernel links them to; sharers see the same one', () => {
    const { ns, c } = container();
    const netNs = ns.namespaceOf(c, 'net');
    expect(ns.networkNamespaceOf(c)).toBeUndefined();
    ns.setNetworkNamespace(netNs, 'web');
    const worker = ok(ns.clone(c)).pid;
    expect(ns.networkNamespaceOf(worker)).toBe('web');
    expect(ns.networkNamespaceOf(1)).toBeUndefined();
    expect(() => ns.setNetworkNamespace(ns.namespaceOf(c, 'uts'), 'web')).toThrow(/is a uts namespace: pass a net namespace's inode/);
  });
});
