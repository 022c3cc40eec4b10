import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError, InsufficientResourcesError, NotFoundError, ValidationError } from '@strata/shared-types';
import {
  DEFAULT_GLOBAL_ADDRESS_POOLS,
  DEFAULT_LOCAL_ADDRESS_POOLS,
  POOLS_EXHAUSTED_MESSAGE,
  SubnetAllocator,
  cidrsOverlap,
  splitCidr,
} from '../src/addressing/index.js';

/** The 31 local default subnets in Docker's order (crib sheet §1 "Subnets for user-defined networks"). */
const DOCKER_ORDER = [
  ...Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.0/16`),
  ...Array.from({ length: 16 }, (_, i) => `192.168.${i * 16}.0/20`),
];

describe('SubnetAllocator with Docker default pools', () => {
  it('hands out docker0 then 172.18 … 172.31 /16, then 192.168.x.0/20, 31 in all', () => {
    const a = new SubnetAllocator();
    const got = DOCKER_ORDER.map(() => a.allocate());
    expect(got).toEqual(DOCKER_ORDER);
    expect(got[0]).toBe('172.17.0.0/16');
    expect(got[1]).toBe('172.18.0.0/16');
    expect(got[15]).toBe('192.168.0.0/20');
  });

  it('a fresh host holds 30 user networks after docker0; the 31st fails with Docker\'s exact message and changes nothing', () => {
    const a = new SubnetAllocator();
    a.allocate(); // docker0
    for (let i = 0; i < 30; i++) a.allocate();
    const before = a.allocated();
    let err: unknown;
    try {
      a.allocate();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InsufficientResourcesError);
    expect((err as InsufficientResourcesError).message).toBe('all predefined address pools have been fully subnetted');
    expect((err as InsufficientResourcesError).code).toBe('E_INSUFFICIENT_RESOURCES');
    expect(POOLS_EXHAUSTED_MESSAGE).toBe('all predefined address pools have been fully subnetted');
    expect(a.allocated()).toEqual(before);
  });

  it('reuses a removed network\'s subnet at once (v27+ lowest free, not round robin)', () => {
    const a = new SubnetAllocator();
    for (let i = 0; i < 5; i++) a.allocate(); // 172.17 … 172.21
    a.release('172.19.0.0/16');
    expect(a.allocate()).toBe('172.19.0.0/16');
    expect(a.allocate()).toBe('172.22.0.0/16');
    a.release('172.18.0.0/16');
    a.release('172.20.0.0/16');
    expect(a.allocate()).toBe('172.18.0.0/16');
    expect(a.allocate()).toBe('172.20.0.0/16');
  });

  it('skips subnets overlapping explicit networks and reserved host routes', () => {
    const a = new SubnetAllocator({ reserved: ['172.18.5.0/24', '172.20.0.1/32'] });
    expect(a.claim('172.17.128.0/17')).toBe('172.17.128.0/17');
    expect(a.allocate()).toBe('172.19.0.0/16');
    expect(a.allocate()).toBe('172.21.0.0/16');
    // a reserved block never becomes allocated, nor releasable
    expect(a.isAllocated('172.18.5.0/24')).toBe(false);
    expect(() => a.release('172.18.5.0/24')).toThrow(NotFoundError);
  });

  it('a reserved block covering the 172.16/12 pools sends the first network to 192.168.0.0/20', () => {
    const a = new SubnetAllocator({ reserved: ['172.16.0.0/12'] });
    expect(a.allocate()).toBe('192.168.0.0/20');
    expect(a.allocate()).toBe('192.168.16.0/20');
    expect(a.claim('172.17.0.0/16')).toBe('172.17.0.0/16'); // explicit subnets may overlap reserved ones
  });

  it('skips past a large explicit network in one jump', () => {
    const a = new SubnetAllocator({ pools: DEFAULT_GLOBAL_ADDRESS_POOLS });
    a.claim('10.0.0.0/9');
    expect(a.allocate()).toBe('10.128.0.0/24');
    expect(a.allocate()).toBe('10.128.1.0/24');
  });

  it('explicit subnets that overlap a network are refused with Docker\'s wording', () => {
    const a = new SubnetAllocator();
    a.allocate();
    const before = a.allocated();
    expect(() => a.claim('172.17.3.0/24')).toThrow(ConflictError);
    try {
      a.claim('172.16.0.0/12');
      expect.unreachable();
    } catch (e) {
      expect((e as ConflictError).code).toBe('E_CONFLICT');
      expect((e as ConflictError).message).toContain('invalid pool request: Pool overlaps with other one on this address space');
      expect((e as ConflictError).message).toContain('172.17.0.0/16');
    }
    expect(a.allocated()).toEqual(before);
    expect(() => a.claim('172.17.0.1/16')).toThrow(ValidationError);
  });

  it('supports custom daemon.json pools, including IPv6', () => {
    const a = new SubnetAllocator({ pools: [{ base: '10.10.0.0/16', size: 24 }, { base: 'fd00:1::/48', size: 64 }] });
    expect(a.allocate()).toBe('10.10.0.0/24');
    expect(a.allocate()).toBe('10.10.1.0/24');
    expect(a.allocate(6)).toBe('fd00:1::/64');
    expect(a.allocate(6)).toBe('fd00:1:0:1::/64');
    const none = new SubnetAllocator({ pools: [{ base: '10.10.0.0/16', size: 24 }] });
    expect(() => none.allocate(6)).toThrow(POOLS_EXHAUSTED_MESSAGE);
  });

  it('exhausts a small custom pool with the same message', () => {
    const a = new SubnetAllocator({ pools: [{ base: '10.10.0.0/23', size: 24 }] });
    expect([a.allocate(), a.allocate()]).toEqual(['10.10.0.0/24', '10.10.1.0/24']);
    expect(() => a.allocate()).toThrow(POOLS_EXHAUSTED_MESSAGE);
  });

  it.each([
    [{ pools: [{ base: '10.10.0.0/16', size: 15 }] }, 'pools[0].size'],
    [{ pools: [{ base: '10.10.0.0/16', size: 33 }] }, 'pools[0].size'],
    [{ pools: [{ base: '10.10.0.0/16', size: 24.5 }] }, 'pools[0].size'],
    [{ pools: [{ base: '10.10.0.0/16', size: 24 }, { base: '10.10.0.1/16', size: 24 }] }, 'pools[1].base'],
    [{ pools: [{ base: 'nope', size: 24 }] }, 'pools[0].base'],
    [{ reserved: ['10.0.0.0/8', '1.2.3.4/40'] }, 'reserved[1]'],
  ])('rejects bad options %#, naming the field', (options, path) => {
    try {
      new SubnetAllocator(options);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).details.path).toBe(path);
      expect((e as ValidationError).message).toContain(path);
    }
  });

  it('rejects an unknown family and releasing what is not held', () => {
    const a = new SubnetAllocator();
    expect(() => a.allocate(5 as 4)).toThrow(ValidationError);
    expect(() => a.release('172.17.0.0/16')).toThrow(NotFoundError);
  });

  it('the default pools are the documented ones', () => {
    expect(DEFAULT_LOCAL_ADDRESS_POOLS.flatMap((p) => splitCidr(p.base, p.size))).toEqual(DOCKER_ORDER);
    expect(DEFAULT_GLOBAL_ADDRESS_POOLS).toEqual([{ base: '10.0.0.0/8', size: 24 }]);
  });

  it('property: held subnets never overlap, each allocation is the lowest free in pool order', () => {
    const pools = [{ base: '10.0.0.0/22', size: 24 }, { base: '10.0.8.0/21', size: 23 }];
    const all = pools.flatMap((p) => splitCidr(p.base, p.size));
    const op = fc.oneof(
      fc.constant({ kind: 'allocate' as const }),
      fc.record({ kind: fc.constant('release' as const), index: fc.nat({ max: 20 }) }),
      fc.record({ kind: fc.constant('claim' as const), subnet: fc.constantFrom('10.0.1.0/25', '10.0.2.0/23', '10.0.8.0/22', '10.0.12.128/25', '10.0.0.0/20') }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const a = new SubnetAllocator({ pools });
        for (const o of ops) {
          const held = a.allocated();
          if (o.kind === 'allocate') {
            const expected = all.find((s) => !held.some((h) => cidrsOverlap(h, s)));
            if (expected === undefined) expect(() => a.allocate()).toThrow(InsufficientResourcesError);
            else expect(a.allocate()).toBe(expected);
          } else if (o.kind === 'release') {
            if (held.length === 0) continue;
            a.release(held[o.index % held.length]!);
          } else {
            const clash = held.some((h) => cidrsOverlap(h, o.subnet));
            if (clash) expect(() => a.claim(o.subnet)).toThrow(ConflictError);
            else a.claim(o.subnet);
          }
          const now = a.allocated();
          for (let i = 0; i < now.length; i++) for (let j = i + 1; j < now.length; j++) expect(cidrsOverlap(now[i]!, now[j]!)).toBe(false);
        }
      }),
    );
  });
});
