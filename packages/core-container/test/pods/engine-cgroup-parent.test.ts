// The engine additions pods stand on: `cgroupParent` (docker's --cgroup-parent) and `utsMode: container:<x>`
// (a CRI sandbox's uts namespace; Docker itself has no such --uts mode).
import { describe, expect, it } from 'vitest';
import { parseContainerSpec } from '@strata/shared-types';
import { rig, thrown, S } from '../engine/engine-fixture.js';

describe('engine: cgroupParent', () => {
  it('makes the container cgroup under the parent (ancestors made, controllers enabled) and removes only its own at exit', () => {
    const { engine } = rig();
    const k = engine.kernel;
    const id = engine.run({ image: 'idle', cgroupParent: '/kubepods/burstable/pod1', memory: 64 * 2 ** 20 });
    expect(engine.inspect(id).CgroupPath).toBe(`/kubepods/burstable/pod1/${id}`);
    expect(k.cgroups()).toEqual(expect.arrayContaining(['/kubepods', '/kubepods/burstable', '/kubepods/burstable/pod1', `/kubepods/burstable/pod1/${id}`]));
    expect(k.read('/kubepods/burstable/pod1', 'cgroup.subtree_control').trim().split(' ')).toEqual(expect.arrayContaining(['cpu', 'memory', 'pids']));
    expect(k.read(`/kubepods/burstable/pod1/${id}`, 'memory.max').trim()).toBe(String(64 * 2 ** 20));
    expect(k.process(engine.inspect(id).State.Pid).cgroup).toBe(`/kubepods/burstable/pod1/${id}`);
    engine.kill(id);
    engine.advanceTo(engine.now() + S);
    expect(k.cgroups()).not.toContain(`/kubepods/burstable/pod1/${id}`);
    expect(k.cgroups()).toContain('/kubepods/burstable/pod1');
  });

  it('an OOM kill under a cgroup parent is the container\'s (State.OOMKilled, an oom event)', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'memhog', cgroupParent: '/kubepods/pod2', memory: 32 * 2 ** 20 });
    const events = engine.advanceTo(10 * S);
    expect(engine.inspect(id).State.OOMKilled).toBe(true);
    expect(events.map((e) => e.action)).toContain('oom');
  });

  it('is Docker\'s --cgroup-parent in the spec words; bad paths are refused naming the field', () => {
    expect(parseContainerSpec({ image: 'web', 'cgroup-parent': '/kubepods/besteffort/podx' }).cgroupParent).toBe('/kubepods/besteffort/podx');
    for (const bad of ['kubepods', '/a//b', '/a/', '/a/../b', '']) {
      expect(thrown(() => parseContainerSpec({ image: 'web', 'cgroup-parent': bad })).message).toMatch(/cgroup-parent/);
      const { engine } = rig();
      const e = thrown(() => engine.create({ image: 'idle', cgroupParent: bad }));
      expect(e.code).toBe('E_VALIDATION');
      expect(e.message).toMatch(/cgroupParent/);
    }
  });
});

describe('engine: utsMode container:<x>', () => {
  it('joins the peer\'s uts namespace (same hostname, same nsLink); the default stays private', () => {
    const { engine } = rig();
    const k = engine.kernel;
    const infra = engine.run({ image: 'pause', hostname: 'mypod' });
    const app = engine.run({ image: 'idle', utsMode: `container:${infra}`, networkMode: `container:${infra}`, ipcMode: `container:${infra}` });
    const other = engine.run({ image: 'idle' });
    const [pi, pa, po] = [infra, app, other].map((id) => engine.inspect(id).State.Pid) as [number, number, number];
    expect(k.uname(pa).hostname).toBe('mypod');
    expect(k.nsLink(pa, 'uts')).toBe(k.nsLink(pi, 'uts'));
    expect(k.nsLink(po, 'uts')).not.toBe(k.nsLink(pi, 'uts'));
  });
});
