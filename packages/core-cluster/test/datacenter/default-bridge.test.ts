// Containers that name no network, in a scenario with networks, on three VMs: each VM is a Docker host
// with its own docker0, so every one runs, beside containers on the scenario's overlay network.
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { busy, scenario } from './fixtures.js';

function threeVms() {
  return scenario({
    name: 'bridges',
    seed: 3,
    duration: '10s',
    hosts: [{ name: 'h', count: 3, cpus: 4, memory: '16Gi' }],
    networks: [{ name: 'app', subnet: '10.10.0.0/16' }],
    placement: 'spread',
    vms: [{ name: 'vm', count: 3, vcpus: 2, memory: '2Gi' }],
    containers: [
      { name: 'plain', on: 'vm', count: 2, image: 'batch', command: busy(1) },
      { name: 'srv', on: 'vm-2', image: 'batch', networks: ['app'], command: [{ listen: { port: 5000 } }, { sleep: '1h' }] },
      // A container on vm-0's default bridge reaches vm-2's container by the overlay name only if it joins the overlay: it does not.
      { name: 'lone', on: 'vm-0', image: 'batch', command: [{ send: { to: 'srv:5000', bytes: '1M' } }, { exit: 0 }] },
    ],
  });
}

describe('default bridge per VM', () => {
  it('containers naming no network run on three VMs on three hosts, each VM on its own bridge', () => {
    const dc = createDatacenter(threeVms());
    expect(dc.vms().map((v) => v.host)).toEqual(['h-0', 'h-1', 'h-2']);
    const events = [...dc.takeEvents(), ...dc.step(2_000_000)];
    const plain = dc.containers().filter((c) => c.name.startsWith('plain-'));
    expect(plain.map((c) => c.name)).toEqual(['plain-vm-0-0', 'plain-vm-0-1', 'plain-vm-1-0', 'plain-vm-1-1', 'plain-vm-2-0', 'plain-vm-2-1']);
    // 1 s of CPU each on 2 vCPUs per VM: all done at 1 s, exit 0.
    for (const c of plain) {
      const die = events.find((e) => e.type === 'container.die' && e.subject === `container:${c.name}`);
      expect(die, c.name).toMatchObject({ exitCode: '0', time: 1_000_000 });
    }
    // srv (overlay only) is running; lone, on vm-0's default bridge, cannot resolve srv (not on its network): an error exit.
    expect(dc.container('srv').state).toBe('running');
    const lone = events.find((e) => e.type === 'container.die' && e.subject === 'container:lone');
    expect(lone).toBeDefined();
    expect(lone!['exitCode']).not.toBe('0');
    expect(events.filter((e) => e.type === 'action.failed')).toEqual([]);
    expect(dc.topology().networks).toEqual(['app']);
  });
});
