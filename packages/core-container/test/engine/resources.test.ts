// Limits into /docker/<id> cgroup files, pause via the freezer, docker update, exec, top, ports,
// networks and mounts.
import { describe, expect, it } from 'vitest';
import { rig, S, testImages } from './engine-fixture.js';
import { createKernel } from '../../src/index.js';
import { createContainerEngine } from '../../src/engine/create-container-engine.js';
import { cpuSharesToWeight, swapMax } from '../../src/engine/cgroup-limits.js';

const MiB = 2 ** 20;

describe('cgroup setup from limits', () => {
  it('/docker/<id> with controllers enabled, each flag in its file', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'idle', name: 'lim', memory: 64 * MiB, memorySwap: 96 * MiB, memoryReservation: 32 * MiB, cpus: 1500, cpuShares: 512, cpusetCpus: '1', pidsLimit: 20, oomScoreAdj: 500 });
    const cg = `/docker/${id}`;
    const k = engine.kernel;
    expect(engine.inspect('lim').CgroupPath).toBe(cg);
    expect(k.read('/docker', 'cgroup.subtree_control').trim().split(' ')).toEqual(expect.arrayContaining(['cpu', 'memory', 'pids', 'cpuset']));
    expect(k.read(cg, 'memory.max').trim()).toBe(String(64 * MiB));
    expect(k.read(cg, 'memory.swap.max').trim()).toBe(String(32 * MiB));
    expect(k.read(cg, 'memory.low').trim()).toBe(String(32 * MiB));
    expect(k.read(cg, 'cpu.max').trim()).toBe('150000 100000');
    expect(k.read(cg, 'cpu.weight').trim()).toBe('59');
    expect(k.read(cg, 'cpuset.cpus').trim()).toBe('1');
    expect(k.read(cg, 'pids.max').trim()).toBe('20');
    const pid = engine.inspect('lim').State.Pid;
    expect(k.process(pid).oomScoreAdj).toBe(500);
    expect(k.process(pid).cgroup).toBe(cg);
  });

  it('--memory alone gives swap = memory (memory-swap 2× memory); -1 is unlimited; unset limits stay at the defaults', () => {
    const { engine } = rig();
    const a = engine.run({ image: 'idle', memory: 64 * MiB });
    const b = engine.run({ image: 'idle', memory: 64 * MiB, memorySwap: -1 });
    const c = engine.run({ image: 'idle' });
    expect(engine.kernel.read(`/docker/${a}`, 'memory.swap.max').trim()).toBe(String(64 * MiB));
    expect(engine.kernel.read(`/docker/${b}`, 'memory.swap.max').trim()).toBe('max');
    expect(engine.kernel.read(`/docker/${c}`, 'memory.max').trim()).toBe('max');
    expect(engine.kernel.read(`/docker/${c}`, 'cpu.weight').trim()).toBe('100');
    expect(engine.inspect(a).HostConfig.MemorySwap).toBe(128 * MiB);
  });

  it('cpu shares → weight by runc ≥ 1.3.2 (reference §4)', () => {
    expect([2, 128, 512, 1024, 2048, 262144, 0].map(cpuSharesToWeight)).toEqual([1, 21, 59, 100, 174, 10000, 0]);
    expect(swapMax(undefined, undefined)).toBeNull();
  });

  it('the cgroup goes when the container stops, and comes back (fresh) at the next start', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'idle', name: 'i1', memory: 64 * MiB });
    engine.kill('i1');
    expect(engine.kernel.cgroups()).not.toContain(`/docker/${id}`);
    engine.start('i1');
    expect(engine.kernel.read(`/docker/${id}`, 'memory.max').trim()).toBe(String(64 * MiB));
  });

  it('device I/O limits → io.max', () => {
    const kernel = createKernel({ cpus: 1, memory: 2 ** 30, devices: { sda: { id: '8:0' } } });
    const engine = createContainerEngine({ kernel, images: testImages(), devices: { sda: '8:0' } });
    const id = engine.run({ image: 'idle', deviceIo: [{ device: '/dev/sda', kind: 'rbps', value: 1048576 }, { device: '8:0', kind: 'wiops', value: 100 }] });
    expect(engine.kernel.read(`/docker/${id}`, 'io.max')).toContain('8:0 rbps=1048576 wbps=max riops=max wiops=100');
  });
});

describe('pause', () => {
  it('freezes the cgroup: CPU usage stops advancing; unpause resumes; ps says (Paused)', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'batch', name: 'b1', command: 'spin' });
    engine.advanceTo(2 * S);
    const usage = () => Number(/usage_usec (\d+)/.exec(engine.kernel.read(`/docker/${id}`, 'cpu.stat'))![1]);
    const u1 = usage();
    expect(u1).toBeGreaterThan(1_900_000);
    engine.pause('b1');
    expect(engine.kernel.read(`/docker/${id}`, 'cgroup.freeze').trim()).toBe('1');
    engine.advanceTo(7 * S);
    expect(usage()).toBe(u1);
    expect(engine.inspect('b1').State).toMatchObject({ Status: 'paused', Running: true, Paused: true });
    expect(engine.ps()[0]!.statusText).toBe('Up 7 seconds (Paused)');
    engine.unpause('b1');
    engine.advanceTo(8 * S);
    expect(usage()).toBeGreaterThan(u1 + 900_000);
    expect(engine.ps()[0]!.statusText).toBe('Up 8 seconds');
  });
});

describe('docker update', () => {
  it('changes limits of a running container live, and of a stopped one for its next start', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'idle', name: 'u1', memory: 64 * MiB });
    engine.update('u1', { memory: 128 * MiB, memorySwap: 256 * MiB, cpus: 500, cpuShares: 2048, pidsLimit: 7 });
    const cg = `/docker/${id}`;
    expect(engine.kernel.read(cg, 'memory.max').trim()).toBe(String(128 * MiB));
    expect(engine.kernel.read(cg, 'memory.swap.max').trim()).toBe(String(128 * MiB));
    expect(engine.kernel.read(cg, 'cpu.max').trim()).toBe('50000 100000');
    expect(engine.kernel.read(cg, 'cpu.weight').trim()).toBe('174');
    expect(engine.kernel.read(cg, 'pids.max').trim()).toBe('7');
    expect(engine.inspect('u1').HostConfig).toMatchObject({ Memory: 128 * MiB, NanoCpus: 500_000_000, CpuShares: 2048, PidsLimit: 7 });
    expect(engine.takeEvents().map((e) => e.action)).toEqual(['create', 'start', 'update']);
    engine.kill('u1');
    engine.update('u1', { pidsLimit: 9 });
    engine.start('u1');
    expect(engine.kernel.read(cg, 'pids.max').trim()).toBe('9');
  });

  it('a refused update changes nothing (Docker\'s texts)', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'idle', name: 'u1', memory: 64 * MiB, memorySwap: 128 * MiB });
    const before = engine.inspect('u1');
    expect(() => engine.update('u1', { memory: 256 * MiB })).toThrow('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    expect(() => engine.update('u1', { memory: 1024 })).toThrow('Minimum memory limit allowed is 6MB');
    expect(() => engine.update('u1', { cpusetCpus: '7' })).toThrow(/cpuset\.cpus/);
    expect(engine.inspect('u1')).toEqual(before);
    expect(engine.kernel.read(`/docker/${id}`, 'memory.max').trim()).toBe(String(64 * MiB));
  });

  it('accepts Docker\'s words too', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'idle', name: 'u1' });
    engine.update('u1', { memory: '64m', 'pids-limit': 5 });
    expect(engine.kernel.read(`/docker/${id}`, 'memory.max').trim()).toBe(String(64 * MiB));
    expect(engine.kernel.read(`/docker/${id}`, 'pids.max').trim()).toBe('5');
  });
});

describe('exec and top', () => {
  it('exec joins every namespace and the cgroup of the container; top lists host pids', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'idle', name: 'e1' });
    const init = engine.inspect('e1').State.Pid;
    const x = engine.exec('e1', { command: 'sh' });
    const k = engine.kernel;
    for (const t of ['pid', 'net', 'mnt', 'uts', 'ipc', 'cgroup'] as const) expect(k.nsLink(x.globalPid, t)).toBe(k.nsLink(init, t));
    expect(x.pid).toBe(2);
    expect(k.process(x.globalPid).cgroup).toBe(`/docker/${id}`);
    expect(k.uname(x.globalPid).hostname).toBe(id.slice(0, 12));
    expect(engine.top('e1').map((p) => p.pid)).toEqual([init, x.globalPid]);
    expect(engine.takeEvents().map((e) => e.action)).toEqual(['create', 'start', 'exec_create', 'exec_start']);
    // An exec'd process ends with the container (runc kills the cgroup).
    engine.kill('e1');
    expect(k.process(x.globalPid).state).toBe('zombie');
    expect(engine.takeEvents().map((e) => e.action)).toEqual(['kill', 'exec_die', 'die']);
  });

  it('exec_die carries the exit code', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'e1' });
    const x = engine.exec('e1', { command: 'quick' });
    const die = engine.takeEvents().find((e) => e.action === 'exec_die')!;
    expect(die.attributes).toMatchObject({ execID: x.execId, exitCode: '3' });
    expect(x.execId).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('networks, ports, mounts', () => {
  it('-p publishes on the host through core-network; ps shows Docker\'s PORTS text; the port is freed at exit', () => {
    const { engine, net } = rig();
    engine.run({ image: 'web', name: 'web', ports: ['8080:80', '127.0.0.1:9000-9001:90-91/udp'] });
    expect(engine.ps()[0]!.ports).toBe('0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 127.0.0.1:9000->90/udp, 127.0.0.1:9001->91/udp');
    expect(engine.inspect('web').NetworkSettings.Networks.bridge!.IPAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    engine.create({ image: 'web', name: 'web2', ports: ['8080:80'] });
    const before = engine.inspect('web2');
    expect(() => engine.start('web2')).toThrow(/port is already allocated/);
    expect(engine.inspect('web2')).toEqual(before);
    engine.stop('web');
    expect(net.snapshot().publications.flatMap((p) => p.bindings)).toEqual([]);
    engine.start('web2');
    expect(engine.ps()[0]!.ports).toBe('0.0.0.0:8080->80/tcp, [::]:8080->80/tcp');
  });

  it('--network container:x joins x\'s net namespace; with -p it is refused with Docker\'s text', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'main' });
    engine.run({ image: 'idle', name: 'side', networkMode: 'container:main' });
    const k = engine.kernel;
    expect(k.nsLink(engine.inspect('side').State.Pid, 'net')).toBe(k.nsLink(engine.inspect('main').State.Pid, 'net'));
    expect(() => engine.create({ image: 'idle', networkMode: 'container:main', ports: ['80:80'] })).toThrow('conflicting options: port publishing and the container type network mode');
    expect(() => engine.create({ image: 'idle', network: 'container:main', publish: ['80:80'] })).toThrow('conflicting options: port publishing and the container type network mode');
  });

  it('user networks: the container\'s name and aliases resolve from another container there', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'db', networks: [{ name: 'app', aliases: ['database'] }] });
    engine.run({ image: 'idle', name: 'api', networks: [{ name: 'app' }] });
    const ip = engine.inspect('db').NetworkSettings.Networks.app!.IPAddress;
    const api = engine.inspect('api').State.Pid;
    for (const n of ['db', 'database']) expect(JSON.stringify(engine.kernel.resolve(api, n))).toContain(ip);
  });

  it('rootfs is the image layers under a writable layer; volumes and binds mount where asked, read-only when asked', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'idle', name: 'm1', mounts: [{ type: 'bind', source: '/srv/conf', destination: '/etc/app', readOnly: true }, { type: 'volume', source: 'data', destination: '/data', readOnly: false }] });
    const pid = engine.inspect('m1').State.Pid;
    const mounts = engine.kernel.mounts(pid);
    expect(mounts[0]).toMatchObject({ mountPoint: '/', source: { kind: 'overlay', upperLayer: `${id}-rw` } });
    expect(engine.kernel.resolvePath(pid, '/etc/app/x').write).toBe('EROFS');
    expect(engine.kernel.resolvePath(pid, '/data/x').write).toBe('allowed');
    expect(engine.kernel.resolvePath(pid, '/var/x').write).toBe('allowed');
  });
});

describe('joining another container', () => {
  it('needs it running; a refused start changes nothing', () => {
    const { engine } = rig();
    engine.create({ image: 'idle', name: 'main' });
    engine.create({ image: 'idle', name: 'side', networkMode: 'container:main', pidMode: 'container:main' });
    const before = engine.inspect('side');
    const cgroups = engine.kernel.cgroups();
    expect(() => engine.start('side')).toThrow('cannot join network of a non running container: main');
    expect(engine.inspect('side')).toEqual(before);
    expect(engine.kernel.cgroups()).toEqual(cgroups);
    engine.start('main');
    engine.start('side');
    const k = engine.kernel;
    const [a, b] = [engine.inspect('main').State.Pid, engine.inspect('side').State.Pid];
    expect(k.nsLink(b, 'pid')).toBe(k.nsLink(a, 'pid'));
    expect(k.nsLink(b, 'net')).toBe(k.nsLink(a, 'net'));
    expect(k.nsLink(b, 'mnt')).not.toBe(k.nsLink(a, 'mnt'));
  });
});

describe('a child cgroup made inside a container\'s', () => {
  it('keeps the cgroup at exit (EBUSY, as for runc) and the next start uses it again', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'idle', name: 'i1', pidsLimit: 9 });
    engine.kernel.mkdir(`/docker/${id}/sub`);
    engine.kill('i1');
    expect(engine.inspect('i1').State.Status).toBe('exited');
    expect(engine.kernel.cgroups()).toContain(`/docker/${id}`);
    engine.start('i1');
    expect(engine.inspect('i1').State.Status).toBe('running');
  });
});

describe('a docker restart whose start fails after the stop', () => {
  it('leaves the container exited with the reason in State.Error (no throw out of advanceTo)', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'main' });
    engine.run({ image: 'idle', name: 'side', networkMode: 'container:main' });
    engine.restart('side', { timeout: 1 });
    engine.kill('main');
    engine.takeEvents();
    const events = engine.advanceTo(2 * S);
    expect(events.map((e) => `${e.time} ${e.action} ${e.attributes.name}`)).toEqual(['1000000 kill side', '1000000 die side', '1000000 stop side']);
    expect(engine.inspect('side').State).toMatchObject({ Status: 'exited', ExitCode: 137, Error: 'cannot join network of a non running container: main' });
  });
});
