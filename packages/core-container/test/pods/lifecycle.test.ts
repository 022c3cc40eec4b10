// Pod deletion (graceful, then SIGKILL; sandbox last; the pod cgroup removed), refused specs that change
// nothing, and determinism of the whole trace.
import { describe, expect, it } from 'vitest';
import { container, pods, stateOf, S } from './pod-fixture.js';
import { thrown } from '../engine/engine-fixture.js';
import type { PodManager } from '../../src/pods/types.js';

/** Everything observable that a refused command must leave alone. */
function snapshot(m: PodManager): string {
  const k = m.engine.kernel;
  return JSON.stringify({ cgroups: k.cgroups(), ps: m.engine.ps({ all: true }).map((c) => [c.name, c.status]), pods: m.pods().map((p) => m.pod(p)), live: k.processes().filter((p) => p.exit === null).length });
}

describe('deletePod', () => {
  it('SIGTERM to every app container, SIGKILL after the grace period, then the sandbox; containers and the pod cgroup go', () => {
    const m = pods();
    const k = m.engine.kernel;
    m.createPod({ name: 'shop', containers: [{ name: 'web', image: 'web' }, { name: 'stubborn', image: 'idle' }] });
    m.advanceTo(2 * S);
    const s = m.pod('shop');
    const pids = [s.sandbox.pid, ...s.containerStatuses.map((c) => c.pid)];
    m.deletePod('shop', { gracePeriod: 5 });
    // web exits 0 on SIGTERM at once; idle (PID 1 without a handler) waits for the SIGKILL.
    expect(container(m, 'shop', 'web').state).toMatchObject({ terminated: { exitCode: 0, reason: 'Completed' } });
    expect(stateOf(container(m, 'shop', 'stubborn'))).toBe('running');
    expect(m.pod('shop').deletionTimestamp).toBe(2 * S);
    expect(thrown(() => m.deletePod('shop')).code).toBe('E_CONFLICT');
    const events = m.advanceTo(10 * S);
    expect(events.find((e) => e.type === 'pod.container.terminated' && e.container === 'stubborn')).toMatchObject({ time: 7 * S, attributes: { exitCode: '137' } });
    expect(events.at(-1)).toMatchObject({ type: 'pod.deleted', pod: 'shop', time: 7 * S });
    expect(thrown(() => m.pod('shop')).message).toBe('pods "shop" not found');
    expect(m.pods()).toEqual([]);
    expect(k.cgroups().some((c) => c.includes(s.uid))).toBe(false);
    expect(k.cgroups()).toContain('/kubepods/besteffort');
    // Every init exited; the engine kept what it needs (exit codes, logs) and the kernel forgot them.
    for (const pid of pids) expect(() => k.process(pid)).toThrow(/does not exist/);
    expect(k.processes().filter((p) => p.exit === null)).toEqual([]);
    expect(m.engine.ps({ all: true }).filter((c) => c.name.includes(s.uid))).toEqual([]);
  });

  it('with gracePeriod 0 it is done at once; the spec\'s terminationGracePeriodSeconds is the default', () => {
    const m = pods();
    m.createPod({ name: 'a', containers: [{ name: 'x', image: 'idle' }] });
    m.createPod({ name: 'b', terminationGracePeriodSeconds: 3, containers: [{ name: 'x', image: 'idle' }] });
    m.deletePod('a', { gracePeriod: 0 });
    expect(m.pods()).toEqual(['b']);
    m.deletePod('b');
    m.advanceTo(3 * S - 1);
    expect(m.pods()).toEqual(['b']);
    m.advanceTo(3 * S);
    expect(m.pods()).toEqual([]);
  });

  it('cancels a pending CrashLoopBackOff restart; with shareProcessNamespace every process of the pod dies', () => {
    const m = pods();
    const k = m.engine.kernel;
    m.createPod({ name: 'c', shareProcessNamespace: true, containers: [{ name: 'crash', image: 'crasher' }, { name: 'idle', image: 'idle' }] });
    m.advanceTo(5 * S);
    expect(container(m, 'c', 'crash').state).toEqual({ waiting: { reason: 'CrashLoopBackOff' } });
    const uid = m.pod('c').uid;
    m.deletePod('c', { gracePeriod: 1 });
    const events = m.advanceTo(60 * S);
    expect(events.filter((e) => e.type === 'pod.container.started')).toEqual([]);
    expect(m.pods()).toEqual([]);
    expect(k.processes().filter((p) => p.exit === null && p.cgroup.includes(uid))).toEqual([]);
  });

  it('refuses unknown pods and bad grace periods, changing nothing', () => {
    const m = pods();
    m.createPod({ name: 'a', containers: [{ name: 'x', image: 'idle' }] });
    const before = snapshot(m);
    expect(thrown(() => m.deletePod('nope')).code).toBe('E_NOT_FOUND');
    expect(thrown(() => m.deletePod('a', { gracePeriod: -1 })).code).toBe('E_VALIDATION');
    expect(thrown(() => m.deletePod('a', { gracePeriod: 1.5 })).code).toBe('E_VALIDATION');
    expect(snapshot(m)).toBe(before);
  });
});

describe('createPod refusals name the path and change nothing', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['bad pod name', { name: 'Bad_Name', containers: [{ name: 'x', image: 'idle' }] }, 'E_VALIDATION', /name: a lowercase RFC 1123 subdomain/],
    ['no containers', { name: 'p', containers: [] }, 'E_VALIDATION', /containers: Required value/],
    ['request above limit', { name: 'p', containers: [{ name: 'x', image: 'idle', resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }] }, 'E_VALIDATION', /containers\[0\]\.resources\.requests\.memory: must be less than or equal to memory limit of 1Gi/],
    ['bad quantity', { name: 'p', containers: [{ name: 'x', image: 'idle', resources: { limits: { cpu: 'lots' } } }] }, 'E_VALIDATION', /containers\[0\]\.resources\.limits\.cpu/],
    ['unknown program', { name: 'p', containers: [{ name: 'x', image: 'idle' }, { name: 'y', image: 'idle', command: 'nope' }] }, 'E_VALIDATION', /containers\[1\]\.command: no program named "nope"/],
    ['memory below the engine\'s floor', { name: 'p', containers: [{ name: 'x', image: 'idle', resources: { limits: { memory: '1Mi' } } }] }, 'E_VALIDATION', /containers\[0\]\.resources\.limits\.memory/],
    ['unknown image', { name: 'p', containers: [{ name: 'x', image: 'nosuchimage' }] }, 'E_NOT_FOUND', /nosuchimage/],
    ['unknown key', { name: 'p', containers: [{ name: 'x', image: 'idle' }], nodeName: 'n1' }, 'E_VALIDATION', /nodeName/],
  ];
  for (const [what, input, code, message] of cases) {
    it(what, () => {
      const m = pods();
      m.createPod({ name: 'existing', containers: [{ name: 'x', image: 'idle' }] });
      const before = snapshot(m);
      const e = thrown(() => m.createPod(input as never));
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
      expect(snapshot(m)).toBe(before);
    });
  }

  it('a name in use is a conflict (the API server\'s "already exists")', () => {
    const m = pods();
    m.createPod({ name: 'a', containers: [{ name: 'x', image: 'idle' }] });
    const before = snapshot(m);
    const e = thrown(() => m.createPod({ name: 'a', containers: [{ name: 'y', image: 'web' }] }));
    expect(e.code).toBe('E_CONFLICT');
    expect(e.message).toBe('pods "a" already exists');
    expect(snapshot(m)).toBe(before);
  });
});

describe('determinism', () => {
  const trace = (seed: number): string => {
    const m = pods({ seed });
    m.createPod({ name: 'web', containers: [{ name: 'app', image: 'web', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] });
    m.createPod({ name: 'crashy', restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'crasher' }, { name: 'hog', image: 'memhog', resources: { limits: { memory: '64Mi' } } }] });
    const out: unknown[] = [m.takeEvents()];
    for (let t = 10; t <= 400; t += 30) {
      out.push(m.advanceTo(t * S));
      if (t === 250) m.deletePod('web', { gracePeriod: 2 });
      out.push(m.pods().map((p) => m.pod(p)));
    }
    return JSON.stringify(out);
  };

  it('same seed and commands → the same trace; another seed → other uids', () => {
    const a = trace(7);
    expect(trace(7)).toBe(a);
    expect(a).toContain('CrashLoopBackOff');
    expect(a).toContain('OOMKilled');
    expect(trace(8)).not.toBe(a);
  });
});
