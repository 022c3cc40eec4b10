// Reference §1 "Names and DNS": the embedded server "answers A/AAAA for names on networks the
// container is attached to … PTR for those IPs". moby's Network.ResolveIP names the address
// `<container name>.<network name>`; addresses on networks the asker is not on go upstream.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NotFoundError, ValidationError } from '@strata/shared-types';
import { createEmbeddedDns } from '../src/dns/index.ts';
import { createNetworkModel } from '../src/topology/index.ts';

function world() {
  const dns = createEmbeddedDns();
  dns.addNetwork({ name: 'bridge' });
  dns.addNetwork({ name: 'front' });
  dns.addNetwork({ name: 'back' });
  dns.addNetwork({ name: 'vault', internal: true });
  dns.connect({ network: 'front', containerId: 'web', containerName: 'Web', ipv4: '172.18.0.2', aliases: ['www'] });
  dns.connect({ network: 'front', containerId: 'proxy', containerName: 'proxy', ipv4: '172.18.0.3' });
  dns.connect({ network: 'back', containerId: 'web', containerName: 'Web', ipv4: '172.19.0.2' });
  dns.connect({ network: 'back', containerId: 'db', containerName: 'db', ipv4: '172.19.0.3', ipv6: '2001:db8::3' });
  dns.connect({ network: 'bridge', containerId: 'legacy', containerName: 'legacy', ipv4: '172.17.0.2' });
  dns.connect({ network: 'vault', containerId: 'secret', containerName: 'secret', ipv4: '172.20.0.2' });
  dns.connect({ network: 'vault', containerId: 'keeper', containerName: 'keeper', ipv4: '172.20.0.3' });
  return dns;
}

describe('embedded DNS: PTR for the addresses of names it serves (reference §1)', () => {
  it('answers <container name>.<network> for an IPv4 address on a shared network, TTL 600', () => {
    const dns = world();
    expect(dns.resolve('proxy', '2.0.18.172.in-addr.arpa', 'PTR')).toEqual({
      kind: 'pointer',
      name: '2.0.18.172.in-addr.arpa',
      type: 'PTR',
      address: '172.18.0.2',
      network: 'front',
      target: 'Web.front',
      ttl: 600,
    });
    // the container's name, not an alias; the same container on another network gets that network's name
    expect(dns.resolve('db', '2.0.19.172.in-addr.arpa.', 'PTR')).toMatchObject({ kind: 'pointer', target: 'Web.back' });
  });

  it('answers for IPv6 addresses by their 32-nibble ip6.arpa name', () => {
    const dns = world();
    const nibbles = '3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2';
    expect(dns.resolve('web', `${nibbles}.ip6.arpa`, 'PTR')).toMatchObject({ kind: 'pointer', address: '2001:db8::3', network: 'back', target: 'db.back' });
  });

  it('an address on a network the asker is not on is not known: forwarded upstream, or NXDOMAIN from internal-only askers', () => {
    const dns = world();
    expect(dns.resolve('proxy', '3.0.19.172.in-addr.arpa', 'PTR')).toEqual({ kind: 'forwarded', name: '3.0.19.172.in-addr.arpa', type: 'PTR' });
    expect(dns.resolve('secret', '2.0.18.172.in-addr.arpa', 'PTR')).toEqual({ kind: 'nxdomain', name: '2.0.18.172.in-addr.arpa', type: 'PTR' });
    expect(dns.resolve('secret', '3.0.20.172.in-addr.arpa', 'PTR')).toMatchObject({ kind: 'pointer', target: 'keeper.vault' });
  });

  it('the default bridge has no embedded DNS: PTR goes to the host resolvers there too', () => {
    const dns = world();
    expect(dns.resolve('legacy', '2.0.17.172.in-addr.arpa', 'PTR')).toEqual({ kind: 'forwarded', name: '2.0.17.172.in-addr.arpa', type: 'PTR' });
  });

  it('a PTR name that names no single address is a ValidationError naming the field and the accepted forms', () => {
    const dns = world();
    const cases: [string, string][] = [
      ['web', 'name "web" is not a reverse name for a PTR query: it ends in neither .in-addr.arpa nor .ip6.arpa; accepted: a reverse name'],
      ['18.172.in-addr.arpa', 'name "18.172.in-addr.arpa" is not a reverse name for a PTR query: it has 2 address labels, not 4;'],
      ['2.0.18.256.in-addr.arpa', 'is not a reverse name for a PTR query: "256" is not an octet 0..255;'],
      ['2.0.18.0172.in-addr.arpa', '"0172" is not an octet 0..255;'],
      ['3.0.ip6.arpa', 'it has 2 nibble labels, not 32;'],
    ];
    for (const [name, message] of cases) {
      const call = () => dns.resolve('proxy', name, 'PTR');
      expect(call).toThrow(ValidationError);
      expect(call).toThrow(message);
    }
    expect(() => dns.resolve('nobody', '2.0.18.172.in-addr.arpa', 'PTR')).toThrow(NotFoundError);
  });

  it('property: every A answer maps back through PTR to the container name on that network', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 2, max: 254 }), { minLength: 1, maxLength: 8 }), (hosts) => {
        const dns = createEmbeddedDns();
        dns.addNetwork({ name: 'net' });
        hosts.forEach((h, i) => dns.connect({ network: 'net', containerId: `c${i}`, containerName: `c${i}`, ipv4: `10.9.0.${h}` }));
        hosts.forEach((_, i) => {
          const a = dns.resolve('c0', `c${i}`);
          expect(a.kind).toBe('answer');
          const address = a.kind === 'answer' ? a.addresses[0]! : '';
          const ptr = dns.resolve('c0', `${address.split('.').reverse().join('.')}.in-addr.arpa`, 'PTR');
          expect(ptr).toMatchObject({ kind: 'pointer', address, target: `c${i}.net` });
        });
      }),
    );
  });
});

describe('the topology model resolves PTR through its per-network DNS', () => {
  it('a container on a user network gets the PTR of another on it', () => {
    const m = createNetworkModel();
    m.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1_250_000_000, latency: 50 } });
    m.createNetwork({ name: 'front', host: 'h1' });
    for (const n of ['web', 'proxy']) {
      m.createNamespace({ name: n, host: 'h1' });
      m.attach({ namespace: n, network: 'front' });
    }
    expect(m.resolve('proxy', '2.0.17.172.in-addr.arpa', 'PTR')).toMatchObject({ kind: 'pointer', target: 'web.front' });
  });
});
