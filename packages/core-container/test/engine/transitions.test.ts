// Every operation in every Docker state: allowed ones do what Docker does; refused ones throw
// Docker's exact text and change nothing (the reference §2 error table, v28.2+ texts).
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '@strata/shared-types';
import { rig, thrown } from './engine-fixture.js';
import type { ContainerEngine } from '../../src/engine/types.js';

type State = 'created' | 'running' | 'paused' | 'restarting' | 'exited';

/** An engine with container `c` in `state`. */
function inState(state: State): { engine: ContainerEngine; id: string } {
  const { engine } = rig();
  let id: string;
  switch (state) {
    case 'created':
      id = engine.create({ image: 'idle', name: 'web' });
      break;
    case 'running':
      id = engine.run({ image: 'idle', name: 'web' });
      break;
    case 'paused':
      id = engine.run({ image: 'idle', name: 'web' });
      engine.pause('web');
      break;
    case 'restarting':
      // Exits 1 at once; the restart manager waits 100 ms.
      id = engine.run({ image: 'crasher', name: 'web', restart: { name: 'always' } });
      break;
    case 'exited':
      id = engine.run({ image: 'crasher', name: 'web' });
      break;
  }
  engine.takeEvents();
  expect(engine.inspect('web').State.Status).toBe(state);
  return { engine, id };
}

const snapshot = (engine: ContainerEngine) => ({ inspect: engine.inspect('web'), ps: engine.ps({ all: true }), cgroups: engine.kernel.cgroups(), events: engine.takeEvents() });

/** Docker's refusal texts, written out (not taken from the table under test). */
const refusals: Record<string, Partial<Record<State, (id: string) => string>>> = {
  start: {
    running: () => 'container is already running',
    paused: () => 'cannot start a paused container, try unpause instead',
    restarting: () => 'container is already running',
  },
  stop: { created: () => 'container is already stopped', exited: () => 'container is already stopped' },
  kill: { created: (id) => `cannot kill container: web: container ${id} is not running`, exited: (id) => `cannot kill container: web: container ${id} is not running` },
  pause: {
    created: (id) => `container ${id} is not running`,
    paused: (id) => `container ${id} is already paused`,
    restarting: (id) => `Container ${id} is restarting, wait until the container is running`,
    exited: (id) => `container ${id} is not running`,
  },
  unpause: {
    created: (id) => `Container ${id} is not paused`,
    running: (id) => `Container ${id} is not paused`,
    restarting: (id) => `Container ${id} is not paused`,
    exited: (id) => `Container ${id} is not paused`,
  },
  rm: {
    running: () => 'cannot remove container "web": container is running: stop the container before removing or force remove',
    paused: () => 'cannot remove container "web": container is paused and must be unpaused first',
    restarting: () => 'cannot remove container "web": container is restarting: stop the container before removing or force remove',
  },
  exec: {
    created: (id) => `container ${id} is not running`,
    paused: (id) => `Container ${id} is paused, unpause the container before exec`,
    restarting: (id) => `Container ${id} is restarting, wait until the container is running`,
    exited: (id) => `container ${id} is not running`,
  },
};

const run = (engine: ContainerEngine, op: string): void => {
  switch (op) {
    case 'start': return engine.start('web');
    case 'stop': return engine.stop('web');
    case 'kill': return engine.kill('web');
    case 'pause': return engine.pause('web');
    case 'unpause': return engine.unpause('web');
    case 'rm': return engine.rm('web');
    case 'exec': {
      engine.exec('web', { command: 'sh' });
      return;
    }
  }
};

/** What an accepted operation leads to, at once. */
const accepted: Record<string, Partial<Record<State, string>>> = {
  start: { created: 'running', exited: 'restarting' /* crasher exits at once and is not restarted: see below */ },
  stop: { running: 'running' /* SIGTERM ignored by a handler-less PID 1 until the timeout */, paused: 'running', restarting: 'exited' },
  kill: { running: 'exited', paused: 'exited', restarting: 'exited' },
  pause: { running: 'paused' },
  unpause: { paused: 'running' },
  rm: { created: 'gone', exited: 'gone' },
  exec: { running: 'running' },
};

describe('Docker operations × states', () => {
  const states: State[] = ['created', 'running', 'paused', 'restarting', 'exited'];
  for (const op of Object.keys(refusals)) {
    for (const state of states) {
      const refusal = refusals[op]![state];
      if (refusal !== undefined) {
        it(`${op} in ${state}: refused with Docker's text, nothing changes`, () => {
          const { engine, id } = inState(state);
          const before = snapshot(engine);
          const e = thrown(() => run(engine, op));
          expect(e).toBeInstanceOf(InvalidTransitionError);
          expect(e.code).toBe('E_INVALID_TRANSITION');
          expect(e.message).toBe(refusal(id));
          expect(snapshot(engine)).toEqual(before);
        });
      } else {
        it(`${op} in ${state}: accepted`, () => {
          const { engine } = inState(state);
          run(engine, op);
          const expected = accepted[op]![state];
          if (expected === 'gone') expect(engine.ps({ all: true })).toEqual([]);
          else if (op === 'start' && state === 'exited') expect(engine.inspect('web').State).toMatchObject({ Status: 'exited', ExitCode: 1, StartedAt: 0 });
          else expect(engine.inspect('web').State.Status).toBe(expected);
        });
      }
    }
  }

  it('304 answers (already running / already stopped) carry notModified, as the CLI reports them as success', () => {
    const { engine } = inState('running');
    expect(thrown(() => engine.start('web')).details).toMatchObject({ httpStatus: 304, notModified: true });
    const e2 = inState('exited').engine;
    expect(thrown(() => e2.stop('web')).details).toMatchObject({ httpStatus: 304, notModified: true });
  });

  for (const state of states) {
    it(`create with the name of a container in ${state}: Docker's conflict text, nothing changes`, () => {
      const { engine, id } = inState(state);
      const before = snapshot(engine);
      const e = thrown(() => engine.create({ image: 'idle', name: 'web' }));
      expect(e.code).toBe('E_CONFLICT');
      expect(e.message).toBe(`Conflict. The container name "/web" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`);
      expect(snapshot(engine)).toEqual(before);
    });
  }

  for (const state of ['running', 'paused', 'restarting'] as const) {
    it(`rm -f in ${state} kills and removes; no process of it remains`, () => {
      const { engine, id } = inState(state);
      engine.rm('web', { force: true });
      expect(engine.ps({ all: true })).toEqual([]);
      expect(thrown(() => engine.inspect(id)).message).toBe(`No such container: ${id}`);
      expect(engine.kernel.processes().filter((p) => p.cgroup.includes(id) && p.state !== 'zombie')).toEqual([]);
      expect(engine.kernel.cgroups()).not.toContain(`/docker/${id}`);
      const actions = engine.takeEvents().map((e) => e.action);
      expect(actions).toEqual(state === 'restarting' ? ['destroy'] : ['kill', 'die', 'destroy']);
    });
  }

  it('unknown references: Docker\'s 404 text', () => {
    const { engine } = rig();
    const e = thrown(() => engine.start('nope'));
    expect(e.code).toBe('E_NOT_FOUND');
    expect(e.message).toBe('No such container: nope');
  });

  it('a container is named by name, full id or unique id prefix', () => {
    const { engine } = rig();
    const id = engine.create({ image: 'idle', name: 'web' });
    expect(engine.inspect(id.slice(0, 12)).Id).toBe(id);
    expect(engine.inspect('/web').Id).toBe(id);
    expect(engine.inspect(id).Name).toBe('/web');
  });
});
