import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@strata/shared-types';
import { createPortPublisher, translate } from '../src/ports/index.ts';
import type { NatHost, PacketTuple } from '../src/ports/index.ts';

const host: NatHost = {
  addresses: ['192.168.1.10', '2001:db8::10'],
  egress: { ipv4: '192.168.1.10' },
  bridges: [
    { subnet: '172.17.0.0/16', gateway: '172.17.0.1' },
    { subnet: '172.18.0.0/16', gateway: '172.18.0.1' },
    { subnet: '172.19.0.0/16', gateway: '172.19.0.1', masquerade: false },
  ],
};

function setup() {
  const ports = createPortPublisher();
  ports.publish({ containerId: 'web', containerIp: '172.18.0.2', containerPort: 80, hostPort: 8080 });
  ports.publish({ containerId: 'dns', containerIp: '172.18.0.3', containerPort: 53, hostPort: 53, protocol: 'udp', hostIp: '192.168.1.10' });
  return ports.list();
}

const pkt = (srcIp: string, dstIp: string, dstPort: number, protocol: PacketTuple['protocol'] = 'tcp'): PacketTuple => ({
  protocol,
  srcIp,
  srcPort: 40000,
  dstIp,
  dstPort,
});

describe('translate', () => {
  const bindings = setup();

  it('DNAT: an outside client reaching a published port gets the container, source kept', () => {
    expect(translate(pkt('203.0.113.7', '192.168.1.10', 8080), host, bindings)).toEqual({
      kind: 'dnat',
      tuple: { protocol: 'tcp', srcIp: '203.0.113.7', srcPort: 40000, dstIp: '172.18.0.2', dstPort: 80 },
      binding: bindings[0],
    });
  });

  it('a specific-IP binding only answers on that address and protocol', () => {
    expect(translate(pkt('203.0.113.7', '192.168.1.10', 53, 'udp'), host, bindings)?.tuple.dstIp).toBe('172.18.0.3');
    expect(translate(pkt('203.0.113.7', '172.17.0.1', 53, 'udp'), host, bindings)).toBeNull();
    expect(translate(pkt('203.0.113.7', '192.168.1.10', 53, 'tcp'), host, bindings)).toBeNull();
  });

  it('a port nobody published on a host address is for the host itself: no NAT', () => {
    expect(translate(pkt('203.0.113.7', '192.168.1.10', 22), host, bindings)).toBeNull();
  });

  it('hairpin: a container reaching its own published port via the host address sees the bridge gateway as source', () => {
    expect(translate(pkt('172.18.0.2', '192.168.1.10', 8080), host, bindings)).toMatchObject({
      kind: 'hairpin',
      tuple: { srcIp: '172.18.0.1', dstIp: '172.18.0.2', dstPort: 80 },
    });
  });

  it('a container on another bridge reaches a published port: DNAT and masquerade to the target gateway', () => {
    expect(translate(pkt('172.17.0.5', '192.168.1.10', 8080), host, bindings)).toMatchObject({
      kind: 'dnat-masquerade',
      tuple: { srcIp: '172.18.0.1', dstIp: '172.18.0.2', dstPort: 80 },
    });
  });

  it('host loopback reaches a 0.0.0.0 binding through the proxy; the container sees the gateway', () => {
    expect(translate(pkt('127.0.0.1', '127.0.0.1', 8080), host, bindings)).toMatchObject({
      kind: 'loopback',
      tuple: { srcIp: '172.18.0.1', dstIp: '172.18.0.2' },
    });
  });

  it('the [::] half of a default publication forwards to an IPv4 container only via the proxy', () => {
    expect(translate(pkt('2001:db8::99', '2001:db8::10', 8080), host, bindings)).toMatchObject({
      kind: 'proxy',
      tuple: { srcIp: '172.18.0.1', dstIp: '172.18.0.2', dstPort: 80 },
    });
  });

  it('masquerade: outbound from a container leaves with the host egress address', () => {
    expect(translate(pkt('172.18.0.2', '93.184.216.34', 443), host, bindings)).toEqual({
      kind: 'masquerade',
      tuple: { protocol: 'tcp', srcIp: '192.168.1.10', srcPort: 40000, dstIp: '93.184.216.34', dstPort: 443 },
    });
  });

  it('no NAT on one bridge, between bridges, with masquerade off, or with no egress for the family', () => {
    expect(translate(pkt('172.18.0.2', '172.18.0.3', 80), host, bindings)).toBeNull();
    expect(translate(pkt('172.18.0.2', '172.17.0.3', 80), host, bindings)).toBeNull();
    expect(translate(pkt('172.19.0.2', '93.184.216.34', 443), host, bindings)).toBeNull();
    expect(translate(pkt('fd00::2', '2001:db8::99', 443), { ...host, bridges: [...host.bridges, { subnet: 'fd00::/64', gateway: 'fd00::1' }] }, bindings)).toBeNull();
    expect(translate(pkt('203.0.113.7', '93.184.216.34', 443), host, bindings)).toBeNull();
  });

  it('rejects malformed packets with the field named', () => {
    expect(() => translate({ ...pkt('1.2.3.4', '192.168.1.10', 80), srcPort: 0 }, host, bindings)).toThrow(
      'packet.srcPort must be an integer 1..65535; got 0',
    );
    expect(() => translate(pkt('1.2.3', '192.168.1.10', 80), host, bindings)).toThrow(ValidationError);
    expect(() => translate(pkt('1.2.3.4', '192.168.1.10', 80, 'icmp' as never), host, bindings)).toThrow(
      'packet.protocol must be one of tcp, udp, sctp; got "icmp"',
    );
    expect(() => translate(pkt('1.2.3.4', '5.6.7.8', 80), { ...host, bridges: [{ subnet: 'nope', gateway: '1.1.1.1' }] }, bindings)).toThrow(
      'host.bridges[0].subnet must be a CIDR subnet',
    );
  });

  it('property: DNAT only ever targets a live binding of the same protocol and port; outside traffic is never rewritten at the source', () => {
    const ipArb = fc.constantFrom('203.0.113.7', '192.168.1.10', '127.0.0.1', '172.18.0.2', '172.17.0.5', '172.18.0.1', '93.184.216.34');
    fc.assert(
      fc.property(ipArb, ipArb, fc.constantFrom(53, 80, 8080, 22), fc.constantFrom('tcp' as const, 'udp' as const), (src, dst, port, proto) => {
        const result = translate(pkt(src, dst, port, proto), host, bindings);
        if (result === null || result.kind === 'masquerade') return;
        const b = result.binding!;
        expect(bindings).toContain(b);
        expect([b.protocol, b.hostPort]).toEqual([proto, port]);
        expect([result.tuple.dstIp, result.tuple.dstPort]).toEqual([b.containerIp, b.containerPort]);
        if (src === '203.0.113.7') expect(result.tuple.srcIp).toBe(src);
      }),
    );
  });
});
