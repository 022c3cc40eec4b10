// What pod containers see of each other (kubernetes.io pods: one net and IPC namespace, hostname = pod name,
// PID only with shareProcessNamespace), checked through the kernel's nsLink, uname and ps.
import { describe, expect, it } from 'vitest';
import { parseProgram } from '@strata/shared-types';
import { container, pods } from './pod-fixture.js';
import type { PodManager } from '../../src/pods/types.js';

function twoContainerPod(m: PodManager, name: string, shareProcessNamespace: boolean) {
  m.createPod({ name, shareProcessNamespace, containers: [{ name: 'a', image: 'idle' }, { name: 'b', image: 'web' }] });
  const s = m.pod(name);
  return { a: container(m, name, 'a').pid, b: container(m, name, 'b').pid, sandbox: s.sandbox.pid };
}

describe('containers of one pod', () => {
  for (const network of [true, false]) {
    it(`share net, ipc and uts with the sandbox (hostname = pod name), each its own mnt${network ? '' : ' (engine without a network model)'}`, () => {
      const m = pods({ network });
      const k = m.engine.kernel;
      const { a, b, sandbox } = twoContainerPod(m, 'shop', false);
      const host = k.spawn({ name: 'host', program: parseProgram([{ sleep: '1h' }]) });
      for (const type of ['net', 'ipc', 'uts'] as const) {
        expect(k.nsLink(a, type)).toBe(k.nsLink(sandbox, type));
        expect(k.nsLink(b, type)).toBe(k.nsLink(sandbox, type));
        expect(k.nsLink(a, type)).not.toBe(k.nsLink(host, type));
      }
      expect([a, b, sandbox].map((p) => k.uname(p).hostname)).toEqual(['shop', 'shop', 'shop']);
      expect(new Set([a, b, sandbox].map((p) => k.nsLink(p, 'mnt'))).size).toBe(3);
    });
  }

  it('keep their own pid namespaces by default: each container is PID 1 of its own and sees only itself', () => {
    const m = pods();
    const k = m.engine.kernel;
    const { a, b, sandbox } = twoContainerPod(m, 'solo', false);
    expect(new Set([a, b, sandbox].map((p) => k.nsLink(p, 'pid'))).size).toBe(3);
    expect(k.ps(a).map((p) => p.globalPid)).toEqual([a]);
    expect(k.ps(a)[0]!.pid).toBe(1);
    expect(k.ps(b).map((p) => p.globalPid)).not.toContain(a);
  });

  it('share one pid namespace with shareProcessNamespace: the pause container is PID 1 and ps shows every container\'s processes', () => {
    const m = pods();
    const k = m.engine.kernel;
    const { a, b, sandbox } = twoContainerPod(m, 'shared', true);
    expect(k.nsLink(a, 'pid')).toBe(k.nsLink(sandbox, 'pid'));
    expect(k.nsLink(b, 'pid')).toBe(k.nsLink(sandbox, 'pid'));
    const seen = k.ps(a);
    expect(seen.map((p) => p.globalPid)).toEqual(expect.arrayContaining([sandbox, a, b]));
    expect(seen.find((p) => p.globalPid === sandbox)!.pid).toBe(1);
    expect(seen.find((p) => p.globalPid === a)!.pid).not.toBe(1);
    expect(k.ps(b).map((p) => p.globalPid)).toEqual(seen.map((p) => p.globalPid));
  });

  it('a long pod name gives a hostname of its first 63 characters, trailing "-" and "." dropped (kubelet truncatePodHostnameIfNeeded)', () => {
    const m = pods();
    const name = `${'a'.repeat(62)}.bbbb`;
    m.createPod({ name, containers: [{ name: 'a', image: 'idle' }] });
    expect(m.pod(name).hostname).toBe('a'.repeat(62));
    expect(m.engine.kernel.uname(container(m, name, 'a').pid).hostname).toBe('a'.repeat(62));
  });
});

describe('containers of different pods', () => {
  it('share no namespace and no cgroup; each pod has its own hostname', () => {
    const m = pods();
    const k = m.engine.kernel;
    const one = twoContainerPod(m, 'one', true);
    const two = twoContainerPod(m, 'two', true);
    for (const type of ['net', 'ipc', 'uts', 'pid', 'mnt'] as const) {
      for (const p of [one.a, one.b, one.sandbox]) for (const q of [two.a, two.b, two.sandbox]) expect(k.nsLink(p, type)).not.toBe(k.nsLink(q, type));
    }
    expect(k.uname(one.a).hostname).toBe('one');
    expect(k.uname(two.a).hostname).toBe('two');
    expect(k.ps(one.a).map((p) => p.globalPid)).not.toContain(two.a);
    expect(m.pod('one').cgroupPath).not.toBe(m.pod('two').cgroupPath);
    expect(k.process(one.a).cgroup.startsWith(`${m.pod('one').cgroupPath}/`)).toBe(true);
    expect(k.process(two.a).cgroup.startsWith(`${m.pod('two').cgroupPath}/`)).toBe(true);
  });
});
