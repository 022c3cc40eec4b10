// The README's opening example, as written there, with what it shows checked.
import { describe, expect, it } from 'vitest';
import { createDatacenter, loadScenario } from '../../src/index.js';

const text = `
name: two-hosts
seed: 7
duration: 60s
hosts:
  - { name: h, count: 2, cpus: 8, memory: 32Gi, power: { idle: 100W, max: 250W } }
networks:
  - { name: app, subnet: 10.10.0.0/16 }
vms:
  - { name: vm, count: 4, vcpus: 2, memory: 4Gi }
containers:
  - name: web
    on: vm             # one set per instance of VM template "vm"
    count: 2           # per VM
    image: web
    cpus: "0.5"
    memory: 256Mi
    networks: [app]
actions:
  - { at: 20s, do: vm.migrate, vm: vm-0, to: h-1 }
  - { at: 30s, do: host.fail, host: h-0 }
metrics: { interval: 1s }
`;

describe('README example', () => {
  // About 1–2 s (it was tens of seconds while core-container's engine read every web server's process
  // record, sorting its latency sample, on each advance); the timeout leaves room on a loaded machine.
  it('runs: migrations, a host failure with HA, energy', { timeout: 60_000 }, () => {
    const { scenario, files } = loadScenario(text, { path: 'two-hosts.yaml' });
    const dc = createDatacenter(scenario, { files });
    dc.step(10_000_000); // 10 s
    expect(dc.vm('vm-0').state).toBe('running');
    expect(dc.host('h-0').cpuUtilization).toBeGreaterThan(0);
    dc.execute({ do: 'vm.migrate', vm: 'vm-1', to: 'h-1' });
    const report = dc.run(); // to the scenario's duration
    expect(report.simulatedUs).toBe(60_000_000);
    expect(report.vms.migrations).toBe(2);
    expect(report.hosts.failures).toBe(1);
    // vm-2 and vm-3 were still on h-0 at 30 s: restarted on h-1.
    expect(report.vms.haRestarts).toBe(2);
    expect(dc.vms().map((v) => v.host)).toEqual(['h-1', 'h-1', 'h-1', 'h-1']);
    expect(dc.vms().map((v) => [v.migrations, v.haRestarts])).toEqual([[1, 0], [1, 0], [0, 1], [0, 1]]);
    // The web servers' requests, those of the guests lost at 30 s included.
    expect(report.requests!.served).toBeGreaterThan(0);
    expect(report.containers.count).toBe(8);
    expect(report.energy.totalKWh).toBeGreaterThan(0);
    expect(dc.metrics().length).toBeGreaterThan(0);
  });
});
