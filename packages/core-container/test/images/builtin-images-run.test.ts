// The built-in images' programs run on the kernel model and do what the engine will rely on:
// web and pause exit 0 on SIGTERM, idle as PID 1 of its own pid namespace ignores SIGTERM and dies
// only to SIGKILL, crasher exits 1, batch exits 0, memhog is OOM-killed at its limit, forker stops
// at pids.max without dying.
import { describe, expect, it } from 'vitest';
import { createImageRegistry, createKernel } from '../../src/index.js';

const S = 1_000_000;
const images = createImageRegistry();
const kernel = () => createKernel({ cpus: 2, memory: 2 ** 30, fidelity: 'fluid', seed: 1 });

describe('built-in images on the kernel', () => {
  it('web serves until SIGTERM, then exits 0', () => {
    const k = kernel();
    const pid = k.spawn({ name: 'web', program: images.get('web').cmd, namespaces: { pid: 'private' } });
    k.advanceTo(5 * S);
    expect(k.process(pid).exit).toBeNull();
    expect(k.process(pid).serve?.completed).toBeGreaterThan(100);
    k.kill(pid, 'SIGTERM');
    k.advanceTo(6 * S);
    expect(k.process(pid).exit).toEqual({ code: 0 });
  });

  it('pause exits 0 on SIGTERM', () => {
    const k = kernel();
    const pid = k.spawn({ name: 'pause', program: images.get('pause').cmd, namespaces: { pid: 'private' } });
    k.advanceTo(S);
    k.kill(pid, 'SIGTERM');
    k.advanceTo(2 * S);
    expect(k.process(pid).exit).toEqual({ code: 0 });
  });

  it('idle as PID 1 of its pid namespace ignores SIGTERM; SIGKILL ends it (137 in Docker)', () => {
    const k = kernel();
    const pid = k.spawn({ name: 'idle', program: images.get('idle').cmd, namespaces: { pid: 'private' } });
    k.advanceTo(S);
    k.kill(pid, 'SIGTERM');
    k.advanceTo(12 * S);
    expect(k.process(pid).exit).toBeNull();
    k.kill(pid, 'SIGKILL');
    k.advanceTo(13 * S);
    expect(k.process(pid).exit).toEqual({ signal: 'SIGKILL' });
  });

  it('crasher exits 1 after about a second; batch exits 0 after its CPU work', () => {
    const k = kernel();
    const crasher = k.spawn({ name: 'crasher', program: images.get('crasher').cmd });
    const batch = k.spawn({ name: 'batch', program: images.get('batch').cmd });
    k.advanceTo(2 * S);
    expect(k.process(crasher).exit).toEqual({ code: 1 });
    expect(k.process(batch).exit).toBeNull();
    k.advanceTo(10 * S);
    expect(k.process(batch).exit).toEqual({ code: 0 });
  });

  it('memhog is OOM-killed at its cgroup limit', () => {
    const k = kernel();
    k.write('/', 'cgroup.subtree_control', '+memory');
    k.mkdir('/m');
    k.write('/m', 'memory.max', '64M');
    k.write('/m', 'memory.swap.max', '0');
    const pid = k.spawn({ name: 'memhog', cgroup: '/m', program: images.get('memhog').cmd });
    k.advanceTo(10 * S);
    expect(k.process(pid).exit).toEqual({ signal: 'SIGKILL' });
    expect(k.read('/m', 'memory.events')).toMatch(/oom_kill 1/);
  });

  it('forker fills pids.max and keeps running', () => {
    const k = kernel();
    k.write('/', 'cgroup.subtree_control', '+pids');
    k.mkdir('/f');
    k.write('/f', 'pids.max', '10');
    const pid = k.spawn({ name: 'forker', cgroup: '/f', program: images.get('forker').cmd });
    k.advanceTo(5 * S);
    expect(k.process(pid).exit).toBeNull();
    expect(k.read('/f', 'pids.current')).toBe('10\n');
    expect(k.read('/f', 'pids.events')).toMatch(/^max [1-9]/);
  });
});
