// The sampler's container series against the container views read at the same instants: the CPU
// series is the view's CPU time difference over the interval and the memory series its memory, also
// across a kill with a restart policy, a stop and start (the cgroup made again at the same path), and
// an HA restart (a fresh kernel on another host), and a container deleted from between them.
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { scenario } from './fixtures.js';

describe('container series', () => {
  it('equal the views at every sample through a kill, a stop/start and an HA restart', () => {
    const dc = createDatacenter(
      scenario({
        name: 'series',
        seed: 3,
        duration: '20s',
        hosts: [{ name: 'h', count: 2, cpus: 2, memory: '16Gi' }],
        vms: [{ name: 'v', vcpus: 2, memory: '2Gi' }, { name: 'w', vcpus: 1, memory: '2Gi' }],
        containers: [
          { name: 'busy', on: 'v', image: 'batch', command: [{ cpu: '700ms' }, { exit: 1 }], restart: 'always' },
          { name: 'extra', on: 'v', image: 'batch', command: [{ cpu: '1000s' }] },
          { name: 'web', on: 'v', image: 'web', command: [{ listen: 80 }, { serve: { rate: 50, cpu: '3ms', memory: '1M', workers: 2 } }], restart: 'always' },
          { name: 'other', on: 'w', image: 'batch', command: [{ cpu: '1000s' }], restart: 'always' },
        ],
        actions: [
          { at: '2500ms', do: 'container.kill', container: 'web', signal: 'SIGKILL' },
          { at: '3500ms', do: 'container.start', container: 'web' },
          { at: '7200ms', do: 'host.fail', host: 'h-0' },
          { at: '15500ms', do: 'container.delete', container: 'extra' },
        ],
        metrics: { interval: '1s' },
      }),
    );
    const names = ['busy', 'web', 'other'];
    const seen: Record<string, { cpu: number[]; memory: number[] }> = Object.fromEntries(names.map((n) => [n, { cpu: [], memory: [] }]));
    for (let t = 0; t <= 20; t++) {
      if (t > 0) dc.step(1_000_000);
      for (const n of names) {
        const v = dc.container(n);
        seen[n]!.cpu.push(v.cpuUsec);
        seen[n]!.memory.push(v.memoryBytes);
      }
    }
    const series = dc.metrics();
    for (const n of names) {
      const cpu = series.find((s) => s.name === `container:${n}/cpu`)!;
      const memory = series.find((s) => s.name === `container:${n}/memory`)!;
      expect(cpu.values).toHaveLength(21);
      const want = seen[n]!.cpu.map((c, i) => (i === 0 ? 0 : Math.max(0, c - seen[n]!.cpu[i - 1]!) / 1_000_000));
      expect([...cpu.values]).toEqual(want);
      expect([...memory.values]).toEqual(seen[n]!.memory);
    }
    // The run did go through what the test is about: busy restarted by its policy, web served again after its start, the VMs moved.
    expect(dc.container('busy').restarts).toBeGreaterThan(0);
    expect(dc.vm('v').host).toBe('h-1');
    expect(dc.vm('w').host).toBe('h-1');
    expect(dc.containers().map((c) => c.name)).toEqual(['busy', 'web', 'other']);
    expect(seen['web']!.cpu[3]!).toBeLessThan(seen['web']!.cpu[2]!); // killed at 2.5 s, started at 3.5 s: a fresh cgroup
    expect(seen['web']!.cpu[4]!).toBeGreaterThan(0);
    expect(seen['web']!.cpu[20]!).toBeGreaterThan(0); // on the new host's fresh kernel
    expect(seen['other']!.cpu[20]!).toBeGreaterThan(0);
  });
});
