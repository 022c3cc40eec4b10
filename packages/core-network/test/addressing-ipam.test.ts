import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError, InsufficientResourcesError, ValidationError } from '@strata/shared-types';
import { NO_AVAILABLE_ADDRESSES_MESSAGE, NetworkIpam, cidrContains, cidrFirst, cidrLast, isMac, macFromIpv4, macFromSeed, type NetworkIpamSpec } from '../src/addressing/index.js';

function failure<E>(fn: () => unknown, cls: new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    return e as E;
  }
  throw new Error(`expected ${cls.name}`);
}

describe('NetworkIpam', () => {
  it('docker0-like: gateway .1, containers .2, .3, …; a freed address is reused first', () => {
    const n = new NetworkIpam({ subnet: '172.17.0.0/16' });
    expect(n.gateway).toBe('172.17.0.1');
    expect(n.allocate()).toBe('172.17.0.2');
    expect(n.allocate()).toBe('172.17.0.3');
    expect(n.allocate()).toBe('172.17.0.4');
    n.release('172.17.0.3');
    expect(n.allocate()).toBe('172.17.0.3');
    expect(n.allocate()).toBe('172.17.0.5');
    expect(n.allocated()).toEqual(['172.17.0.2', '172.17.0.3', '172.17.0.4', '172.17.0.5']);
  });

  it('skips a custom gateway and aux addresses, restricts dynamic leases to the ip-range', () => {
    const n = new NetworkIpam({ subnet: '10.1.0.0/24', gateway: '10.1.0.254', ipRange: '10.1.0.0/29', auxAddresses: { router: '10.1.0.2', nas: '10.1.0.4' } });
    expect(n.ipRange).toBe('10.1.0.0/29');
    expect(n.auxAddresses).toEqual({ nas: '10.1.0.4', router: '10.1.0.2' });
    // .0–.7 minus the network address and the two aux addresses; the gateway lies outside the range
    expect(n.available()).toBe(5n);
    expect(Array.from({ length: 5 }, () => n.allocate())).toEqual(['10.1.0.1', '10.1.0.3', '10.1.0.5', '10.1.0.6', '10.1.0.7']);
    expect(() => n.allocate()).toThrow(InsufficientResourcesError);
  });

  it('ip-range allocation order and exhaustion', () => {
    const n = new NetworkIpam({ subnet: '10.1.0.0/24', gateway: '10.1.0.1', ipRange: '10.1.0.8/30', auxAddresses: { x: '10.1.0.9' } });
    expect(n.available()).toBe(3n);
    expect([n.allocate(), n.allocate(), n.allocate()]).toEqual(['10.1.0.8', '10.1.0.10', '10.1.0.11']);
    const before = n.allocated();
    const err = failure(() => n.allocate(), InsufficientResourcesError);
    expect(err.code).toBe('E_INSUFFICIENT_RESOURCES');
    expect(err.message).toBe(`${NO_AVAILABLE_ADDRESSES_MESSAGE}: no free IPv4 address in ip-range 10.1.0.8/30 of subnet 10.1.0.0/24; release an address, or create the network with a larger subnet or ip-range`);
    expect(n.allocated()).toEqual(before);
    // explicit addresses outside the ip-range are still allowed (inside the subnet)
    expect(n.request('10.1.0.100')).toBe('10.1.0.100');
  });

  it('a /30 holds exactly one container; broadcast and network are never handed out', () => {
    const n = new NetworkIpam({ subnet: '192.168.5.0/30' });
    expect(n.allocate()).toBe('192.168.5.2');
    expect(() => n.allocate()).toThrow(InsufficientResourcesError);
    expect(failure(() => n.request('192.168.5.3'), ValidationError).message).toContain('broadcast');
    expect(failure(() => n.request('192.168.5.0'), ValidationError).message).toContain('network address');
  });

  it('explicit requests: Docker\'s "Address already in use" for taken addresses, ValidationError outside the subnet', () => {
    const n = new NetworkIpam({ subnet: '172.18.0.0/16', auxAddresses: { host: '172.18.0.3' } });
    expect(n.request('172.18.0.10')).toBe('172.18.0.10');
    for (const taken of ['172.18.0.10', '172.18.0.1', '172.18.0.3']) {
      const err = failure(() => n.request(taken), ConflictError);
      expect(err.code).toBe('E_CONFLICT');
      expect(err.message.startsWith('Address already in use')).toBe(true);
    }
    const out = failure(() => n.request('172.19.0.10'), ValidationError);
    expect(out.details.path).toBe('ip');
    expect(out.message).toContain("parent subnet 172.18.0.0/16 doesn't contain this address");
    expect(failure(() => n.request('fd00::1'), ValidationError).details.path).toBe('ip');
    expect(failure(() => n.request('172.18.0'), ValidationError).details.path).toBe('ip');
    // dynamic allocation skips the explicit lease and the aux address
    expect(n.allocate()).toBe('172.18.0.2');
    expect(n.allocate()).toBe('172.18.0.4');
    expect(n.allocated()).toEqual(['172.18.0.2', '172.18.0.4', '172.18.0.10']);
  });

  it('release: only leased addresses; failures change nothing', () => {
    const n = new NetworkIpam({ subnet: '172.18.0.0/16', auxAddresses: { a: '172.18.0.9' } });
    n.allocate();
    const before = n.allocated();
    expect(failure(() => n.release('172.18.0.5'), ConflictError).message).toContain('not allocated');
    expect(failure(() => n.release('172.18.0.1'), ConflictError).message).toContain('gateway');
    expect(failure(() => n.release('172.18.0.9'), ConflictError).message).toContain("auxiliary address 'a'");
    expect(failure(() => n.release('10.0.0.1'), ValidationError).details.path).toBe('ip');
    expect(n.allocated()).toEqual(before);
    n.release('172.18.0.2');
    expect(failure(() => n.release('172.18.0.2'), ConflictError).code).toBe('E_CONFLICT');
    expect(n.isAllocated('172.18.0.2')).toBe(false);
  });

  it('IPv6: gateway ::1, first container ::2, no broadcast, canonical text', () => {
    const n = new NetworkIpam({ subnet: 'FD00:DEAD:BEEF::/64' });
    expect(n.subnet).toBe('fd00:dead:beef::/64');
    expect(n.gateway).toBe('fd00:dead:beef::1');
    expect(n.allocate()).toBe('fd00:dead:beef::2');
    expect(n.request('fd00:dead:beef:0:ffff:ffff:ffff:ffff')).toBe('fd00:dead:beef:0:ffff:ffff:ffff:ffff');
    expect(n.available()).toBe((1n << 64n) - 4n);
    const small = new NetworkIpam({ subnet: 'fd00::/126', gateway: 'fd00::3' });
    expect([small.allocate(), small.allocate()]).toEqual(['fd00::1', 'fd00::2']);
    expect(() => small.allocate()).toThrow('no available addresses on this pool: no free IPv6 address in subnet fd00::/126');
  });

  it.each<[NetworkIpamSpec, string, string]>([
    [{ subnet: '172.18.0.1/16' }, 'subnet', 'it should be 172.18.0.0/16'],
    [{ subnet: '172.18.0.0/31' }, 'subnet', 'prefix from 0 to 30'],
    [{ subnet: 'fd00::/127' }, 'subnet', 'prefix from 0 to 126'],
    [{ subnet: '172.18.0.0/16', gateway: '172.19.0.1' }, 'gateway', "parent subnet 172.18.0.0/16 doesn't contain this address"],
    [{ subnet: '172.18.0.0/16', gateway: 'fd00::1' }, 'gateway', 'parent subnet is an IPv4 block'],
    [{ subnet: '172.18.0.0/16', gateway: '172.18.255.255' }, 'gateway', 'broadcast'],
    [{ subnet: '172.18.0.0/16', ipRange: '172.18.1.0/23' }, 'ipRange', 'it should be 172.18.0.0/23'],
    [{ subnet: '172.18.0.0/16', ipRange: '172.0.0.0/8' }, 'ipRange', "doesn't contain ip-range"],
    [{ subnet: '172.18.0.0/16', ipRange: '172.19.0.0/24' }, 'ipRange', "doesn't contain ip-range"],
    [{ subnet: '172.18.0.0/16', ipRange: 'fd00::/64' }, 'ipRange', 'parent subnet is an IPv4 block'],
    [{ subnet: '172.18.0.0/16', auxAddresses: { db: '10.0.0.1' } }, 'auxAddresses.db', "doesn't contain this address"],
    [{ subnet: '172.18.0.0/16', auxAddresses: { db: 'x' } }, 'auxAddresses.db', 'invalid auxAddresses.db'],
  ])('rejects %j on %s', (spec, path, text) => {
    const err = failure(() => new NetworkIpam(spec), ValidationError);
    expect(err.details.path).toBe(path);
    expect(err.message).toContain(text);
  });

  describe('properties', () => {
    // Small IPv4 networks (/24../30) with random gateway, ip-range and aux addresses.
    const specArb = fc
      .record({
        prefix: fc.integer({ min: 24, max: 30 }),
        gwOffset: fc.option(fc.nat(), { nil: undefined }),
        rangeExtra: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        rangeIndex: fc.nat(),
        aux: fc.array(fc.nat(), { maxLength: 4 }),
      })
      .map(({ prefix, gwOffset, rangeExtra, rangeIndex, aux }) => {
        const size = 2 ** (32 - prefix);
        const host = (k: number): string => `10.9.0.${1 + (k % (size - 2))}`;
        const spec: { subnet: string; gateway?: string; ipRange?: string; auxAddresses?: Record<string, string> } = { subnet: `10.9.0.0/${prefix}` };
        if (gwOffset !== undefined) spec.gateway = host(gwOffset);
        if (rangeExtra !== undefined) {
          const rp = Math.min(32, prefix + rangeExtra);
          const rsize = 2 ** (32 - rp);
          spec.ipRange = `10.9.0.${(rangeIndex % (size / rsize)) * rsize}/${rp}`;
        }
        spec.auxAddresses = Object.fromEntries(aux.map((k, i) => [`a${i}`, host(k)]));
        return spec;
      });
    const opArb = fc.oneof(
      { weight: 3, arbitrary: fc.constant({ kind: 'allocate' as const }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), i: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('request' as const), host: fc.integer({ min: 0, max: 255 }) }) },
    );

    it('never hands out an address twice, nor the gateway/aux/network/broadcast, always inside subnet and ip-range, lowest free first', () => {
      fc.assert(
        fc.property(specArb, fc.array(opArb, { maxLength: 120 }), (spec, ops) => {
          const n = new NetworkIpam(spec);
          const forbidden = new Set([cidrFirst(spec.subnet), cidrLast(spec.subnet), n.gateway, ...Object.values(n.auxAddresses)]);
          const range = spec.ipRange ?? spec.subnet;
          const held = new Set<string>();
          const lastOctet = (ip: string): number => Number(ip.split('.')[3]);
          for (const op of ops) {
            if (op.kind === 'allocate') {
              const free: number[] = [];
              for (let h = 0; h < 256; h++) {
                const ip = `10.9.0.${h}`;
                if (cidrContains(range, ip) && cidrContains(spec.subnet, ip) && !forbidden.has(ip) && !held.has(ip)) free.push(h);
              }
              expect(n.available()).toBe(BigInt(free.length));
              if (free.length === 0) {
                expect(() => n.allocate()).toThrow(InsufficientResourcesError);
                continue;
              }
              const ip = n.allocate();
              expect(held.has(ip)).toBe(false);
              expect(forbidden.has(ip)).toBe(false);
              expect(cidrContains(spec.subnet, ip)).toBe(true);
              expect(cidrContains(range, ip)).toBe(true);
              expect(lastOctet(ip)).toBe(free[0]);
              held.add(ip);
            } else if (op.kind === 'release') {
              if (held.size === 0) continue;
              const ip = [...held][op.i % held.size]!;
              n.release(ip);
              held.delete(ip);
            } else {
              const ip = `10.9.0.${op.host}`;
              if (!cidrContains(spec.subnet, ip) || ip === cidrFirst(spec.subnet) || ip === cidrLast(spec.subnet)) {
                expect(() => n.request(ip)).toThrow(ValidationError);
              } else if (held.has(ip) || forbidden.has(ip)) {
                expect(() => n.request(ip)).toThrow(ConflictError);
              } else {
                expect(n.request(ip)).toBe(ip);
                held.add(ip);
              }
            }
            expect(n.allocated()).toEqual([...held].sort((a, b) => lastOctet(a) - lastOctet(b)));
          }
        }),
      );
    });

    it('is deterministic: the same spec and commands give the same leases', () => {
      fc.assert(
        fc.property(specArb, fc.array(opArb, { maxLength: 60 }), (spec, ops) => {
          const run = (): string[] => {
            const n = new NetworkIpam(spec);
            const log: string[] = [];
            for (const op of ops) {
              try {
                if (op.kind === 'allocate') log.push(n.allocate());
                else if (op.kind === 'request') log.push(n.request(`10.9.0.${op.host}`));
                else {
                  const all = n.allocated();
                  if (all.length > 0) n.release(all[op.i % all.length]!);
                }
              } catch (e) {
                log.push((e as Error).message);
              }
            }
            return log;
          };
          expect(run()).toEqual(run());
        }),
      );
    });
  });
});

describe('MAC addresses', () => {
  it('derives 02:42:<IPv4> as Docker ≤ v27 does', () => {
    expect(macFromIpv4('172.17.0.2')).toBe('02:42:ac:11:00:02');
    expect(macFromIpv4('192.168.16.255')).toBe('02:42:c0:a8:10:ff');
    expect(failure(() => macFromIpv4('fd00::2'), ValidationError).details.path).toBe('ip');
    expect(failure(() => macFromIpv4('1.2.3'), ValidationError).details.path).toBe('ip');
  });

  it('seeded MACs are stable, locally administered and unicast', () => {
    expect(macFromSeed('endpoint-1')).toBe(macFromSeed('endpoint-1'));
    expect(macFromSeed('endpoint-1')).not.toBe(macFromSeed('endpoint-2'));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), (seed) => {
        const mac = macFromSeed(seed);
        expect(isMac(mac)).toBe(true);
        const first = parseInt(mac.slice(0, 2), 16);
        expect(first & 0b10).toBe(0b10);
        expect(first & 0b01).toBe(0);
      }),
    );
    expect(failure(() => macFromSeed(''), ValidationError).details.path).toBe('seed');
    expect(failure(() => macFromSeed('x'.repeat(1025)), ValidationError).details.path).toBe('seed');
  });
});
