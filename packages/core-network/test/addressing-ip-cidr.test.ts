import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@strata/shared-types';
import {
  cidrBroadcast,
  cidrContains,
  cidrFirst,
  cidrLast,
  cidrNetwork,
  cidrSize,
  cidrsOverlap,
  ipFamilyOf,
  isIp,
  normalizeIp,
  parseCidr,
  splitCidr,
} from '../src/addressing/index.js';

function expectValidation(fn: () => unknown, path: string): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    const err = e as ValidationError;
    expect(err.code).toBe('E_VALIDATION');
    expect(err.details.path).toBe(path);
    expect(err.message).toContain(path);
    return err;
  }
  throw new Error('expected a ValidationError');
}

const v4 = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');

describe('IP parsing and formatting', () => {
  it('formats canonically', () => {
    expect(normalizeIp('172.17.0.2')).toBe('172.17.0.2');
    expect(normalizeIp('2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(normalizeIp('fd00:0:0:0:0:0:0:2')).toBe('fd00::2');
    expect(normalizeIp('::')).toBe('::');
    expect(normalizeIp('::ffff:10.0.0.1')).toBe('::ffff:10.0.0.1');
    expect(normalizeIp('::ffff:a00:1')).toBe('::ffff:10.0.0.1');
    // ipaddr.js alone would read this as v4-mapped; it is the v4-compatible ::102:304.
    expect(normalizeIp('::1.2.3.4')).toBe('::102:304');
    expect(ipFamilyOf('10.0.0.1')).toBe(4);
    expect(ipFamilyOf('fe80::1')).toBe(6);
    expect(ipFamilyOf('nope')).toBeUndefined();
  });

  it.each(['', '1.2.3', '256.0.0.1', '010.0.0.1', '0xc0.168.1.1', '3232235777', '1.2.3.4/24', 'fe80::1%eth0', '1::2::3', '::ffff:1.2.3', ' 1.2.3.4', 'x'])(
    'rejects %j as an address naming the field',
    (bad) => {
      expect(isIp(bad)).toBe(false);
      const err = expectValidation(() => normalizeIp(bad, 'gateway'), 'gateway');
      expect(err.message).toContain('dotted-decimal');
      expect(err.details.given).toBe(bad);
    },
  );

  it('round-trips every IPv4 address through its canonical text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(normalizeIp(v4(n))).toBe(v4(n));
      }),
    );
  });

  it('round-trips IPv6 canonical text (normalizing is idempotent)', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const once = normalizeIp(text);
        expect(normalizeIp(once)).toBe(once);
        expect(once).toBe(once.toLowerCase());
      }),
    );
  });
});

describe('CIDR math', () => {
  it('describes a block', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ cidr: '10.0.0.0/8', family: 4, prefix: 8, first: '10.0.0.0', last: '10.255.255.255', size: 16777216n });
    expect(parseCidr('FD00::/64')).toEqual({ cidr: 'fd00::/64', family: 6, prefix: 64, first: 'fd00::', last: 'fd00::ffff:ffff:ffff:ffff', size: 1n << 64n });
    expect(cidrFirst('192.168.16.0/20')).toBe('192.168.16.0');
    expect(cidrLast('192.168.16.0/20')).toBe('192.168.31.255');
    expect(cidrSize('0.0.0.0/0')).toBe(1n << 32n);
    expect(cidrSize('::/0')).toBe(1n << 128n);
    expect(cidrNetwork('172.18.0.0/16')).toBe('172.18.0.0');
    expect(cidrBroadcast('172.18.0.0/16')).toBe('172.18.255.255');
    expect(cidrBroadcast('10.1.2.3/32')).toBe('10.1.2.3');
  });

  it('rejects host bits with Docker\'s wording', () => {
    const err = expectValidation(() => parseCidr('10.1.2.3/8'), 'subnet');
    expect(err.message).toContain('invalid subnet 10.1.2.3/8: it should be 10.0.0.0/8');
    expect(err.details.suggestion).toBe('10.0.0.0/8');
    expectValidation(() => parseCidr('fd00::1/64', 'ipRange'), 'ipRange');
  });

  it.each([
    ['10.0.0.0/33', 'out of range 0..32'],
    ['fd00::/129', 'out of range 0..128'],
    ['10.0.0.0/-1', 'out of range'],
    ['10.0.0.0/08', 'out of range'],
    ['10.0.0.0', 'CIDR block notation'],
    ['10.0.0.0/8/8', 'CIDR block notation'],
    ['10.0.0/8', 'not an IP address'],
    ['/8', 'not an IP address'],
  ])('rejects %j', (bad, why) => {
    const err = expectValidation(() => parseCidr(bad, 'pools[0].base'), 'pools[0].base');
    expect(err.message).toContain(why);
  });

  it('has no broadcast for IPv6', () => {
    expectValidation(() => cidrBroadcast('fd00::/64'), 'cidr');
  });

  it('splits in order', () => {
    expect(splitCidr('192.168.0.0/16', 20)).toHaveLength(16);
    expect(splitCidr('192.168.0.0/16', 20).slice(0, 3)).toEqual(['192.168.0.0/20', '192.168.16.0/20', '192.168.32.0/20']);
    expect(splitCidr('172.20.0.0/14', 16)).toEqual(['172.20.0.0/16', '172.21.0.0/16', '172.22.0.0/16', '172.23.0.0/16']);
    expect(splitCidr('fd00::/63', 64)).toEqual(['fd00::/64', 'fd00:0:0:1::/64']);
    expect(splitCidr('10.0.0.0/8', 8)).toEqual(['10.0.0.0/8']);
    expect(splitCidr('10.0.0.0/8', 24)).toHaveLength(65536);
  });

  it.each([7, 33, 25, 8.5, Number.NaN])('rejects split of 10.0.0.0/8 into /%d', (p) => {
    expectValidation(() => splitCidr('10.0.0.0/8', p), 'newPrefix');
  });

  it('split covers the parent exactly, in order, without overlap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 10 }), (n, prefix, extra) => {
        const newPrefix = Math.min(32, prefix + extra);
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const parent = `${v4((n & mask) >>> 0)}/${prefix}`;
        const parts = splitCidr(parent, newPrefix).map((c) => parseCidr(c));
        expect(parts).toHaveLength(2 ** (newPrefix - prefix));
        expect(parts[0]!.first).toBe(cidrFirst(parent));
        expect(parts.at(-1)!.last).toBe(cidrLast(parent));
        let total = 0n;
        for (let i = 0; i < parts.length; i++) {
          total += parts[i]!.size;
          expect(parts[i]!.prefix).toBe(newPrefix);
          expect(cidrContains(parent, parts[i]!.first)).toBe(true);
          if (i > 0) {
            // adjacent: next first = previous last + 1, so no gap and no overlap
            const prevLast = BigInt(parts[i - 1]!.last.split('.').reduce((a, o) => a * 256 + Number(o), 0));
            const first = BigInt(parts[i]!.first.split('.').reduce((a, o) => a * 256 + Number(o), 0));
            expect(first).toBe(prevLast + 1n);
            expect(cidrsOverlap(parts[i - 1]!.cidr, parts[i]!.cidr)).toBe(false);
          }
        }
        expect(total).toBe(cidrSize(parent));
      }),
    );
  });

  // Small prefixes live inside 10.0.0.0/24 so a brute-force enumeration stays cheap.
  const smallBlock = fc.tuple(fc.integer({ min: 24, max: 32 }), fc.integer({ min: 0, max: 255 })).map(([prefix, host]) => {
    const span = 2 ** (32 - prefix);
    const start = Math.floor(host / span) * span;
    return { text: `10.0.0.${start}/${prefix}`, start, end: start + span - 1 };
  });

  it('contains agrees with brute force', () => {
    fc.assert(
      fc.property(smallBlock, fc.integer({ min: 0, max: 255 }), (b, host) => {
        expect(cidrContains(b.text, `10.0.0.${host}`)).toBe(host >= b.start && host <= b.end);
      }),
    );
  });

  it('overlaps agrees with brute force and is symmetric', () => {
    fc.assert(
      fc.property(smallBlock, smallBlock, (a, b) => {
        let shared = false;
        for (let h = a.start; h <= a.end; h++) if (h >= b.start && h <= b.end) shared = true;
        expect(cidrsOverlap(a.text, b.text)).toBe(shared);
        expect(cidrsOverlap(b.text, a.text)).toBe(shared);
      }),
    );
  });

  it('never matches across families', () => {
    expect(cidrContains('0.0.0.0/0', '::1')).toBe(false);
    expect(cidrContains('::/0', '10.0.0.1')).toBe(false);
    expect(cidrsOverlap('0.0.0.0/0', '::/0')).toBe(false);
  });

  it('names the offending argument', () => {
    expectValidation(() => cidrContains('10.0.0.0/8', '10.0.0'), 'ip');
    expectValidation(() => cidrContains('10.0.0.0/88', '10.0.0.1'), 'cidr');
    expectValidation(() => cidrsOverlap('10.0.0.0/8', 'x/8'), 'b');
  });
});

describe('arbitrary text', () => {
  it('either parses or fails with a ValidationError naming the field, never anything else', () => {
    const text = fc.oneof(fc.string({ maxLength: 50 }), fc.ipV4Extended(), fc.ipV6(), fc.tuple(fc.ipV4(), fc.integer({ min: -5, max: 40 })).map(([a, p]) => `${a}/${p}`));
    fc.assert(
      fc.property(text, (t) => {
        for (const [fn, path] of [
          [() => normalizeIp(t, 'field'), 'field'],
          [() => parseCidr(t, 'field'), 'field'],
        ] as const) {
          try {
            fn();
          } catch (e) {
            expect(e).toBeInstanceOf(ValidationError);
            expect((e as ValidationError).details.path).toBe(path);
            expect((e as ValidationError).details.given).toBe(t);
          }
        }
      }),
    );
  });

  it('accepts exactly the strict dotted-decimal IPv4 forms', () => {
    fc.assert(
      fc.property(fc.ipV4Extended(), (t) => {
        const strict = /^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}$/.test(t) && t.split('.').every((o) => Number(o) <= 255);
        expect(isIp(t)).toBe(strict);
      }),
    );
  });
});
