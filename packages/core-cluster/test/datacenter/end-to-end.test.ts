// Issue 14's "done when", in one scenario (end-to-end-scenario.json): containers inside VMs on several
// hosts, nested scheduling (known shares), a network flow across hosts, a live migration (the flow
// after it crosses the target's NIC) and a host failure with HA restart, run end to end; the same
// scenario and seed give the same trace (across processes: determinism.test.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScenarioSchema } from '@strata/shared-types';
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import type { ClusterEvent } from '../../src/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const scenario = () => ScenarioSchema.parse(JSON.parse(readFileSync(`${here}end-to-end-scenario.json`, 'utf8')));

describe('end to end: nested scheduling, a flow, a migration and a host failure', () => {
  it('each layer does its part, with known answers where there is one', () => {
    const events: ClusterEvent[] = [];
    const dc = createDatacenter(scenario(), { onEvent: (e) => events.push(e) });
    // Placement: pinned VMs where their templates say, c by spread on the emptiest host.
    expect(dc.vms().map((v) => [v.name, v.host])).toEqual([['a', 'h-0'], ['k', 'h-0'], ['s', 'h-1'], ['c', 'h-2']]);
    dc.step(10_000_000);
    // Nested: a's 2 vCPUs hold h-0's 2 CPUs (k's vCPU sleeps), shared by 3 busy containers: 2/3 CPU
    // each; c's worker has h-2's CPU to itself. Known answers to the µs in fluid fidelity.
    for (const name of ['busy-0', 'busy-1', 'busy-2']) expect(dc.container(name).cpuUsec).toBe(Math.round((10_000_000 * 2) / 3));
    expect(dc.container('worker').cpuUsec).toBe(10_000_000);
    // The migration of s to edge-0 completed before the client sends.
    expect(dc.vm('s')).toMatchObject({ host: 'edge-0', migrations: 1, state: 'running' });
    expect(dc.container('srv').state).toBe('running');
    const report = dc.run();
    const of = (type: string, subject?: string) => events.filter((e) => e.type === type && (subject === undefined || e.subject === subject));
    // The flow: 100 MiB from k (h-0) to srv in s, now on edge-0 with its 1 Gbit/s NIC: 838,861 µs.
    expect(of('container.die', 'container:cli')).toMatchObject([{ exitCode: '0', time: 12_000_000 + 838_861 }]);
    // The host failure: c crashes with h-2 and HA restarts it elsewhere; its restart-always worker runs again.
    expect(of('host.failed')).toMatchObject([{ subject: 'host:h-2', time: 15_000_000, vms: ['c'] }]);
    const restarted = of('vm.ha_restarted', 'vm:c');
    expect(restarted).toMatchObject([{ from: 'h-2', time: 15_000_000 }]);
    expect(restarted[0]!['to']).not.toBe('h-2');
    expect(dc.vm('c')).toMatchObject({ host: restarted[0]!['to'], state: 'running' });
    expect(dc.container('worker').state).toBe('running');
    expect(of('host.repaired')).toMatchObject([{ subject: 'host:h-2', time: 25_000_000 }]);
    expect(report.vms.migrations).toBe(1);
    expect(report.hosts.failures).toBe(1);
    expect(report.vms.haRestarts).toBe(1);
    expect(dc.metrics().length).toBeGreaterThan(0);
  });

  it('the same scenario and seed give the same trace in one process (across processes: determinism.test.ts)', () => {
    const hash = (): string => {
      const h = createHash('sha256');
      createDatacenter(scenario(), { onEvent: (e) => h.update(`${JSON.stringify(e)}\n`) }).run();
      return h.digest('hex');
    };
    expect(hash()).toBe(hash());
  });
});
