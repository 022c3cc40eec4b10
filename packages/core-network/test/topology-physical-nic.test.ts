// Hosts that are VMs ride on their hypervisor hosts' NICs (`physicalNic`): cross-host paths cross
// those NICs, VMs on one NIC do not, and `setPhysicalNic` moves a VM (a live migration).
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '@strata/shared-types';
import { createFlowNetwork } from '../src/flows/index.ts';
import { createNetworkModel } from '../src/topology/index.ts';
import type { NetworkModel } from '../src/topology/index.ts';

const GIGABIT = 125_000_000;
const TEN = 1_250_000_000;

/** VMs v1, v2 on hypervisor NIC p1 (1 Gbit/s), v3 on p2 (10 Gbit/s); vNIC uplinks of 10 Gbit/s; one overlay; a namespace per VM. */
function vms(): NetworkModel {
  const m = createNetworkModel();
  const vnic = { capacity: TEN, latency: 0 };
  m.addHost({ name: 'v1', address: '192.0.2.1', uplink: vnic, physicalNic: { name: 'p1', capacity: GIGABIT, latency: 0 } });
  m.addHost({ name: 'v2', address: '192.0.2.2', uplink: vnic, physicalNic: { name: 'p1', capacity: GIGABIT, latency: 0 } });
  m.addHost({ name: 'v3', address: '192.0.2.3', uplink: vnic, physicalNic: { name: 'p2', capacity: TEN, latency: 0 } });
  m.createNetwork({ name: 'ov', driver: 'overlay', subnet: '10.0.0.0/24' });
  for (const [ns, host] of [['a', 'v1'], ['b', 'v2'], ['c', 'v3']] as const) {
    m.createNamespace({ name: ns, host });
    m.attach({ namespace: ns, network: 'ov' });
  }
  return m;
}

describe('physical NICs under VM hosts', () => {
  it('a cross-NIC path crosses both NICs; VMs on one NIC do not cross it; links() lists each NIC once', () => {
    const m = vms();
    expect(m.pathLinks('a', 'c')).toEqual(['ns:a/eth0:tx', 'host:v1/uplink:tx', 'nic:p1:tx', 'nic:p2:rx', 'host:v3/uplink:rx', 'ns:c/eth0:rx']);
    expect(m.pathLinks('a', 'b')).toEqual(['ns:a/eth0:tx', 'host:v1/uplink:tx', 'host:v2/uplink:rx', 'ns:b/eth0:rx']);
    expect(m.reach('a', 'c', 80).path.filter((h) => h.id.startsWith('nic:')).map((h) => h.id)).toEqual(['nic:p1', 'nic:p2']);
    const nics = m.links().filter((l) => l.id.startsWith('nic:'));
    expect(nics).toEqual([
      { id: 'nic:p1:tx', capacity: GIGABIT, latency: 0 },
      { id: 'nic:p1:rx', capacity: GIGABIT, latency: 0 },
      { id: 'nic:p2:tx', capacity: TEN, latency: 0 },
      { id: 'nic:p2:rx', capacity: TEN, latency: 0 },
    ]);
    // The slower NIC is the bottleneck of a flow.
    const flows = createFlowNetwork();
    for (const l of m.links()) flows.addLink(l);
    flows.startFlow({ id: 'f', path: m.pathLinks('a', 'c'), bytes: GIGABIT });
    expect(flows.flow('f').rateBytesPerSecond).toBe(GIGABIT);
  });

  it('setPhysicalNic moves a VM: paths from then on cross the new NIC; null takes it off; the snapshot shows it', () => {
    const m = vms();
    m.setPhysicalNic('v1', { name: 'p2', capacity: TEN, latency: 0 });
    expect(m.pathLinks('a', 'c')).toEqual(['ns:a/eth0:tx', 'host:v1/uplink:tx', 'host:v3/uplink:rx', 'ns:c/eth0:rx']);
    expect(m.pathLinks('a', 'b')).toEqual(['ns:a/eth0:tx', 'host:v1/uplink:tx', 'nic:p2:tx', 'nic:p1:rx', 'host:v2/uplink:rx', 'ns:b/eth0:rx']);
    expect(m.snapshot().hosts.find((h) => h.name === 'v1')!.physicalNic).toEqual({ name: 'p2', capacity: TEN, latency: 0 });
    m.setPhysicalNic('v1', null);
    expect(m.pathLinks('a', 'c')).toEqual(['ns:a/eth0:tx', 'host:v1/uplink:tx', 'nic:p2:rx', 'host:v3/uplink:rx', 'ns:c/eth0:rx']);
    expect(m.snapshot().hosts.find((h) => h.name === 'v1')!.physicalNic).toBeUndefined();
  });

  it('refuses an unknown host, a bad NIC and a NIC named with another profile, changing nothing', () => {
    const m = vms();
    const before = JSON.stringify(m.snapshot());
    expect(() => m.setPhysicalNic('nope', null)).toThrow(NotFoundError);
    expect(() => m.setPhysicalNic('v1', { name: 'P 1', capacity: GIGABIT, latency: 0 })).toThrow(ValidationError);
    expect(() => m.setPhysicalNic('v1', { name: 'p3', capacity: 0, latency: 0 })).toThrow(ValidationError);
    expect(() => m.setPhysicalNic('v1', { name: 'p2', capacity: GIGABIT, latency: 0 })).toThrow(ConflictError);
    expect(() => m.addHost({ name: 'v4', address: '192.0.2.4', uplink: { capacity: TEN, latency: 0 }, physicalNic: { name: 'p1', capacity: TEN, latency: 0 } })).toThrow(/physical NIC p1 is already 125000000 B\/s/);
    expect(JSON.stringify(m.snapshot())).toBe(before);
    // The only host on a NIC may change that NIC's profile.
    m.setPhysicalNic('v3', { name: 'p2', capacity: GIGABIT, latency: 5 });
    expect(m.links().find((l) => l.id === 'nic:p2:tx')).toEqual({ id: 'nic:p2:tx', capacity: GIGABIT, latency: 5 });
  });
});
