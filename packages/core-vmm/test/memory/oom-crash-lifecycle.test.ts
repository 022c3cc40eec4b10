// The host OOM killer as the lifecycle sees it: a composer (here a tiny loop, core-cluster's job in
// the product) runs both passive models to each next event and turns `vm.oom_killed` into `crash`.
import { describe, expect, it } from 'vitest';
import { createHostMemory, createVmLifecycles } from '../../src/index.ts';

const MiB = 1024 * 1024;
const S = 1_000_000;

describe('host OOM → lifecycle crash', () => {
  it('the largest VM crashes with reason host-oom at the kill’s µs; the other keeps running', () => {
    const life = createVmLifecycles();
    const mem = createHostMemory({ ramBytes: 1024 * MiB, overcommitRatio: 2 });
    for (const [name, size] of [['big', 1024 * MiB], ['small', 512 * MiB]] as const) {
      life.define(name, { memoryBytes: size });
      mem.addVm(name, { memoryBytes: size });
      life.start(name);
    }
    const events: string[] = [];
    const step = (until: number): void => {
      for (;;) {
        const t = Math.min(life.nextEventTime(), mem.nextEventTime(), until);
        // Both clocks reach t first, so a command caused by the other's fact applies at t.
        const lifeEvents = life.advanceTo(t);
        const memEvents = mem.advanceTo(t);
        for (const e of lifeEvents) {
          events.push(`${e.time} ${e.type} ${'vm' in e ? e.vm : ''}`);
          if (e.type === 'vm.booted') mem.startVm(e.vm);
        }
        for (const e of memEvents) {
          events.push(`${e.time} ${e.type} ${'vm' in e ? e.vm : ''}`);
          if (e.type === 'vm.oom_killed') life.crash(e.vm, 'host-oom');
        }
        for (const e of life.takeEvents()) events.push(`${e.time} ${e.type} ${'vm' in e ? e.vm : ''}`);
        if (t >= until) return;
      }
    };
    step(10 * S);
    expect(mem.vm('big').phase).toBe('running');
    mem.setWorkload('big', { bytes: 800 * MiB, bytesPerSecond: 100 * MiB });
    mem.setWorkload('small', { bytes: 300 * MiB });
    step(30 * S);
    // 800 + 300 + 2 × 5 MiB > 1024 MiB once big passes 714 MiB (7.14 s after 10 s, 1 µs more for the excess).
    expect(events.filter((e) => e.includes('oom') || e.includes('crashed'))).toEqual(['17140001 vm.oom_killed big', '17140001 vm.crashed big']);
    expect(life.inspect('big').phase).not.toBe('running');
    expect(life.inspect('small').phase).toBe('running');
    expect(mem.host().usedBytes).toBe(305 * MiB);
  });
});
