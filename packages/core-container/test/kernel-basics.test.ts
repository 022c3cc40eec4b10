// The kernel model end to end on known answers: the pids controller as a real kernel counts it,
// CPU shares through cgroups, signals and their default actions, the tree rules of cgroupfs.
import { describe, expect, it } from 'vitest';
import { parseProgram, type Program } from '@strata/shared-types';
import { createKernel } from '../src/index.js';

const S = 1_000_000;

describe('pids controller (known answer from a real kernel)', () => {
  it('pids.max 5, a parent forking 10 sleeping children: 4 succeed, 6 fail with EAGAIN, events max 6, current back to 0', () => {
    const k = createKernel({ cpus: 2, memory: 4 * 2 ** 30 });
    k.write('/', 'cgroup.subtree_control', '+pids');
    k.mkdir('/A');
    k.write('/A', 'pids.max', '5');
    const program = parseProgram([{ fork: { count: 10, program: [{ sleep: '1s' }] }, 'on-error': { EAGAIN: [] } }, { wait: 'all' }]);
    const pid = k.spawn({ name: 'parent', cgroup: '/A', program });
    expect(k.read('/A', 'pids.current')).toBe('5\n');
    expect(k.read('/A', 'pids.events')).toBe('max 6\n');
    expect(k.process(pid).forks).toEqual({ ok: 4, failed: 6, errno: 'EAGAIN' });
    const events = [...k.takeEvents(), ...k.advanceTo(2 * S)];
    expect(events.filter((e) => e.type === 'pids.fork_failed')).toHaveLength(6);
    expect(k.read('/A', 'pids.current')).toBe('0\n');
    expect(k.read('/A', 'pids.peak')).toBe('5\n');
    expect(k.process(pid).exit).toEqual({ code: 0 });
  });

  it('an unhandled EAGAIN ends the forking process with status 1 at the first refusal', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    k.write('/', 'cgroup.subtree_control', '+pids');
    k.mkdir('/A');
    k.write('/A', 'pids.max', '3');
    const pid = k.spawn({ name: 'p', cgroup: '/A', program: parseProgram([{ fork: { count: 10, program: [{ sleep: '1s' }] } }]) });
    expect(k.process(pid).forks).toEqual({ ok: 2, failed: 1, errno: 'EAGAIN' });
    expect(k.process(pid).exit).toEqual({ code: 1 });
    expect(k.read('/A', 'pids.events')).toBe('max 1\n');
  });

  it('zombies count until reaped', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    k.write('/', 'cgroup.subtree_control', '+pids');
    k.mkdir('/A');
    const pid = k.spawn({ name: 'p', cgroup: '/A', program: parseProgram([{ fork: { count: 2, program: [{ exit: 3 }] } }, { sleep: '1s' }, { wait: 'all' }, { sleep: '1s' }]) });
    expect(k.read('/A', 'pids.current')).toBe('3\n');
    expect(k.processes().filter((p) => p.state === 'zombie')).toHaveLength(2);
    k.advanceTo(1.5 * S);
    expect(k.read('/A', 'pids.current')).toBe('1\n');
    expect(k.process(pid).state).toBe('sleeping');
  });
});

describe('CPU through cgroups', () => {
  it('weights 200:100 split one CPU 2/3 : 1/3 (cpu.stat usage_usec)', () => {
    for (const fidelity of ['exact', 'fluid'] as const) {
      const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity });
      k.write('/', 'cgroup.subtree_control', '+cpu');
      k.mkdir('/A');
      k.mkdir('/B');
      k.write('/A', 'cpu.weight', '200');
      const hog = parseProgram([{ cpu: '100s' }]);
      k.spawn({ name: 'a', cgroup: '/A', program: hog });
      k.spawn({ name: 'b', cgroup: '/B', program: hog });
      k.advanceTo(9 * S);
      const usage = (path: string): number => Number(/usage_usec (\d+)/.exec(k.read(path, 'cpu.stat'))![1]);
      expect(usage('/A') / 9e6).toBeCloseTo(2 / 3, 2);
      expect(usage('/B') / 9e6).toBeCloseTo(1 / 3, 2);
      expect(usage('/')).toBe(usage('/A') + usage('/B'));
    }
  });

  it('cpu.max 30000 100000 holds a hog to 30% and counts throttling', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    k.write('/', 'cgroup.subtree_control', '+cpu');
    k.mkdir('/B');
    k.write('/B', 'cpu.max', '30000 100000');
    expect(k.read('/B', 'cpu.max')).toBe('30000 100000\n');
    k.spawn({ name: 'hog', cgroup: '/B', program: parseProgram([{ cpu: '100s' }]) });
    const events = k.advanceTo(10 * S);
    const stat = k.read('/B', 'cpu.stat');
    expect(Number(/usage_usec (\d+)/.exec(stat)![1]) / 10e6).toBeCloseTo(0.3, 2);
    expect(Number(/nr_throttled (\d+)/.exec(stat)![1])).toBeGreaterThan(90);
    expect(events.some((e) => e.type === 'cgroup.throttled' && e.cgroup === '/B')).toBe(true);
  });

  it('without the cpu controller, sibling cgroups compete as plain tasks of the parent', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid' });
    k.mkdir('/A');
    k.mkdir('/B');
    const hog = parseProgram([{ cpu: '100s' }]);
    k.spawn({ name: 'a1', cgroup: '/A', program: hog });
    k.spawn({ name: 'a2', cgroup: '/A', program: hog });
    k.spawn({ name: 'b', cgroup: '/B', program: hog });
    k.advanceTo(3 * S);
    expect(() => k.read('/A', 'cpu.weight')).toThrow(/not enabled/);
    const usage = (path: string): number => Number(/usage_usec (\d+)/.exec(k.read(path, 'cpu.stat'))![1]);
    expect(usage('/A') / 3e6).toBeCloseTo(2 / 3, 3);
    // Enabling it makes them groups: from now on A and B split 1:1.
    k.write('/', 'cgroup.subtree_control', '+cpu');
    const a0 = usage('/A');
    k.advanceTo(5 * S);
    expect((usage('/A') - a0) / 2e6).toBeCloseTo(0.5, 3);
  });
});

describe('signals', () => {
  it('SIGTERM kills a process without a handler (exit by signal); a handler runs and the work resumes', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const plain = k.spawn({ name: 'plain', program: parseProgram([{ sleep: '10s' }]) });
    const handled = k.spawn({ name: 'handled', program: parseProgram([{ signal: { SIGTERM: [{ print: 'got TERM' }] } }, { cpu: '2s' }, { print: 'done' }]) });
    k.advanceTo(S / 2);
    k.kill(plain, 'SIGTERM');
    k.kill(handled, 'SIGTERM');
    expect(k.process(plain).exit).toEqual({ signal: 'SIGTERM' });
    k.advanceTo(10 * S);
    const h = k.process(handled);
    expect(h.output.map((l) => l.text)).toEqual(['got TERM', 'done']);
    expect(h.exit).toEqual({ code: 0 });
    expect(h.output[1]!.time).toBe(2 * S);
    expect(h.cpuUsec).toBe(2 * S);
  });

  it('SIGSTOP holds a CPU burst, SIGCONT resumes it; SIGKILL works on a stopped process', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid' });
    const p = k.spawn({ name: 'w', program: parseProgram([{ cpu: '1s' }, { print: 'done' }]) });
    k.advanceTo(S / 4);
    k.kill(p, 'SIGSTOP');
    expect(k.process(p).state).toBe('stopped');
    k.advanceTo(S);
    expect(k.process(p).cpuUsec).toBe(S / 4);
    k.kill(p, 'SIGCONT');
    k.advanceTo(3 * S);
    expect(k.process(p).output[0]).toEqual({ stream: 'stdout', time: 1.75 * S, text: 'done' });
    const q = k.spawn({ name: 'q', program: parseProgram([{ sleep: '10s' }]) });
    k.kill(q, 'SIGSTOP');
    k.kill(q, 'SIGKILL');
    expect(k.process(q).exit).toEqual({ signal: 'SIGKILL' });
  });

  it('cgroup.freeze holds every process of the subtree; thawing resumes them', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'fluid' });
    k.mkdir('/A');
    const p = k.spawn({ name: 'w', cgroup: '/A', program: parseProgram([{ cpu: '1s' }]) });
    k.advanceTo(S / 2);
    k.write('/A', 'cgroup.freeze', '1');
    expect(k.read('/A', 'cgroup.events')).toBe('populated 1\nfrozen 1\n');
    k.advanceTo(2 * S);
    expect(k.process(p).cpuUsec).toBe(S / 2);
    k.write('/A', 'cgroup.freeze', '0');
    k.advanceTo(3 * S);
    expect(k.process(p).exit).toEqual({ code: 0 });
    expect(k.read('/A', 'cgroup.events')).toBe('populated 0\nfrozen 0\n');
  });
});

describe('cgroup tree rules', () => {
  it('subtree_control: ENOENT for a controller the parent lacks, EBUSY with processes inside, EBUSY to disable under a child', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    k.mkdir('/A');
    k.mkdir('/A/B');
    expect(() => k.write('/A', 'cgroup.subtree_control', '+cpu')).toThrow(/ENOENT/);
    k.write('/', 'cgroup.subtree_control', '+cpu +pids');
    expect(k.read('/A', 'cgroup.controllers')).toBe('cpu pids\n');
    k.spawn({ name: 'x', cgroup: '/A', program: parseProgram([{ sleep: '1s' }]) });
    expect(() => k.write('/A', 'cgroup.subtree_control', '+cpu')).toThrow(/EBUSY/);
    expect(k.read('/A', 'cgroup.subtree_control')).toBe('');
    expect(() => k.rmdir('/A')).toThrow(/child cgroups/);
    k.advanceTo(2 * S);
    k.write('/A', 'cgroup.subtree_control', '+pids');
    expect(() => k.write('/', 'cgroup.subtree_control', '-pids')).toThrow(/EBUSY/);
    expect(() => k.spawn({ name: 'y', cgroup: '/A', program: parseProgram([]) })).toThrow(/cannot hold processes/);
  });

  it('a refused write changes nothing and names the file, value and errno', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    k.write('/', 'cgroup.subtree_control', '+cpu');
    k.mkdir('/A');
    expect(() => k.write('/A', 'cpu.max', 'abc 100000')).toThrow(/cpu\.max: "abc 100000" is invalid \(EINVAL\)/);
    expect(k.read('/A', 'cpu.max')).toBe('max 100000\n');
    expect(() => k.write('/A', 'cpu.stat', '1')).toThrow(/EACCES/);
    expect(() => k.read('/A', 'nope.file')).toThrow(/no such interface file/);
  });

  it('refuses programs with steps it does not run, naming the step', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const alien = [{ op: 'loop', times: 2, body: [{ op: 'teleport' }] }] as unknown as Program;
    expect(() => k.spawn({ name: 'x', program: alien })).toThrow(/program\[0\]\.loop\[0\]: this kernel model does not run 'teleport' steps yet/);
    expect(k.processes()).toHaveLength(0);
  });
});

describe('cgroup.procs and cgroup.kill', () => {
  it('cgroup.procs lists the live PIDs of the cgroup; writing a PID moves that process', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    k.mkdir('/A');
    k.mkdir('/B');
    const a = k.spawn({ name: 'a', cgroup: '/A', program: parseProgram([{ sleep: '10s' }]) });
    const b = k.spawn({ name: 'b', cgroup: '/A', program: parseProgram([{ sleep: '10s' }]) });
    expect(k.read('/A', 'cgroup.procs')).toBe(`${a}\n${b}\n`);
    k.write('/B', 'cgroup.procs', `${b}\n`);
    expect(k.read('/A', 'cgroup.procs')).toBe(`${a}\n`);
    expect(k.read('/B', 'cgroup.procs')).toBe(`${b}\n`);
    expect(k.process(b).cgroup).toBe('/B');
    expect(() => k.write('/B', 'cgroup.procs', 'x')).toThrow(/cgroup\.procs: "x" is invalid \(EINVAL\)/);
    expect(() => k.write('/B', 'cgroup.procs', '99999')).toThrow(/process '99999' does not exist/);
  });

  it('cgroup.kill SIGKILLs every process of the subtree and nothing else', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    k.mkdir('/A');
    k.mkdir('/A/x');
    k.mkdir('/B');
    const inX = k.spawn({ name: 'x', cgroup: '/A/x', program: parseProgram([{ fork: { count: 2, program: [{ sleep: '10s' }] } }, { sleep: '10s' }]) });
    const inB = k.spawn({ name: 'b', cgroup: '/B', program: parseProgram([{ sleep: '10s' }]) });
    k.write('/A', 'cgroup.kill', '1');
    expect(k.processes().filter((p) => p.cgroup === '/A/x').every((p) => p.exit !== null && 'signal' in p.exit && p.exit.signal === 'SIGKILL')).toBe(true);
    expect(k.process(inX).exit).toEqual({ signal: 'SIGKILL' });
    expect(k.process(inB).exit).toBeNull();
    expect(k.read('/A/x', 'cgroup.events')).toBe('populated 0\nfrozen 0\n');
    expect(() => k.write('/A', 'cgroup.kill', '2')).toThrow(/ERANGE/);
    expect(() => k.read('/A', 'cgroup.kill')).toThrow(/write-only/);
  });
});

describe('the work budget counts the CPU scheduler\'s work', () => {
  it('hours of exact-mode ticks with no program step stop at maxSteps instead of running on', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'exact', maxSteps: 200_000 });
    k.spawn({ name: 'spin', program: parseProgram([{ cpu: '1000h' }]) });
    const hour = 3_600_000_000;
    let error: unknown;
    try {
      k.advanceTo(100 * hour);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'E_LIMIT_EXCEEDED', details: { limit: 'maxSteps', value: 200_000 } });
    expect(k.now()).toBeLessThan(100 * hour);
  });

  it('steps() grows with scheduling work even when no program step runs', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, fidelity: 'exact' });
    k.spawn({ name: 'spin', program: parseProgram([{ cpu: '10s' }]) });
    const before = k.steps();
    k.advanceTo(5_000_000);
    expect(k.steps()).toBeGreaterThan(before + 1000);
  });
});
