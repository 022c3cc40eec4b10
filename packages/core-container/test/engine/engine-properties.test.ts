// Invariants under random Docker command sequences, and determinism (same seed and commands →
// identical events). fast-check prints the seed and the shrunk sequence on failure.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SignalName } from '@strata/shared-types';
import { rig, MS } from './engine-fixture.js';
import type { ContainerEngine, RestartPolicy } from '../../src/engine/types.js';

type Op =
  | { kind: 'create'; image: string; name: number; restart: RestartPolicy; autoRemove: boolean }
  | { kind: 'start' | 'unpause' | 'pause' | 'exec'; target: number }
  | { kind: 'stop'; target: number; timeout: number }
  | { kind: 'restart'; target: number; timeout: number }
  | { kind: 'kill'; target: number; signal: SignalName }
  | { kind: 'rm'; target: number; force: boolean }
  | { kind: 'rename'; target: number; name: number }
  | { kind: 'update'; target: number; pids: number }
  | { kind: 'advance'; ms: number };

const NAMES = ['alpha', 'bravo', 'charlie', 'delta'];
const restartArb: fc.Arbitrary<RestartPolicy> = fc.oneof(
  fc.constant({ name: 'no' as const }),
  fc.constant({ name: 'always' as const }),
  fc.constant({ name: 'unless-stopped' as const }),
  fc.integer({ min: 0, max: 3 }).map((n) => ({ name: 'on-failure' as const, maximumRetryCount: n })),
);
const target = fc.integer({ min: 0, max: 3 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), image: fc.constantFrom('idle', 'web', 'crasher', 'batch', 'memhog', 'quitter'), name: target, restart: restartArb, autoRemove: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('start' as const, 'unpause' as const, 'pause' as const, 'exec' as const), target }),
  fc.record({ kind: fc.constant('stop' as const), target, timeout: fc.integer({ min: -1, max: 3 }) }),
  fc.record({ kind: fc.constant('restart' as const), target, timeout: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('kill' as const), target, signal: fc.constantFrom<SignalName>('SIGKILL', 'SIGTERM', 'SIGHUP', 'SIGUSR1') }),
  fc.record({ kind: fc.constant('rm' as const), target, force: fc.boolean() }),
  fc.record({ kind: fc.constant('rename' as const), target, name: target }),
  fc.record({ kind: fc.constant('update' as const), target, pids: fc.integer({ min: -1, max: 50 }) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 15_000 }) }),
);

function apply(engine: ContainerEngine, op: Op): void {
  const ref = (i: number): string => NAMES[i]!;
  switch (op.kind) {
    case 'create': {
      const autoRemove = op.autoRemove && op.restart.name === 'no';
      engine.create({ image: op.image, name: NAMES[op.name]!, restart: op.restart, autoRemove, ...(op.image === 'memhog' ? { memory: 64 * 2 ** 20 } : {}) });
      return;
    }
    case 'start': return engine.start(ref(op.target));
    case 'pause': return engine.pause(ref(op.target));
    case 'unpause': return engine.unpause(ref(op.target));
    case 'exec': {
      engine.exec(ref(op.target), { command: [{ op: 'sleep', duration: 2_000_000 }] as never });
      return;
    }
    case 'stop': return engine.stop(ref(op.target), { timeout: op.timeout });
    case 'restart': return engine.restart(ref(op.target), { timeout: op.timeout });
    case 'kill': return engine.kill(ref(op.target), op.signal);
    case 'rm': return engine.rm(ref(op.target), { force: op.force });
    case 'rename': return engine.rename(ref(op.target), NAMES[op.name]!);
    case 'update': return engine.update(ref(op.target), { pidsLimit: op.pids });
    case 'advance': {
      engine.advanceTo(engine.now() + op.ms * MS);
      return;
    }
  }
}

const observe = (engine: ContainerEngine) => ({
  containers: engine.ps({ all: true }).map((c) => ({ c, i: engine.inspect(c.id) })),
  cgroups: engine.kernel.cgroups(),
  live: engine.kernel.processes().filter((p) => p.state !== 'zombie').map((p) => [p.pid, p.cgroup, p.state]),
  next: engine.nextEventTime(),
});

function checkInvariants(engine: ContainerEngine): void {
  const k = engine.kernel;
  const ids = new Set<string>();
  for (const c of engine.ps({ all: true })) {
    const s = engine.inspect(c.id).State;
    ids.add(c.id);
    expect(s.Status).toBe(c.status);
    // Docker's derivation from the flags, first match wins.
    const derived = s.Running ? (s.Paused ? 'paused' : s.Restarting ? 'restarting' : 'running') : s.Dead ? 'dead' : s.StartedAt === null ? 'created' : 'exited';
    expect(s.Status).toBe(derived);
    const cg = `/docker/${c.id}`;
    if (s.Running && !s.Restarting) {
      expect(s.Pid).toBeGreaterThan(0);
      expect(k.process(s.Pid).exit).toBeNull();
      expect(k.process(s.Pid).cgroup).toBe(cg);
      expect(k.read(cg, 'cgroup.freeze').trim()).toBe(s.Paused ? '1' : '0');
    } else {
      expect(s.Pid).toBe(0);
      expect(s.Paused).toBe(false);
      expect(k.cgroups()).not.toContain(cg);
    }
    if (s.Restarting) expect(s.Running).toBe(true);
  }
  // No live process in the cgroup of a container that is not running or is gone.
  for (const p of k.processes()) {
    if (p.state === 'zombie') continue;
    const m = /^\/docker\/([0-9a-f]{64})/.exec(p.cgroup);
    if (m === null) continue;
    expect(ids.has(m[1]!)).toBe(true);
    const s = engine.inspect(m[1]!).State;
    expect(s.Running && !s.Restarting).toBe(true);
  }
  for (const cg of k.cgroups()) {
    const m = /^\/docker\/([0-9a-f]{64})$/.exec(cg);
    if (m !== null) expect(ids.has(m[1]!)).toBe(true);
  }
}

describe('engine properties', () => {
  it('random command sequences keep the invariants; a refused command changes nothing', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const { engine } = rig();
        for (const op of ops) {
          const before = observe(engine);
          engine.takeEvents();
          try {
            apply(engine, op);
          } catch (error) {
            const code = (error as { code?: string }).code;
            expect(['E_INVALID_TRANSITION', 'E_CONFLICT', 'E_NOT_FOUND', 'E_VALIDATION']).toContain(code);
            expect(observe(engine)).toEqual(before);
            expect(engine.takeEvents()).toEqual([]);
          }
          checkInvariants(engine);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('determinism: the same seed and commands give identical events; another seed other ids', () => {
    const run = (seed: number) => {
      const { engine } = rig({ seed });
      engine.run({ image: 'crasher', name: 'x1', restart: { name: 'always' } });
      engine.run({ image: 'web', ports: ['8080:80'] });
      engine.run({ image: 'memhog', memory: 64 * 2 ** 20 });
      const idle = engine.run({ image: 'idle' });
      const events = engine.advanceTo(5_000_000);
      engine.stop(idle);
      return JSON.stringify([...events, ...engine.advanceTo(30_000_000), engine.ps({ all: true })]);
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
    expect(run(7).length).toBeGreaterThan(1000);
  });
});
