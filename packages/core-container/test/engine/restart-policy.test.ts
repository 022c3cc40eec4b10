// Restart policies and the restart manager's backoff (moby restartmanager.go), in simulated time.
import { describe, expect, it } from 'vitest';
import { rig, S, MS } from './engine-fixture.js';
import { decideRestart, FRESH_RESTART_MANAGER } from '../../src/engine/restart-policy.js';

const startTimes = (events: readonly { action: string; time: number }[]) => events.filter((e) => e.action === 'start').map((e) => e.time);

describe('restart policies', () => {
  it('always: backoff 100, 200, 400, … 51 200 ms, then 60 000 ms every time (start times exactly)', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'x1', restart: { name: 'always' } });
    const events = [...engine.takeEvents(), ...engine.advanceTo(400 * S)];
    const delays = [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000, 60000, 60000];
    const expected = [0];
    for (const d of delays) expected.push(expected[expected.length - 1]! + d * MS);
    expect(startTimes(events).slice(0, expected.length)).toEqual(expected);
    expect(events.filter((e) => e.action === 'restart')).toEqual([]);
  });

  it('RestartCount rises when the restart is scheduled; during the delay the state is restarting (Running, Pid 0)', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'x1', restart: { name: 'always' } });
    expect(engine.inspect('x1').RestartCount).toBe(1);
    expect(engine.inspect('x1').State).toMatchObject({ Status: 'restarting', Running: true, Restarting: true, Pid: 0, ExitCode: 1 });
    engine.advanceTo(50 * MS);
    expect(engine.ps()[0]!.statusText).toBe('Restarting (1) Less than a second ago');
    engine.advanceTo(100 * MS);
    expect(engine.inspect('x1').RestartCount).toBe(2);
    expect(engine.logs('x1').map((l) => `${l.time} ${l.text}`)).toEqual(['0 boom', '100000 boom']);
  });

  it('a run of ≥ 10 s resets the delay to 100 ms', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'x1', command: 'slow', restart: { name: 'always' } });
    const events = engine.advanceTo(70 * S);
    // Runs 20 s each time: every delay is the first one.
    expect(startTimes(events)).toEqual([0, 20_100_000, 40_200_000, 60_300_000]);
  });

  it('on-failure:3 restarts at most 3 times; on-failure ignores exit 0', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'x1', restart: { name: 'on-failure', maximumRetryCount: 3 } });
    engine.run({ image: 'crasher', name: 'ok1', command: 'ok', restart: { name: 'on-failure', maximumRetryCount: 0 } });
    engine.takeEvents();
    const events = engine.advanceTo(10 * S);
    expect(startTimes(events.filter((e) => e.attributes.name === 'x1'))).toEqual([100 * MS, 300 * MS, 700 * MS]);
    expect(engine.inspect('x1').State).toMatchObject({ Status: 'exited', ExitCode: 1 });
    expect(engine.inspect('x1').RestartCount).toBe(3);
    expect(engine.inspect('ok1').State.Status).toBe('exited');
    expect(engine.inspect('ok1').RestartCount).toBe(0);
  });

  it('no: never restarted', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'x1' });
    engine.advanceTo(10 * S);
    expect(engine.inspect('x1').State.Status).toBe('exited');
  });

  it('stop during the delay cancels the restart: exited, stop event, nothing more', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'x1', restart: { name: 'always' } });
    engine.takeEvents();
    engine.advanceTo(50 * MS);
    engine.stop('x1');
    expect(engine.takeEvents().map((e) => e.action)).toEqual(['stop']);
    expect(engine.inspect('x1').State).toMatchObject({ Status: 'exited', Running: false, Restarting: false, ExitCode: 1 });
    expect(engine.advanceTo(100 * S)).toEqual([]);
  });

  it('kill during the delay cancels the restart too', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'x1', restart: { name: 'unless-stopped' } });
    engine.kill('x1');
    expect(engine.inspect('x1').State.Status).toBe('exited');
    engine.takeEvents();
    expect(startTimes(engine.advanceTo(100 * S))).toEqual([]);
  });

  it('a manual stop or kill suppresses always and unless-stopped', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'a1', restart: { name: 'always' } });
    engine.run({ image: 'idle', name: 'u1', restart: { name: 'unless-stopped' } });
    engine.stop('a1', { timeout: 1 });
    engine.kill('u1');
    engine.advanceTo(100 * S);
    expect(engine.inspect('a1').State).toMatchObject({ Status: 'exited', ExitCode: 137 });
    expect(engine.inspect('u1').State).toMatchObject({ Status: 'exited', ExitCode: 137 });
    expect(engine.inspect('a1').RestartCount).toBe(0);
  });

  it('always restarts an exit 0 as well', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'ok1', command: 'ok', restart: { name: 'always' } });
    engine.takeEvents();
    expect(startTimes(engine.advanceTo(350 * MS))).toEqual([100 * MS, 300 * MS]);
  });

  it('docker start resets RestartCount and the backoff', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'x1', restart: { name: 'on-failure', maximumRetryCount: 2 } });
    engine.advanceTo(10 * S);
    expect(engine.inspect('x1').RestartCount).toBe(2);
    engine.start('x1');
    expect(engine.inspect('x1').RestartCount).toBe(1);
    // The manual start, then restarts after 100 and 200 ms again (a fresh manager), two at most.
    const events = engine.advanceTo(20 * S);
    expect(startTimes(events)).toEqual([10 * S, 10 * S + 100 * MS, 10 * S + 300 * MS]);
    expect(engine.inspect('x1').RestartCount).toBe(2);
  });

  it('docker update changes the policy of a live container', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'x1', command: 'slow' });
    engine.update('x1', { restart: { name: 'always' } });
    engine.takeEvents();
    expect(engine.inspect('x1').HostConfig.RestartPolicy).toEqual({ Name: 'always', MaximumRetryCount: 0 });
    expect(startTimes(engine.advanceTo(21 * S))).toEqual([20 * S + 100 * MS]);
  });

  it('--rm removes the container when it exits (destroy after die); --rm with a policy is refused', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'crasher', name: 'x1', autoRemove: true });
    expect(engine.takeEvents().map((e) => e.action)).toEqual(['create', 'start', 'die', 'destroy']);
    expect(engine.ps({ all: true })).toEqual([]);
    expect(() => engine.inspect(id)).toThrow(`No such container: ${id}`);
    expect(() => engine.create({ image: 'idle', autoRemove: true, restart: { name: 'always' } })).toThrow("can't create 'AutoRemove' container with restart policy");
  });

  it('docker restart of an exited container: start, then restart', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'x1', command: 'slow' });
    engine.advanceTo(21 * S);
    engine.takeEvents();
    engine.restart('x1');
    expect(engine.takeEvents().map((e) => e.action)).toEqual(['start', 'restart']);
  });

  it('docker restart waits for the exit at its own instant (SIGKILL after the timeout)', () => {
    const { engine } = rig();
    engine.run({ image: 'idle', name: 'i1' });
    engine.restart('i1', { timeout: 2 });
    const events = engine.advanceTo(5 * S);
    expect(events.map((e) => `${e.time} ${e.action}`)).toEqual(['0 create', '0 start', '0 kill', '2000000 kill', '2000000 die', '2000000 stop', '2000000 start', '2000000 restart']);
    expect(engine.inspect('i1').State).toMatchObject({ Status: 'running', StartedAt: 2 * S });
  });
});

describe('decideRestart (pure)', () => {
  it('the delay moves even when the policy says no; cancelled never restarts', () => {
    const d = decideRestart({ name: 'no' }, FRESH_RESTART_MANAGER, 1, false, 0);
    expect(d).toEqual({ restart: false, delayUs: 100_000, next: { timeoutUs: 100_000, restartCount: 0, cancelled: false } });
    const c = decideRestart({ name: 'always' }, { ...FRESH_RESTART_MANAGER, cancelled: true }, 1, false, 0);
    expect(c.restart).toBe(false);
    expect(decideRestart({ name: 'unless-stopped' }, FRESH_RESTART_MANAGER, 0, true, 0).restart).toBe(false);
  });
});
