// RunReport.requests keeps the figures of kernels the datacenter drops: a failed bare-metal host's,
// a crashed VM's guest replaced at its HA restart, a deleted VM's (known answers: each latency is its
// request's CPU time on an idle CPU).
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { oneAtATime, scenario } from './fixtures.js';

const fourMs = (served: number) => ({ served, latencyMs: { count: served, mean: 4, min: 4, max: 4, p50: 4, p95: 4, p99: 4 } });

describe('RunReport.requests across dropped kernels', () => {
  it('a bare-metal host that fails keeps its served requests in the report', () => {
    const dc = createDatacenter(
      scenario({
        name: 'bare-fail',
        seed: 3,
        duration: '60s',
        hosts: [{ name: 'bare', count: 2, cpus: 2, memory: '8Gi', hypervisor: 'none' }],
        containers: [{ name: 'srv', on: 'bare', image: 'web', command: oneAtATime(40, '4ms', 'idle') }],
      }),
    );
    dc.step(20_000_000);
    expect(dc.summary().requests).toEqual(fourMs(80));
    dc.execute({ do: 'host.fail', host: 'bare-0' });
    expect(dc.container('srv-bare-0').state).not.toBe('running');
    expect(dc.summary().requests).toEqual(fourMs(80));
    // Repaired, its container (restart policy no) stays created: nothing new, nothing lost.
    dc.execute({ do: 'host.repair', host: 'bare-0' });
    expect(dc.run().requests).toEqual(fourMs(80));
  });

  it('a VM restarted by HA: the crashed guest\'s requests and the new guest\'s add up; a deleted VM\'s stay', () => {
    const dc = createDatacenter(
      scenario({
        name: 'vm-ha',
        seed: 4,
        duration: '120s',
        hosts: [{ name: 'h', count: 2, cpus: 4, memory: '16Gi' }],
        vms: [
          { name: 'a', vcpus: 2, memory: '2Gi', host: 'h' },
          { name: 'b', vcpus: 2, memory: '2Gi', host: 'h' },
        ],
        placement: 'spread',
        containers: [
          { name: 'srv', on: 'a', image: 'web', restart: 'always', command: oneAtATime(30, '4ms', 'idle') },
          { name: 'other', on: 'b', image: 'web', command: oneAtATime(10, '4ms', 'idle') },
        ],
      }),
    );
    dc.step(20_000_000);
    expect(dc.summary().requests).toEqual(fourMs(40));
    const from = dc.vm('a').host!;
    dc.execute({ do: 'host.fail', host: from });
    expect(dc.vm('a').haRestarts).toBe(1);
    expect(dc.summary().requests).toEqual(fourMs(40));
    // srv starts again in the new guest (restart always) as the VM boots (5 s): 30 more requests, each
    // 4 ms of CPU; one arrives while the vCPUs are still booting and waits for them, so only the
    // counts, the minimum and the median are known exactly.
    dc.step(40_000_000);
    const both = dc.summary().requests!;
    expect([both.served, both.latencyMs.count, both.latencyMs.min]).toEqual([70, 70, 4]);
    expect(Math.abs(both.latencyMs.p50 - 4)).toBeLessThanOrEqual(0.04);
    dc.execute({ do: 'vm.delete', vm: 'b' });
    expect(dc.summary().requests).toEqual(both);
  });
});
