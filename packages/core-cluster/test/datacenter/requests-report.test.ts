// RunReport.requests: every container kernel's served requests and latencies merged (exact count,
// mean, min, max; percentiles within 1 %), checked on known answers where each latency is the
// request's CPU time, across VMs and bare metal.
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { nested, oneAtATime, scenario } from './fixtures.js';

const within1 = (approx: number, exact: number) => Math.abs(approx - exact) <= 0.01 * exact;

describe('RunReport.requests', () => {
  it('a single bare-metal server with fixed CPU per request on an idle CPU: latency = CPU time exactly', () => {
    const dc = createDatacenter(
      scenario({
        name: 'one-server',
        seed: 3,
        duration: '30s',
        hosts: [{ name: 'bare', cpus: 2, memory: '8Gi', hypervisor: 'none' }],
        containers: [{ name: 'srv', on: 'bare', image: 'web', command: oneAtATime(40, '4ms') }],
      }),
    );
    const report = dc.run();
    expect(report.requests).toEqual({ served: 40, latencyMs: { count: 40, mean: 4, min: 4, max: 4, p50: 4, p95: 4, p99: 4 } });
  });

  it('two servers in two VMs merge to the pooled answer: mean exact, p99 within 1 %', () => {
    const dc = createDatacenter(
      scenario({
        name: 'two-servers',
        seed: 5,
        duration: '60s',
        hosts: [{ name: 'h', count: 2, cpus: 4, memory: '16Gi' }],
        vms: [
          { name: 'a', vcpus: 2, memory: '2Gi', host: 'h-0' },
          { name: 'b', vcpus: 2, memory: '2Gi', host: 'h-1' },
        ],
        containers: [
          { name: 'fast', on: 'a', image: 'web', command: oneAtATime(90, '2ms') },
          { name: 'slow', on: 'b', image: 'web', command: oneAtATime(10, '50ms') },
        ],
      }),
    );
    const r = dc.run().requests!;
    // Pooled raw latencies: 90 × 2 ms and 10 × 50 ms: mean 6.8, p50 2, p95 and p99 50.
    expect(r.served).toBe(100);
    expect(r.latencyMs.count).toBe(100);
    expect(r.latencyMs.mean).toBeCloseTo(6.8, 9);
    expect([r.latencyMs.min, r.latencyMs.max]).toEqual([2, 50]);
    expect(within1(r.latencyMs.p50, 2)).toBe(true);
    expect(within1(r.latencyMs.p95, 50)).toBe(true);
    expect(within1(r.latencyMs.p99, 50)).toBe(true);
  });

  it('Poisson web servers: served counts every completion, the summary agrees with itself; absent when nothing served', () => {
    const web = createDatacenter(
      scenario({
        name: 'web',
        seed: 1,
        duration: '20s',
        hosts: [{ name: 'h', count: 2, cpus: 4, memory: '16Gi' }],
        vms: [{ name: 'vm', count: 2, vcpus: 2, memory: '2Gi' }],
        containers: [{ name: 'w', on: 'vm', count: 2, image: 'web', command: [{ serve: { rate: 20, cpu: '5ms', workers: 2 } }] }],
      }),
    );
    const r = web.run().requests!;
    // 4 servers × 20/s × 20 s ≈ 1,600 arrivals; every latency at least the 5 ms of CPU.
    expect(r.served).toBeGreaterThan(1400);
    expect(r.served).toBeLessThan(1800);
    expect(r.latencyMs.count).toBe(r.served);
    expect(r.latencyMs.min).toBeGreaterThanOrEqual(5);
    expect(r.latencyMs.min).toBeLessThanOrEqual(r.latencyMs.p50);
    expect(r.latencyMs.p50).toBeLessThanOrEqual(r.latencyMs.p95);
    expect(r.latencyMs.p95).toBeLessThanOrEqual(r.latencyMs.p99);
    expect(r.latencyMs.p99).toBeLessThanOrEqual(r.latencyMs.max);
    expect(r.latencyMs.mean).toBeGreaterThanOrEqual(r.latencyMs.min);
    expect(r.latencyMs.mean).toBeLessThanOrEqual(r.latencyMs.max);
    // Batch containers serve nothing: no requests section.
    expect(createDatacenter(nested({ duration: '2s' })).run().requests).toBeUndefined();
  });
});
