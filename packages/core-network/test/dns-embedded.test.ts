import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError, LimitExceededError, NotFoundError, ValidationError } from '@strata/shared-types';
import { createRandomStream } from '@strata/core-sim';
import { createEmbeddedDns, normalizeDnsName } from '../src/dns/index.ts';
import type { DnsEndpointSpec } from '../src/dns/index.ts';

const ID_WEB = '3f2a9c1b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef';

function world() {
  const dns = createEmbeddedDns();
  dns.addNetwork({ name: 'bridge' });
  dns.addNetwork({ name: 'front' });
  dns.addNetwork({ name: 'back' });
  dns.connect({ network: 'front', containerId: ID_WEB, containerName: 'web', ipv4: '172.18.0.2', aliases: ['www'], hostname: 'web-host' });
  dns.connect({ network: 'front', containerId: 'proxy', containerName: 'proxy', ipv4: '172.18.0.3' });
  dns.connect({ network: 'back', containerId: ID_WEB, containerName: 'web', ipv4: '172.19.0.2', aliases: ['api'] });
  dns.connect({ network: 'back', containerId: 'db', containerName: 'db', ipv4: '172.19.0.3', ipv6: 'fd00::3', aliases: ['store'] });
  dns.connect({ network: 'bridge', containerId: 'legacy', containerName: 'legacy', ipv4: '172.17.0.2' });
  dns.connect({ network: 'bridge', containerId: 'proxy', containerName: 'proxy', ipv4: '172.17.0.3' });
  return dns;
}

describe('embedded DNS: names on shared user-defined networks', () => {
  it('answers container names, aliases, hostname and the 12-hex short id with TTL 600', () => {
    const dns = world();
    expect(dns.resolve('proxy', 'web')).toEqual({ kind: 'answer', name: 'web', type: 'A', network: 'front', addresses: ['172.18.0.2'], ttl: 600 });
    expect(dns.resolve('proxy', 'www')).toMatchObject({ kind: 'answer', addresses: ['172.18.0.2'] });
    expect(dns.resolve('proxy', 'web-host')).toMatchObject({ kind: 'answer', addresses: ['172.18.0.2'] });
    expect(dns.resolve('proxy', ID_WEB.slice(0, 12))).toMatchObject({ kind: 'answer', addresses: ['172.18.0.2'] });
  });

  it('aliases are network-scoped: an alias given on back is not a name on front', () => {
    const dns = world();
    expect(dns.resolve('proxy', 'api')).toEqual({ kind: 'forwarded', name: 'api', type: 'A' });
    expect(dns.resolve('db', 'api')).toMatchObject({ kind: 'answer', network: 'back', addresses: ['172.19.0.2'] });
  });

  it('names on a network the asker is not attached to are not known: forwarded upstream', () => {
    const dns = world();
    expect(dns.resolve('proxy', 'db')).toEqual({ kind: 'forwarded', name: 'db', type: 'A' });
    expect(dns.resolve('db', 'proxy')).toEqual({ kind: 'forwarded', name: 'proxy', type: 'A' });
  });

  it('a container on several networks resolves from all of them; the first network in Endpoint.Less order wins', () => {
    const dns = world();
    expect(dns.resolve(ID_WEB, 'proxy')).toMatchObject({ kind: 'answer', network: 'front' });
    expect(dns.resolve(ID_WEB, 'db')).toMatchObject({ kind: 'answer', network: 'back' });
    // web itself is on both: "back" < "front" by name
    expect(dns.resolve(ID_WEB, 'web')).toMatchObject({ network: 'back', addresses: ['172.19.0.2'] });
  });

  it('gw-priority, then non-internal, come before the network name', () => {
    const dns = createEmbeddedDns();
    dns.addNetwork({ name: 'a-internal', internal: true });
    dns.addNetwork({ name: 'b' });
    dns.addNetwork({ name: 'c' });
    for (const [network, ip] of [['a-internal', '10.0.1.5'], ['b', '10.0.2.5'], ['c', '10.0.3.5']] as const) {
      dns.connect({ network, containerId: 'x', containerName: 'x', ipv4: ip });
      dns.connect({ network, containerId: 'me', containerName: 'me', ipv4: ip.replace(/5$/, '6'), gwPriority: network === 'c' ? 10 : 0 });
    }
    expect(dns.resolve('me', 'x')).toMatchObject({ network: 'c' });
    dns.disconnect('c', 'me');
    expect(dns.resolve('me', 'x')).toMatchObject({ network: 'b' });
  });

  it('name.network resolves in that network only', () => {
    const dns = world();
    expect(dns.resolve(ID_WEB, 'web.front')).toMatchObject({ kind: 'answer', network: 'front', name: 'web.front', addresses: ['172.18.0.2'] });
    expect(dns.resolve('proxy', 'web.back')).toMatchObject({ kind: 'forwarded' });
  });

  it('is case-insensitive and ignores a trailing dot', () => {
    const dns = world();
    expect(dns.resolve('proxy', 'WeB.')).toMatchObject({ kind: 'answer', name: 'web', addresses: ['172.18.0.2'] });
    dns.connect({ network: 'front', containerId: 'c9', containerName: 'MixedCase', ipv4: '172.18.0.9' });
    expect(dns.resolve('proxy', 'mixedcase')).toMatchObject({ addresses: ['172.18.0.9'] });
  });

  it('AAAA: the address when there is one, NODATA when the name has none', () => {
    const dns = world();
    expect(dns.resolve(ID_WEB, 'db', 'AAAA')).toMatchObject({ kind: 'answer', addresses: ['fd00::3'] });
    expect(dns.resolve(ID_WEB, 'proxy', 'AAAA')).toEqual({ kind: 'nodata', name: 'proxy', type: 'AAAA', network: 'front' });
  });

  it('a network holding the name without an AAAA does not hide a later network that has one', () => {
    const dns = createEmbeddedDns();
    dns.addNetwork({ name: 'a' });
    dns.addNetwork({ name: 'b' });
    for (const n of ['a', 'b']) dns.connect({ network: n, containerId: 'me', containerName: 'me', ipv4: n === 'a' ? '10.1.0.9' : '10.2.0.9' });
    dns.connect({ network: 'a', containerId: 'x', containerName: 'x', ipv4: '10.1.0.2' });
    dns.connect({ network: 'b', containerId: 'x', containerName: 'x', ipv4: '10.2.0.2', ipv6: 'fd02::2' });
    expect(dns.resolve('me', 'x', 'AAAA')).toMatchObject({ kind: 'answer', network: 'b', addresses: ['fd02::2'] });
    expect(dns.resolve('me', 'x', 'A')).toMatchObject({ kind: 'answer', network: 'a', addresses: ['10.1.0.2'] });
    dns.disconnect('b', 'x');
    expect(dns.resolve('me', 'x', 'AAAA')).toEqual({ kind: 'nodata', name: 'x', type: 'AAAA', network: 'a' });
  });

  it('an alias shared by several containers answers all their addresses', () => {
    const dns = createEmbeddedDns();
    dns.addNetwork({ name: 'n' });
    dns.connect({ network: 'n', containerId: 'client', containerName: 'client', ipv4: '10.0.0.1' });
    for (let i = 2; i <= 5; i++) dns.connect({ network: 'n', containerId: `w${i}`, containerName: `w${i}`, ipv4: `10.0.0.${i}`, aliases: ['pool'] });
    expect(dns.resolve('client', 'pool')).toMatchObject({ addresses: ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'] });
  });

  it('with a seeded shuffle the order is random but reproducible, and always the same set', () => {
    const answers = (seed: number) => {
      const dns = createEmbeddedDns({ shuffle: createRandomStream(seed, 'dns') });
      dns.addNetwork({ name: 'n' });
      dns.connect({ network: 'n', containerId: 'client', containerName: 'client', ipv4: '10.0.0.1' });
      for (let i = 2; i <= 9; i++) dns.connect({ network: 'n', containerId: `w${i}`, containerName: `w${i}`, ipv4: `10.0.0.${i}`, aliases: ['pool'] });
      return Array.from({ length: 5 }, () => {
        const a = dns.resolve('client', 'pool');
        return a.kind === 'answer' ? a.addresses : [];
      });
    };
    const first = answers(7);
    expect(answers(7)).toEqual(first);
    for (const list of first) expect([...list].sort()).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7', '10.0.0.8', '10.0.0.9']);
    expect(new Set(first.map((l) => l.join())).size).toBeGreaterThan(1);
  });
});

describe('embedded DNS: default bridge, internal networks, forwarding', () => {
  it('a container only on the default bridge gets no embedded DNS: every query goes to the host resolver', () => {
    const dns = world();
    expect(dns.resolve('legacy', 'proxy')).toEqual({ kind: 'forwarded', name: 'proxy', type: 'A' });
    expect(dns.resolve('legacy', 'legacy')).toEqual({ kind: 'forwarded', name: 'legacy', type: 'A' });
  });

  it('aliases are refused on the default bridge', () => {
    const dns = world();
    expect(() => dns.connect({ network: 'bridge', containerId: 'x', containerName: 'x', ipv4: '172.17.0.9', aliases: ['y'] })).toThrow(
      'network-scoped alias is supported only for containers in user defined networks; bridge is the default bridge, given aliases ["y"]',
    );
  });

  it('default-bridge endpoints are never names, even for a container also on a user-defined network', () => {
    const dns = world();
    expect(dns.resolve('proxy', 'legacy')).toMatchObject({ kind: 'forwarded' });
  });

  it('external names are forwarded; an internal-only container has no upstream: NXDOMAIN', () => {
    const dns = world();
    expect(dns.resolve('proxy', 'example.com.')).toEqual({ kind: 'forwarded', name: 'example.com', type: 'A' });
    dns.addNetwork({ name: 'vault', internal: true });
    dns.connect({ network: 'vault', containerId: 'secret', containerName: 'secret', ipv4: '10.9.0.2' });
    dns.connect({ network: 'vault', containerId: 'guard', containerName: 'guard', ipv4: '10.9.0.3' });
    expect(dns.resolve('secret', 'guard')).toMatchObject({ kind: 'answer', addresses: ['10.9.0.3'] });
    expect(dns.resolve('secret', 'example.com')).toEqual({ kind: 'nxdomain', name: 'example.com', type: 'A' });
  });
});

describe('embedded DNS: commands and errors', () => {
  it('duplicate network name: ConflictError with Docker text', () => {
    const dns = world();
    expect(() => dns.addNetwork({ name: 'front' })).toThrow(ConflictError);
    expect(() => dns.addNetwork({ name: 'front' })).toThrow('network with name front already exists');
  });

  it('removing a network with endpoints is refused and changes nothing; empty ones go', () => {
    const dns = world();
    expect(() => dns.removeNetwork('back')).toThrow(`error while removing network: network back has active endpoints (id:"${ID_WEB}", id:"db")`);
    expect(dns.resolve('db', 'web')).toMatchObject({ kind: 'answer' });
    dns.disconnect('back', 'db');
    dns.disconnect('back', ID_WEB);
    dns.removeNetwork('back');
    expect(() => dns.removeNetwork('back')).toThrow(NotFoundError);
    expect(() => dns.resolve('db', 'web')).toThrow("container 'db (attached to no network)' does not exist");
  });

  it('connect errors name the field and leave state unchanged', () => {
    const dns = world();
    const base: DnsEndpointSpec = { network: 'front', containerId: 'new', containerName: 'new', ipv4: '172.18.0.50' };
    expect(() => dns.connect({ ...base, network: 'nope' })).toThrow("network 'nope' does not exist");
    expect(() => dns.connect({ ...base, ipv4: undefined })).toThrow('an endpoint needs an address: give ipv4, ipv6 or both; got neither');
    expect(() => dns.connect({ ...base, ipv4: 'fd00::1' })).toThrow('ipv4 must be a unicast IPv4 address; got "fd00::1"');
    expect(() => dns.connect({ ...base, aliases: ['ok', 'bad name'] })).toThrow(/^aliases\[1\] "bad name" is not a valid DNS name: label 1 "bad name" holds a character/);
    expect(() => dns.connect({ ...base, aliases: Array.from({ length: 65 }, (_, i) => `a${i}`) })).toThrow('aliases may hold at most 64 names; got 65');
    expect(() => dns.connect({ ...base, gwPriority: 1.5 })).toThrow('gwPriority must be an integer -1000000..1000000; got 1.5');
    expect(() => dns.connect({ ...base, containerId: 'proxy' })).toThrow('container proxy is already attached to network front; disconnect it first');
    expect(dns.resolve('proxy', 'new')).toMatchObject({ kind: 'forwarded' });
    expect(() => dns.disconnect('front', 'new')).toThrow(NotFoundError);
  });

  it('resolve validates the name and the type', () => {
    const dns = world();
    expect(() => dns.resolve('proxy', 'a..b')).toThrow(ValidationError);
    expect(() => dns.resolve('proxy', 'a', 'MX' as never)).toThrow(`type must be 'A', 'AAAA' or 'PTR'; got "MX"`);
    expect(() => dns.resolve('nobody', 'web')).toThrow(NotFoundError);
  });

  it('counts are bounded', () => {
    const dns = createEmbeddedDns();
    for (let i = 0; i < 10_000; i++) dns.addNetwork({ name: `n${i}` });
    expect(() => dns.addNetwork({ name: 'one-more' })).toThrow(LimitExceededError);
  });
});

describe('normalizeDnsName', () => {
  it('lower-cases and strips one trailing dot', () => {
    expect(normalizeDnsName('Web.Example.', 'name')).toBe('web.example');
    expect(normalizeDnsName('my_app_1', 'name')).toBe('my_app_1');
  });
  it.each([
    ['', 'it is empty'],
    ['.', 'it is empty'],
    ['a..b', 'label 2 is empty'],
    ['-web', 'label 1 "-web" holds a character'],
    ['web-', 'label 1 "web-" holds a character'],
    ['a'.repeat(64), 'label 1 has 64 characters, more than 63'],
    [`${'a'.repeat(63)}.`.repeat(4) + 'a', 'it has 257 characters, more than 253'],
    ['wéb', 'label 1 "wéb" holds a character'],
  ])('%j is refused: %s', (name, why) => {
    expect(() => normalizeDnsName(name, 'name')).toThrow(`name ${JSON.stringify(name)} is not a valid DNS name: ${why}`);
  });
  it('rejects non-strings', () => {
    expect(() => normalizeDnsName(42, 'name')).toThrow('name 42 is not a valid DNS name: it is not a string; accepted: labels of 1..63');
  });
});

describe('property: DNS answers only names attached to a network the asker shares', () => {
  const NETS = ['bridge', 'n1', 'n2', 'n3'];
  const C = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
  const NAMES = ['web', 'db', 'cache', 'pool'];
  const attachment = fc.record({
    network: fc.constantFrom(...NETS),
    container: fc.constantFrom(...C),
    alias: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
  });
  it('holds for random topologies', () => {
    fc.assert(
      fc.property(fc.array(attachment, { maxLength: 25 }), fc.constantFrom(...C), fc.constantFrom(...NAMES, ...C, 'example.com'), (links, asker, query) => {
        const dns = createEmbeddedDns();
        for (const n of NETS) dns.addNetwork({ name: n });
        const ips = new Map<string, { network: string; container: string; names: string[] }>();
        links.forEach((l, i) => {
          const ip = `10.${NETS.indexOf(l.network)}.0.${i + 2}`;
          try {
            const aliases = l.alias === undefined || l.network === 'bridge' ? [] : [l.alias];
            dns.connect({ network: l.network, containerId: l.container, containerName: l.container, ipv4: ip, aliases });
            ips.set(ip, { network: l.network, container: l.container, names: [l.container, ...aliases] });
          } catch (error) {
            expect(error).toBeInstanceOf(ConflictError); // already attached
          }
        });
        const askerNets = new Set([...ips.values()].filter((e) => e.container === asker).map((e) => e.network));
        if (askerNets.size === 0) {
          expect(() => dns.resolve(asker, query)).toThrow(NotFoundError);
          return;
        }
        const answer = dns.resolve(asker, query);
        if (answer.kind !== 'answer') {
          // nothing holding the name on a shared user-defined network
          const shared = [...ips.values()].filter((e) => e.network !== 'bridge' && askerNets.has(e.network) && e.names.includes(query));
          expect(shared).toEqual([]);
          return;
        }
        expect(answer.network).not.toBe('bridge');
        expect(askerNets.has(answer.network)).toBe(true);
        expect(answer.addresses.length).toBeGreaterThan(0);
        for (const address of answer.addresses) {
          const holder = ips.get(address)!;
          expect(holder.network).toBe(answer.network);
          expect(holder.names).toContain(query);
        }
      }),
    );
  });
});
