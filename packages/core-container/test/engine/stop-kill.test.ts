// docker stop / kill / exit codes / OOM, and the events they produce in Docker's order.
import { describe, expect, it } from 'vitest';
import { micros } from '@strata/shared-types';
import { rig, S, MS } from './engine-fixture.js';
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
