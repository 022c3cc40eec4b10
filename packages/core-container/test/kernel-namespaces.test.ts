// Namespaces through the kernel: what a process inside a container sees (ps, /proc/PID/ns,
// /proc/PID/cgroup) against what the host sees, and PID 1's signal and death rules.
import { describe, expect, it } from 'vitest';
import { parseProgram } from '@strata/shared-types';
import { createNetworkModel } from '@strata/core-network';
import { createKernel } from '../src/index.js';

const S = 1_000_000;

describe('pid namespaces', () => {
  it('a container init sees itself as PID 1 and its children as 2, 3; the host sees global PIDs', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const host = k.spawn({ name: 'hostproc', program: parseProgram([{ sleep: '10s' }]) });
    const init = k.spawn({ name: 'init', program: parseProgram([{ fork: { count: 2, program: [{ sleep: '5s' }] } }, { wait: 'all' }]), namespaces: { pid: 'private' } });
    const inside = k.ps(init);
    expect(inside.map((e) => [e.pid, e.ppid, e.name])).toEqual([
      [1, 0, 'init'],
      [2, 1, 'init'],
      [3, 1, 'init'],
    ]);
    expect(k.process(init).nspid).toEqual([init, 1]);
    const fromHost = k.ps(host).map((e) => e.pid);
    expect(fromHost).toEqual(expect.arrayContaining([host, init, ...inside.slice(1).map((e) => e.globalPid)]));
    expect(k.nsLink(init, 'pid')).not.toBe(k.nsLink(host, 'pid'));
    expect(k.nsLink(init, 'net')).toBe(k.nsLink(host, 'net'));
  });

  it('a handler-less PID 1 ignores SIGTERM even from the host; SIGKILL kills it and everyone in its namespace', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const init = k.spawn({ name: 'init', program: parseProgram([{ fork: { count: 2, program: [{ sleep: '100s' }] } }, { sleep: '100s' }]), namespaces: { pid: 'private' } });
    const children = k.ps(init).slice(1).map((e) => e.globalPid);
    k.kill(init, 'SIGTERM');
    expect(k.process(init).exit).toBeNull();
    // A plain process (not an init) dies of the same signal.
    k.kill(children[0]!, 'SIGTERM');
    expect(k.process(children[0]!).exit).toEqual({ signal: 'SIGTERM' });
    k.kill(init, 'SIGKILL');
    expect(k.process(init).exit).toEqual({ signal: 'SIGKILL' });
    expect(k.process(children[1]!).exit).toEqual({ signal: 'SIGKILL' });
    k.advanceTo(S);
    expect(k.processes().every((p) => p.state === 'zombie')).toBe(true);
  });

  it('an init with a TERM handler gets SIGTERM', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const init = k.spawn({ name: 'init', program: parseProgram([{ signal: { TERM: [{ print: 'bye' }, { exit: 0 }] } }, { sleep: '100s' }]), namespaces: { pid: 'private' } });
    k.kill(init, 'SIGTERM');
    expect(k.process(init).exit).toEqual({ code: 0 });
    expect(k.process(init).output.map((l) => l.text)).toEqual(['bye']);
  });

  it('orphans inside a container go to its init, not the host init', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    // init forks a child that forks a grandchild and exits at once; the grandchild is adopted by init.
    const init = k.spawn({
      name: 'init',
      program: parseProgram([{ fork: { count: 1, program: [{ fork: { count: 1, program: [{ sleep: '1s' }] } }, { exit: 0 }] } }, { sleep: '100ms' }, { wait: 'all' }, { print: 'reaped all' }]),
      namespaces: { pid: 'private' },
    });
    const grandchild = k.ps(init).find((e) => e.pid === 3)!;
    k.advanceTo(S / 2);
    expect(k.ps(init).find((e) => e.globalPid === grandchild.globalPid)!.ppid).toBe(1);
    k.advanceTo(3 * S);
    expect(k.process(init).output.map((l) => l.text)).toEqual(['reaped all']);
  });
});

describe('other namespaces', () => {
  it('shared namespaces show the same /proc/PID/ns link; private ones a new inode', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const a = k.spawn({ name: 'a', program: parseProgram([{ sleep: '10s' }]), namespaces: { net: 'private', uts: 'private', ipc: 'private' } });
    const b = k.spawn({ name: 'b', program: parseProgram([{ sleep: '10s' }]), namespaces: { net: { shareWith: a }, ipc: { shareWith: a } } });
    expect(k.nsLink(b, 'net')).toBe(k.nsLink(a, 'net'));
    expect(k.nsLink(b, 'ipc')).toBe(k.nsLink(a, 'ipc'));
    expect(k.nsLink(b, 'uts')).not.toBe(k.nsLink(a, 'uts'));
    expect(k.nsLink(a, 'net')).toMatch(/^net:\[\d+\]$/);
  });

  it('a private cgroup namespace reads its own cgroup as 0::/', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    k.mkdir('/pods');
    k.mkdir('/pods/c1');
    const host = k.spawn({ name: 'h', program: parseProgram([{ sleep: '10s' }]) });
    const c = k.spawn({ name: 'c', cgroup: '/pods/c1', program: parseProgram([{ sleep: '10s' }]), namespaces: { cgroup: 'private' } });
    expect(k.procCgroup(c, c)).toBe('0::/\n');
    expect(k.procCgroup(host, c)).toBe('0::/pods/c1\n');
  });
});

describe('uts and mnt as seen from inside', () => {
  it('a container has its own hostname and root file system; the host keeps its own; writes under a ro bind fail with EROFS', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const host = k.spawn({ name: 'h', program: parseProgram([{ sleep: '10s' }]) });
    const c = k.spawn({
      name: 'c',
      program: parseProgram([{ sleep: '10s' }]),
      namespaces: { uts: 'private', mnt: 'private' },
      hostname: 'web-1',
      rootfs: { mountPoint: '/', source: { kind: 'overlay', lowerLayers: ['app', 'debian'], upperLayer: 'c-rw' } },
      mounts: [{ mountPoint: '/config', source: { kind: 'bind', hostPath: '/srv/c' }, readOnly: true }],
    });
    expect(k.uname(c).hostname).toBe('web-1');
    expect(k.uname(host).hostname).not.toBe('web-1');
    expect(k.mounts(c).map((m) => m.mountPoint)).toEqual(['/', '/config']);
    expect(k.mounts(host).map((m) => m.mountPoint)).toEqual(['/']);
    expect(k.resolvePath(c, '/config/app.yaml')).toMatchObject({ subPath: '/app.yaml', write: 'EROFS' });
    expect(k.resolvePath(c, '/var/log/x')).toMatchObject({ write: 'allowed' });
  });

  it('refuses a hostname or mounts without their own namespace, changing nothing', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    expect(() => k.spawn({ name: 'x', program: parseProgram([]), hostname: 'oops' })).toThrow(/uts namespace/);
    expect(() => k.spawn({ name: 'x', program: parseProgram([]), mounts: [{ mountPoint: '/d', source: { kind: 'tmpfs' } }] })).toThrow(/mount namespace/);
    expect(k.processes()).toHaveLength(0);
  });
});

describe('DNS as seen from inside', () => {
  it('a process linked to a network namespace resolves the names of its user-defined network, not others', () => {
    const net = createNetworkModel();
    net.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1_250_000_000, latency: 50 } });
    net.createNetwork({ name: 'front', host: 'h1' });
    net.createNetwork({ name: 'back', host: 'h1' });
    for (const name of ['web', 'db', 'other']) net.createNamespace({ name, host: 'h1' });
    net.attach({ namespace: 'web', network: 'back' });
    net.attach({ namespace: 'db', network: 'back' });
    net.attach({ namespace: 'other', network: 'front' });
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: net });
    const web = k.spawn({ name: 'web', program: parseProgram([{ sleep: '1s' }]), namespaces: { net: 'private' }, network: 'web' });
    const other = k.spawn({ name: 'other', program: parseProgram([{ sleep: '1s' }]), namespaces: { net: 'private' }, network: 'other' });
    const fromWeb = k.resolve(web, 'db');
    const fromOther = k.resolve(other, 'db');
    expect(fromWeb).toEqual(net.resolve('web', 'db'));
    expect(JSON.stringify(fromWeb)).toContain('172.18.0.3');
    expect(JSON.stringify(fromOther)).not.toContain('172.18.0.3');
    const host = k.spawn({ name: 'h', program: parseProgram([{ sleep: '1s' }]) });
    expect(() => k.resolve(host, 'db')).toThrow(/network namespace link/);
  });
});

describe('user namespaces: ids as each side sees them', () => {
  it('root inside a user namespace mapped to 100000 is an unprivileged id outside; a child inherits it', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const host = k.spawn({ name: 'h', program: parseProgram([{ sleep: '10s' }]), user: { uid: 1000, gid: 1000 } });
    const c = k.spawn({
      name: 'c',
      program: parseProgram([{ fork: { count: 1, program: [{ sleep: '10s' }] } }, { sleep: '10s' }]),
      namespaces: { user: 'private' },
      idMaps: { uid: '0 100000 65536', gid: '0 100000 65536' },
    });
    expect(k.credentials(host)).toEqual({ uid: 1000, gid: 1000 });
    expect(k.credentials(c)).toEqual({ uid: 100000, gid: 100000 });
    expect(k.credentials(c, c)).toEqual({ uid: 0, gid: 0 });
    // Seen from inside, a host user the map does not cover is nobody (overflowuid 65534).
    expect(k.credentials(host, c)).toEqual({ uid: 65534, gid: 65534 });
    const child = k.processes().find((p) => p.name === 'c' && p.pid !== c)!;
    expect(k.credentials(child.pid, c)).toEqual({ uid: 0, gid: 0 });
    expect(k.credentials(child.pid)).toEqual({ uid: 100000, gid: 100000 });
  });

  it('an id the namespace does not map is refused before anything is made', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    expect(() => k.spawn({ name: 'c', program: parseProgram([]), namespaces: { user: 'private' }, idMaps: { uid: '0 100000 10', gid: '0 100000 10' }, user: { uid: 20, gid: 0 } })).toThrow(/user\.uid 20 is not mapped/);
    expect(() => k.spawn({ name: 'c', program: parseProgram([]), idMaps: { uid: '0 1 1', gid: '0 1 1' } })).toThrow(/own user namespace/);
    expect(k.processes()).toHaveLength(0);
  });
});

describe('joining another process\'s pid namespace (docker exec, --pid container:x)', () => {
  const S = 1_000_000;
  it('the joiner is numbered in the shared namespace, sees its processes, and its parent is outside (ppid 0)', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const init = k.spawn({ name: 'init', program: parseProgram([{ sleep: '10s' }]), namespaces: { pid: 'private' } });
    const exec = k.spawn({ name: 'exec', program: parseProgram([{ sleep: '5s' }]), namespaces: { pid: { shareWith: init } } });
    expect(k.process(exec).nspid).toEqual([exec, 2]);
    expect(k.nsLink(exec, 'pid')).toBe(k.nsLink(init, 'pid'));
    const seen = k.ps(exec).map((e) => [e.pid, e.ppid, e.name]);
    expect(seen).toEqual([
      [1, 0, 'init'],
      [2, 0, 'exec'],
    ]);
    // The host's own pid namespace is untouched: the next host process is numbered there only.
    const host = k.spawn({ name: 'host', program: parseProgram([{ sleep: '1s' }]) });
    expect(k.process(host).nspid).toEqual([host]);
    expect(k.nsLink(host, 'pid')).not.toBe(k.nsLink(init, 'pid'));
  });

  it('the namespace\'s init exiting kills the joiner; joining it afterwards fails (ENOMEM)', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const init = k.spawn({ name: 'init', program: parseProgram([{ sleep: '1s' }]), namespaces: { pid: 'private' } });
    const exec = k.spawn({ name: 'exec', program: parseProgram([{ sleep: '5s' }]), namespaces: { pid: { shareWith: init } } });
    const watcher = k.spawn({ name: 'w', program: parseProgram([{ sleep: '10s' }]), namespaces: { pid: { shareWith: init } } });
    k.advanceTo(2 * S);
    expect(k.process(exec).exit).toEqual({ signal: 'SIGKILL' });
    expect(k.process(watcher).exit).toEqual({ signal: 'SIGKILL' });
    expect(() => k.spawn({ name: 'late', program: parseProgram([{ sleep: '1s' }]), namespaces: { pid: { shareWith: init } } })).toThrow();
  });
});
