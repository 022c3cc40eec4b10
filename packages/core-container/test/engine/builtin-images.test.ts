// The engine with the image registry's built-in images (no images option): Docker's behaviours
// the images were made for.
import { describe, expect, it } from 'vitest';
import { createKernel } from '../../src/index.js';
import { createContainerEngine } from '../../src/engine/create-container-engine.js';
import { testImages } from './engine-fixture.js';

const S = 1_000_000;
const engineOnly = () => createContainerEngine({ kernel: createKernel({ cpus: 2, memory: 4 * 2 ** 30, fidelity: 'fluid' }), seed: 1 });

describe('built-in images', () => {
  it('idle ignores docker stop (PID 1 without a handler): 137 after 10 s; web exits 0 at once', () => {
    const engine = engineOnly();
    engine.run({ image: 'idle', name: 'idle1' });
    engine.run({ image: 'web', name: 'web1' });
    engine.advanceTo(S);
    engine.stop('idle1');
    engine.stop('web1');
    expect(engine.inspect('web1').State.ExitCode).toBe(0);
    expect(engine.logs('web1').map((l) => l.text)).toContain('received SIGTERM, shutting down gracefully');
    engine.advanceTo(12 * S);
    expect(engine.inspect('idle1').State).toMatchObject({ ExitCode: 137, FinishedAt: 11 * S });
  });

  it('memhog under --memory 64m is OOM-killed; crasher restarts on-failure:2 twice', () => {
    const engine = engineOnly();
    engine.run({ image: 'memhog', name: 'hog', memory: 64 * 2 ** 20 });
    engine.run({ image: 'crasher', name: 'cr', restart: { name: 'on-failure', maximumRetryCount: 2 } });
    engine.advanceTo(30 * S);
    expect(engine.inspect('hog').State).toMatchObject({ Status: 'exited', OOMKilled: true, ExitCode: 137 });
    expect(engine.inspect('cr').State).toMatchObject({ Status: 'exited', ExitCode: 1 });
    expect(engine.inspect('cr').RestartCount).toBe(2);
  });

  it('forker stops at --pids-limit', () => {
    const engine = engineOnly();
    const id = engine.run({ image: 'forker', name: 'f1', pidsLimit: 5 });
    engine.advanceTo(3 * S);
    expect(engine.kernel.read(`/docker/${id}`, 'pids.current').trim()).toBe('5');
    expect(engine.top('f1')).toHaveLength(5);
  });

  it('an unknown image fails as Docker\'s pull does; extra images sit over the built-ins', () => {
    const engine = createContainerEngine({ kernel: createKernel({ cpus: 1, memory: 2 ** 30 }), images: testImages() });
    expect(() => engine.create({ image: 'nosuch' })).toThrow("pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied");
    expect(engine.images.has('pause')).toBe(true);
    expect(engine.images.has('quitter')).toBe(true);
    expect(engine.ps({ all: true })).toEqual([]);
  });
});

describe('top', () => {
  it('lists the container\'s cgroup, also with --pid host', () => {
    const engine = engineOnly();
    engine.run({ image: 'idle', name: 'other' });
    engine.run({ image: 'forker', name: 'f1', pidMode: 'host', pidsLimit: 3 });
    engine.advanceTo(S);
    const top = engine.top('f1');
    expect(top).toHaveLength(3);
    expect(top[0]!.pid).toBe(engine.inspect('f1').State.Pid);
    expect(top.slice(1).every((p) => p.ppid === top[0]!.pid)).toBe(true);
  });
});
