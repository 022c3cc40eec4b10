// The README's step-wise controller: a threshold autoscaler that adds a VM of the `web` template when
// the template's VMs stay above 80 % CPU for three observations in a row (5 s apart), up to 4 VMs.
import { ScenarioSchema } from '@strata/shared-types';
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import type { Datacenter } from '../../src/index.js';

/** Step `dc` to 60 s in 5 s steps, scaling `web` up on sustained high utilization; returns the decisions. */
function autoscale(dc: Datacenter): string[] {
  const decisions: string[] = [];
  const last = new Map<string, number>();
  let high = 0;
  for (let step = 0; step < 12; step++) {
    dc.step(5_000_000);
    const web = dc.vms().filter((v) => v.template === 'web' && v.state === 'running');
    const busy = web.map((v) => (v.cpuUsec - (last.get(v.name) ?? 0)) / (5_000_000 * v.vcpus));
    for (const v of web) last.set(v.name, v.cpuUsec);
    const utilization = busy.reduce((a, b) => a + b, 0) / Math.max(1, busy.length);
    high = utilization > 0.8 ? high + 1 : 0;
    if (high >= 3 && web.length < 4) {
      dc.execute({ do: 'scale', template: 'web', count: dc.vms().filter((v) => v.template === 'web').length + 1 });
      decisions.push(`${dc.now() / 1e6}s: utilization ${utilization.toFixed(2)} → ${web.length + 1} VMs`);
      high = 0;
    }
  }
  return decisions;
}

const scenario = ScenarioSchema.parse({
  name: 'autoscale',
  seed: 1,
  hosts: [{ name: 'h', count: 4, cpus: 4, memory: '32Gi' }],
  // spread: each new VM on the emptiest host (first-fit would pack a third VM onto h-0, 6 vCPUs on
  // 4 pCPUs, and the average would fall to 0.67: no more scaling).
  placement: 'spread',
  vms: [{ name: 'web', count: 1, vcpus: 2, memory: '4Gi' }],
  containers: [{ name: 'app', on: 'web', count: 2, image: 'batch', command: [{ cpu: '1h' }] }],
});

describe('step-wise control: a threshold autoscaler', () => {
  it('adds a VM after three high observations, each new VM (booting 5 s, then busy) joining the average', () => {
    const dc = createDatacenter(scenario);
    const decisions = autoscale(dc);
    // 5, 10, 15 s: web-0 at 100 % → scale at 15 s. web-1 boots until 20 s and counts from its first
    // full interval: 25, 30, 35 s high → scale at 35 s; web-2 the same 20 s later → scale at 55 s.
    expect(decisions).toEqual(['15s: utilization 1.00 → 2 VMs', '35s: utilization 1.00 → 3 VMs', '55s: utilization 1.00 → 4 VMs']);
    expect(dc.vms().map((v) => v.name)).toEqual(['web-0', 'web-1', 'web-2', 'web-3']);
    expect(new Set(dc.vms().map((v) => v.host)).size).toBe(4);
    expect(dc.containers().map((c) => c.name)).toEqual(['app-web-0-0', 'app-web-0-1', 'app-web-1-0', 'app-web-1-1', 'app-web-2-0', 'app-web-2-1', 'app-web-3-0', 'app-web-3-1']);
    // The same controller on the same scenario decides the same.
    expect(autoscale(createDatacenter(scenario))).toEqual(decisions);
  });

  it('under first-fit the third VM lands on h-0 beside the first two (6 vCPUs on 4 pCPUs): 0.67 each, so the controller stops at 3', () => {
    const dc = createDatacenter({ ...scenario, placement: 'first-fit' });
    expect(autoscale(dc)).toEqual(['15s: utilization 1.00 → 2 VMs', '35s: utilization 1.00 → 3 VMs']);
    expect(dc.vms().map((v) => v.host)).toEqual(['h-0', 'h-0', 'h-0']);
    expect(dc.vm('web-2').stealUsec).toBeGreaterThan(0);
  });
});
