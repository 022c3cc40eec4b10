// A NIC's limiters on core-network's flow model: the tap's traffic crosses the vNIC limiter links
// the device model describes, and a PATCH after boot becomes a capacity change.
import { createFlowNetwork } from '@strata/core-network';
import { describe, expect, it } from 'vitest';
import { createDeviceModel } from '../../src/devices/index.ts';

describe('virtio-net on core-network', () => {
  it('a tx limiter of 12.5 MB/s holds a flow over a 125 MB/s uplink; a PATCH raises it', () => {
    const devices = createDeviceModel();
    devices.addVm('vm1');
    devices.putNetworkInterface('vm1', { iface_id: 'eth0', host_dev_name: 'tap0', tx_rate_limiter: { bandwidth: { size: 1_250_000, refill_time: 100 } } });
    devices.startVm('vm1');
    const net = createFlowNetwork();
    net.addLink({ id: 'h1-uplink', capacity: 125_000_000, latency: 0 });
    for (const spec of devices.vnicLimiterSpecs('vm1', 'eth0')) net.addVnicLimiter(spec);
    net.startFlow({ id: 'upload', path: ['vm1/eth0/tx', 'h1-uplink'], bytes: 25_000_000 });
    expect(net.flow('upload').rateBytesPerSecond).toBe(12_500_000);
    net.advanceTo(1_000_000); // half delivered
    devices.patchNetworkInterface('vm1', { iface_id: 'eth0', tx_rate_limiter: { bandwidth: { size: 12_500_000, refill_time: 100 } } });
    const [tx] = devices.vnicLimiterSpecs('vm1', 'eth0');
    net.setCapacity(tx!.id, (tx!.bandwidth.size * 1000) / tx!.bandwidth.refillTimeMs);
    expect(net.flow('upload').rateBytesPerSecond).toBe(125_000_000);
    expect(net.advanceTo(2_000_000).map((e) => [e.flow, e.time])).toEqual([['upload', 1_100_000]]);
  });
});
