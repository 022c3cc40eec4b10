// docker stop / kill / exit codes / OOM, and the events they produce in Docker's order.
import { describe, expect, it } from 'vitest';
import { micros } from '@strata/shared-types';
import { rig, S, MS, testImages } from './engine-fixture.js';
import { createKernel } from '../../src/index.js';
import { createContainerEngine } from '../../src/engine/create-container-engine.js';
import type { ContainerEvent } from '../../src/engine/types.js';

const brief = (events: readonly ContainerEvent[]) => events.map((e) => `${e.time} ${e.action}${e.attributes.signal !== undefined ? ` signal=${e.attributes.signal}` : ''}${e.attributes.exitCode !== undefined ? ` exitCode=${e.attributes.exitCode}` : ''}`);

describe('docker stop', () => {
  it('a handler-less PID 1 ignores SIGTERM: stop waits the full 10 s, then SIGKILL, exit 137', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'idle1' });
    engine.advanceTo(S);
    engine.takeEvents();
    engine.stop('idle1');
    expect(engine.inspect('idle1').State.Status).toBe('running');
    expect(brief(engine.advanceTo(11 * S - 1))).toEqual(['1000000 kill signal=15']);
    expect(engine.inspect('idle1').State.Running).toBe(true);
    expect(brief(engine.advanceTo(12 * S))).toEqual(['11000000 kill signal=9', '11000000 die exitCode=137', '11000000 stop']);
    expect(engine.inspect('idle1').State).toMatchObject({ Status: 'exited', ExitCode: 137, Pid: 0, FinishedAt: 11 * S, OOMKilled: false });
  });

  it('--stop-timeout and stop -t set the wait; -1 waits forever', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'a1', stopTimeout: 3 });
    engine.run({ image: 'idle', name: 'b1' });
    engine.run({ image: 'idle', name: 'c1', stopTimeout: -1 });
    engine.stop('a1');
    engine.stop('b1', { timeout: 1 });
    engine.stop('c1');
    engine.advanceTo(100 * S);
    expect(engine.inspect('a1').State.FinishedAt).toBe(3 * S);
    expect(engine.inspect('b1').State.FinishedAt).toBe(S);
    expect(engine.inspect('c1').State.Running).toBe(true);
    engine.kill('c1');
    expect(engine.inspect('c1').State.ExitCode).toBe(137);
  });

  it('an init with a SIGTERM handler exits as its handler says, at once; logs show its lines', () => {
    const { engine } = rig();
    engine.run({ image: 'web', name: 'web' });
    engine.advanceTo(2 * S);
    engine.takeEvents();
    engine.stop('web');
    expect(brief(engine.takeEvents())).toEqual(['2000000 kill signal=15', '2000000 die exitCode=0', '2000000 stop']);
    expect(engine.inspect('web').State.ExitCode).toBe(0);
    expect(engine.logs('web').map((l) => `${l.time} ${l.text}`)).toEqual(['0 listening', '2000000 shutting down']);
    expect(engine.logs('web', { tail: 1 }).map((l) => l.text)).toEqual(['shutting down']);
    expect(engine.logs('web', { since: micros(S) }).map((l) => l.text)).toEqual(['shutting down']);
  });

  it('the image STOPSIGNAL (or --stop-signal) is what stop sends', () => {
    const { engine } = rig();
    engine.run({ image: 'quitter', name: 'q1' });
    engine.run({ image: 'web', name: 'w1', stopSignal: 'SIGUSR1' });
    engine.takeEvents();
    engine.stop('q1');
    expect(brief(engine.takeEvents())).toEqual(['0 kill signal=10', '0 die exitCode=7', '0 stop']);
    expect(engine.inspect('q1').Config.StopSignal).toBe('SIGUSR1');
    engine.stop('w1');
    // web has no USR1 handler and is PID 1: USR1 is ignored, SIGKILL after 10 s.
    engine.advanceTo(20 * S);
    expect(engine.inspect('w1').State).toMatchObject({ ExitCode: 137, FinishedAt: 10 * S });
  });

  it('stop of a paused container signals it and thaws it', () => {
    const { engine } = rig();
    engine.run({ image: 'web', name: 'web' });
    engine.pause('web');
    engine.stop('web');
    expect(engine.inspect('web').State).toMatchObject({ Status: 'exited', ExitCode: 0, Paused: false });
  });
});

describe('exit codes', () => {
  it('the program\'s own code; 128+n for a signal (137 SIGKILL, 143 SIGTERM where PID 1 is not a namespace init)', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'x1' });
    engine.run({ image: 'idle', name: 'k1' });
    engine.run({ image: 'idle', name: 'h1', pidMode: 'host' });
    engine.kill('k1');
    engine.kill('h1', 'SIGTERM');
    expect(engine.inspect('x1').State.ExitCode).toBe(1);
    expect(engine.inspect('k1').State.ExitCode).toBe(137);
    expect(engine.inspect('h1').State.ExitCode).toBe(143);
  });

  it('docker kill -s with a signal the init handles: it goes on running', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'k1' });
    engine.takeEvents();
    engine.kill('k1', 'SIGHUP');
    expect(brief(engine.takeEvents())).toEqual(['0 kill signal=1']);
    expect(engine.inspect('k1').State.Status).toBe('running');
  });
});

describe('OOM', () => {
  it('init OOM-killed: OOMKilled true, exit 137, events oom then die', () => {
    const { engine } = rig();
    engine.run({ image: 'memhog', name: 'hog', memory: 64 * 2 ** 20 });
    engine.takeEvents();
    const events = engine.advanceTo(5 * S);
    expect(events.map((e) => e.action)).toEqual(['oom', 'die']);
    expect(events[1]!.attributes.exitCode).toBe('137');
    expect(engine.inspect('hog').State).toMatchObject({ Status: 'exited', OOMKilled: true, ExitCode: 137 });
    // Cleared by the next start.
    engine.start('hog');
    expect(engine.inspect('hog').State.OOMKilled).toBe(false);
  });

  it('a child OOM-killed: OOMKilled true while the container runs on', () => {
    const { engine } = rig();
    engine.run({ image: 'memhog', name: 'hog', memory: 64 * 2 ** 20, command: 'child' });
    engine.takeEvents();
    expect(engine.advanceTo(5 * S).map((e) => e.action)).toEqual(['oom']);
    expect(engine.inspect('hog').State).toMatchObject({ Status: 'running', OOMKilled: true, ExitCode: 0 });
  });
});

describe('events', () => {
  it('docker run, rename, restart, rm: Docker\'s actions and attributes in order', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'web', name: 'web', labels: { tier: 'front' } });
    engine.rename('web', 'web2');
    engine.advanceTo(MS);
    engine.restart('web2');
    engine.stop('web2');
    engine.rm('web2');
    const events = engine.takeEvents();
    expect(events.map((e) => e.action)).toEqual(['kill', 'die', 'stop', 'start', 'restart', 'kill', 'die', 'stop', 'destroy']);
    const all = [...events];
    expect(all.every((e) => e.id === id && e.type === 'container' && e.attributes.image === 'web' && e.attributes.tier === 'front' && e.attributes.name === 'web2')).toBe(true);
  });

  it('create, start and rename carry name, image and oldName', () => {
    const { engine } = rig();
    engine.run({ image: 'web', name: 'web' });
    engine.rename('web', 'api');
    const events = engine.takeEvents();
    expect(events.map((e) => [e.action, e.attributes.name, e.attributes.oldName])).toEqual([
      ['create', 'web', undefined],
      ['start', 'web', undefined],
      ['rename', 'api', '/web'],
    ]);
  });

  it('onEvent receives the events as they happen', () => {
    const seen: string[] = [];
    const { engine } = rig({ onEvent: (e) => seen.push(e.action) });
    engine.run({ image: 'crasher', name: 'x1' });
    expect(seen).toEqual(['create', 'start', 'die']);
    expect(engine.takeEvents()).toEqual([]);
  });
});

describe('wait', () => {
  it('not-running is filled at the exit during advanceTo; next-exit at the next exit; removed at rm', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'idle1' });
    const w = engine.wait('idle1');
    const next = engine.wait('idle1', 'next-exit');
    const gone = engine.wait('idle1', 'removed');
    engine.stop('idle1', { timeout: 2 });
    engine.advanceTo(S);
    expect(w.result).toBeNull();
    engine.advanceTo(3 * S);
    expect(w.result).toEqual({ StatusCode: 137 });
    expect(next.result).toEqual({ StatusCode: 137 });
    expect(gone.result).toBeNull();
    engine.rm('idle1');
    expect(gone.result).toEqual({ StatusCode: 137 });
    // On a stopped container not-running answers at once.
    const c = engine.run({ image: 'crasher' });
    expect(engine.wait(c).result).toEqual({ StatusCode: 1 });
  });
});

describe('failed starts', () => {
  it('a command the image lacks: the start fails as runc\'s exec does, the container stays created with exit code 127 and the error', () => {
    const { engine } = rig();
    engine.create({ image: 'idle', name: 'bad1', command: 'nosuch' });
    engine.takeEvents();
    const cgroups = engine.kernel.cgroups();
    expect(() => engine.start('bad1')).toThrow('OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "nosuch": executable file not found in $PATH: unknown');
    expect(engine.inspect('bad1').State).toMatchObject({ Status: 'created', Running: false, ExitCode: 127, StartedAt: null, Pid: 0 });
    expect(engine.inspect('bad1').State.Error).toContain('executable file not found in $PATH');
    expect(engine.inspect('bad1').Config.Cmd).toEqual([]);
    expect(engine.kernel.cgroups()).toEqual(cgroups);
    expect(engine.takeEvents()).toEqual([]);
  });

  it('exec of a command the image lacks: runc\'s exec text; nothing runs', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'e1' });
    expect(() => engine.exec('e1', { command: 'nosuch' })).toThrow('OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown');
    expect(engine.top('e1')).toHaveLength(1);
  });
});

describe('a kernel with its own onEvent', () => {
  it('the engine still finds exits by asking the kernel', () => {
    const seen: string[] = [];
    const kernel = createKernel({ cpus: 1, memory: 2 ** 30, onEvent: (e) => seen.push(e.type) });
    const engine = createContainerEngine({ kernel, images: testImages() });
    engine.run({ image: 'crasher', name: 'x1' });
    engine.run({ image: 'idle', name: 'i1', stopTimeout: 2 });
    engine.run({ image: 'batch', name: 'b1' });
    engine.stop('i1');
    engine.advanceTo(5 * S);
    expect(engine.inspect('x1').State).toMatchObject({ Status: 'exited', ExitCode: 1 });
    expect(engine.inspect('i1').State).toMatchObject({ Status: 'exited', ExitCode: 137, FinishedAt: 2 * S });
    expect(engine.inspect('b1').State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(seen).toContain('process.exited');
  });

  it('a restart policy still restarts a crashing init the events did not show', () => {
    const kernel = createKernel({ cpus: 1, memory: 2 ** 30, onEvent: () => undefined });
    const engine = createContainerEngine({ kernel, images: testImages() });
    engine.run({ image: 'crasher', name: 'x1', restart: 'always' });
    engine.advanceTo(5 * S);
    expect(engine.inspect('x1').RestartCount).toBeGreaterThan(0);
  });
});

describe('advancing costs what changed', () => {
  it('takes no process snapshot while serving containers run, and asks nothing when no process exited', () => {
    const kernel = createKernel({ cpus: 2, memory: 2 ** 30, fidelity: 'fluid' });
    const engine = createContainerEngine({ kernel });
    for (let i = 0; i < 5; i++) engine.run({ image: 'web', name: `w${i}` });
    const calls = { process: 0, exitOf: 0 };
    const process = kernel.process.bind(kernel);
    const exitOf = kernel.exitOf.bind(kernel);
    kernel.process = (pid) => (calls.process++, process(pid));
    kernel.exitOf = (pid) => (calls.exitOf++, exitOf(pid));
    for (let t = 1; t <= 200; t++) engine.advanceTo(t * 100_000);
    expect(calls).toEqual({ process: 0, exitOf: 0 });
    expect(engine.ps().length).toBe(5);
  });
});

describe('docker stats', () => {
  it('CPU % over the interval since the last sample, memory and pids from the cgroup', () => {
    const { engine } = rig();
    engine.run({ image: 'batch', name: 'b1', command: 'spin', memory: 64 * 2 ** 20 });
    engine.advanceTo(2 * S);
    const s1 = engine.stats('b1');
    expect(s1.cpuPercent).toBeCloseTo(100, 0);
    expect(s1.memoryLimit).toBe(64 * 2 ** 20);
    expect(s1.pids).toBe(1);
    engine.pause('b1');
    engine.advanceTo(4 * S);
    expect(engine.stats('b1').cpuPercent).toBe(0);
    engine.kill('b1');
    expect(engine.stats('b1')).toMatchObject({ cpuPercent: 0, memoryUsage: 0, pids: 0 });
  });
});
