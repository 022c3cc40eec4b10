import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError, InsufficientResourcesError, LimitExceededError, NotFoundError, ValidationError } from '@strata/shared-types';
import { createPortPublisher } from '../src/ports/index.ts';
import type { PortBinding, PortPublisher, PublishSpec } from '../src/ports/index.ts';
import { catchError } from './catch-error.ts';

const web = { containerId: 'web', containerIp: '172.18.0.2', containerPort: 80 } as const;

describe('publish: defaults and listing', () => {
  it('binds both 0.0.0.0 and :: when no host IP is given, tcp by default', () => {
    const ports = createPortPublisher();
    const pub = ports.publish({ ...web, hostPort: 8080 });
    expect(pub.bindings.map((b) => [b.hostIp, b.hostPort, b.protocol, b.containerIp, b.containerPort])).toEqual([
      ['0.0.0.0', 8080, 'tcp', '172.18.0.2', 80],
      ['::', 8080, 'tcp', '172.18.0.2', 80],
    ]);
    expect(ports.list()).toEqual(pub.bindings);
    expect(ports.bindingsOf('web')).toEqual(pub.bindings);
    expect(ports.bindingsOf('other')).toEqual([]);
  });

  it('binds one address when a host IP is given, and canonicalises addresses', () => {
    const ports = createPortPublisher();
    const pub = ports.publish({ ...web, containerIp: 'fd00:0:0::2', hostIp: '2001:DB8::1', hostPort: 8080, protocol: 'udp' });
    expect(pub.bindings).toHaveLength(1);
    expect(pub.bindings[0]).toMatchObject({ hostIp: '2001:db8::1', containerIp: 'fd00::2', protocol: 'udp' });
  });

  it('accepts sctp, and the same port on another protocol does not clash', () => {
    const ports = createPortPublisher();
    ports.publish({ ...web, hostPort: 8080, protocol: 'tcp' });
    ports.publish({ ...web, hostPort: 8080, protocol: 'udp' });
    ports.publish({ ...web, hostPort: 8080, protocol: 'sctp' });
    expect(ports.list()).toHaveLength(6);
  });
});

describe('publish: conflicts (reference §1, §6 item 6)', () => {
  it("a taken port is a ConflictError with Docker's text", () => {
    const ports = createPortPublisher();
    ports.publish({ ...web, hostPort: 8080 });
    const error = catchError(() => ports.publish({ containerId: 'web2', containerIp: '172.18.0.3', containerPort: 80, hostPort: 8080 }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('E_CONFLICT');
    expect((error as ConflictError).message).toBe(
      'Bind for 0.0.0.0:8080 failed: port is already allocated (asked for tcp 0.0.0.0:8080; 0.0.0.0:8080 is published by container web; choose another host port, or 0 for an ephemeral one)',
    );
    expect((error as ConflictError).details).toMatchObject({ hostIp: '0.0.0.0', hostPort: 8080, protocol: 'tcp' });
  });

  it('a specific IP and the wildcard of its family clash, in either order; the message names the existing mapping', () => {
    const a = createPortPublisher();
    a.publish({ ...web, hostIp: '192.168.1.10', hostPort: 80 });
    expect(() => a.publish({ ...web, hostIp: '0.0.0.0', hostPort: 80 })).toThrow(/^Bind for 192\.168\.1\.10:80 failed: port is already allocated \(asked for tcp 0\.0\.0\.0:80;/);
    // no host IP → 0.0.0.0 and ::; the 0.0.0.0 half collides
    expect(() => a.publish({ ...web, hostPort: 80 })).toThrow(/^Bind for 192\.168\.1\.10:80 failed: port is already allocated/);
    const b = createPortPublisher();
    b.publish({ ...web, hostPort: 80 });
    expect(() => b.publish({ ...web, hostIp: '127.0.0.1', hostPort: 80 })).toThrow(/^Bind for 0\.0\.0\.0:80 failed: port is already allocated \(asked for tcp 127\.0\.0\.1:80;/);
    expect(() => b.publish({ ...web, hostIp: '2001:db8::1', hostPort: 80 })).toThrow(/^Bind for :::80 failed: port is already allocated \(asked for tcp \[2001:db8::1\]:80;/);
  });

  it('the :: half of a default publication reports :: (moby: `%s:%d`, so `:::80`)', () => {
    const ports = createPortPublisher();
    ports.publish({ ...web, hostIp: '::', hostPort: 80 });
    expect(() => ports.publish({ ...web, hostPort: 80 })).toThrow(/^Bind for :::80 failed: port is already allocated/);
  });

  it('two specific addresses, or different families, do not clash', () => {
    const ports = createPortPublisher();
    ports.publish({ ...web, hostIp: '192.168.1.10', hostPort: 80 });
    ports.publish({ ...web, hostIp: '192.168.1.11', hostPort: 80 });
    ports.publish({ ...web, hostIp: '::', hostPort: 80 });
    expect(ports.list()).toHaveLength(3);
  });

  it('a failed publish changes nothing', () => {
    const ports = createPortPublisher();
    ports.publish({ ...web, hostIp: '::', hostPort: 80 });
    const before = ports.snapshot();
    expect(() => ports.publish({ ...web, hostPort: 80 })).toThrow(ConflictError);
    expect(ports.snapshot()).toEqual(before);
    // the 0.0.0.0 half was not kept: it is still free
    ports.publish({ ...web, hostIp: '0.0.0.0', hostPort: 80 });
  });
});

describe('publish: ephemeral ports (reference §1: next after the last given, per (IP, proto), wrapping)', () => {
  it('starts at 32768 and advances; freed ports are not reused until the range wraps', () => {
    const ports = createPortPublisher();
    const a = ports.publish(web);
    const b = ports.publish({ ...web, hostPort: 0 });
    expect(a.bindings.map((x) => x.hostPort)).toEqual([32768, 32768]);
    expect(b.bindings[0]!.hostPort).toBe(32769);
    ports.unpublish(a.id);
    expect(ports.publish(web).bindings[0]!.hostPort).toBe(32770);
  });

  it('keeps one cursor per protocol and per host IP', () => {
    const ports = createPortPublisher();
    ports.publish(web);
    ports.publish(web);
    expect(ports.publish({ ...web, protocol: 'udp' }).bindings[0]!.hostPort).toBe(32768);
    expect(ports.publish({ ...web, hostIp: '127.0.0.1' }).bindings[0]!.hostPort).toBe(32770); // 32768-9 held by 0.0.0.0
  });

  it('skips ports taken explicitly and reserved ports, and wraps to the start', () => {
    const ports = createPortPublisher({ ephemeralRange: { start: 100, end: 103 }, reservedPorts: [101] });
    ports.publish({ ...web, hostPort: 100 });
    expect(ports.publish(web).bindings[0]!.hostPort).toBe(102);
    const p103 = ports.publish(web);
    expect(p103.bindings[0]!.hostPort).toBe(103);
    ports.unpublishContainer('web');
    expect(ports.publish(web).bindings[0]!.hostPort).toBe(100); // wrapped
  });

  it('exhaustion is InsufficientResourcesError "all ports are allocated" and changes nothing', () => {
    const ports = createPortPublisher({ ephemeralRange: { start: 5000, end: 5001 } });
    ports.publish(web);
    ports.publish(web);
    const before = ports.snapshot();
    const error = catchError(() => ports.publish(web));
    expect(error).toBeInstanceOf(InsufficientResourcesError);
    expect(error.message).toBe(
      'all ports are allocated: no free tcp port on 0.0.0.0 and :: in the ephemeral range 5000-5001; unpublish a port, give an explicit host port, or widen the range',
    );
    expect(ports.snapshot()).toEqual(before);
  });
});

describe('unpublish and limits', () => {
  it('unpublish releases the port; an unknown id is NotFoundError', () => {
    const ports = createPortPublisher();
    const pub = ports.publish({ ...web, hostPort: 8080 });
    expect(ports.unpublish(pub.id)).toEqual(pub);
    expect(ports.list()).toEqual([]);
    ports.publish({ ...web, hostPort: 8080 });
    expect(() => ports.unpublish(pub.id)).toThrow(NotFoundError);
    expect(() => ports.unpublish(pub.id)).toThrow(`port publication '${pub.id}' does not exist`);
  });

  it('unpublishContainer releases only that container', () => {
    const ports = createPortPublisher();
    ports.publish({ ...web, hostPort: 1 });
    ports.publish({ containerId: 'db', containerIp: '172.18.0.3', containerPort: 5432, hostPort: 5432 });
    ports.publish({ ...web, hostPort: 2 });
    expect(ports.unpublishContainer('web').map((p) => p.bindings[0]!.hostPort)).toEqual([1, 2]);
    expect(ports.list().map((b) => b.containerId)).toEqual(['db', 'db']);
    expect(ports.unpublishContainer('nobody')).toEqual([]);
  });

  it('maxPublications bounds live publications (LimitExceededError)', () => {
    const ports = createPortPublisher({ maxPublications: 1 });
    ports.publish(web);
    expect(() => ports.publish(web)).toThrow(LimitExceededError);
    expect(() => ports.publish(web)).toThrow('this host already holds 1 port publications, the limit (maxPublications 1); unpublish one first');
  });

  it('lookup prefers the exact address, then the wildcard of the family', () => {
    const ports = createPortPublisher();
    ports.publish({ ...web, hostPort: 80 });
    ports.publish({ ...web, containerId: 'other', hostIp: '192.168.1.10', hostPort: 81 });
    expect(ports.lookup('10.0.0.1', 80, 'tcp')?.hostIp).toBe('0.0.0.0');
    expect(ports.lookup('2001:db8::5', 80, 'tcp')?.hostIp).toBe('::');
    expect(ports.lookup('192.168.1.10', 81, 'tcp')?.containerId).toBe('other');
    expect(ports.lookup('192.168.1.11', 81, 'tcp')).toBeUndefined();
    expect(ports.lookup('10.0.0.1', 80, 'udp')).toBeUndefined();
  });
});

describe('validation: messages name the field, the accepted form and the value', () => {
  const ports = createPortPublisher();
  const cases: [Partial<PublishSpec> & Record<string, unknown>, string][] = [
    [{ containerPort: 0 }, 'containerPort must be an integer 1..65535; got 0'],
    [{ containerPort: 65536 }, 'containerPort must be an integer 1..65535; got 65536'],
    [{ containerPort: 80.5 }, 'containerPort must be an integer 1..65535; got 80.5'],
    [{ hostPort: -1 }, 'hostPort must be an integer 1..65535, or 0 for an ephemeral port; got -1'],
    [{ protocol: 'icmp' as never }, 'protocol must be one of tcp, udp, sctp (default tcp); got "icmp"'],
    [{ hostIp: 'localhost' }, 'hostIp must be an IPv4 address (dotted quad, e.g. 192.168.1.10) or an IPv6 address (e.g. 2001:db8::1, ::); got "localhost"'],
    [{ hostIp: '10.1' }, 'hostIp must be an IPv4 address'],
    [{ containerIp: '0.0.0.0' }, "containerIp must be the container's own address, not the wildcard 0.0.0.0"],
    [{ containerId: '' }, 'containerId must be a non-empty string of at most 128 characters; got ""'],
  ];
  it.each(cases)('%o', (patch, message) => {
    const error = catchError(() => ports.publish({ ...web, ...patch }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message.startsWith(message)).toBe(true);
    expect(ports.list()).toEqual([]);
  });

  it('rejects bad options', () => {
    expect(() => createPortPublisher({ ephemeralRange: { start: 61000, end: 60000 } })).toThrow('ephemeralRange must have start <= end');
    expect(() => createPortPublisher({ ephemeralRange: { start: 0, end: 10 } })).toThrow('ephemeralRange.start must be an integer 1..65535; got 0');
    expect(() => createPortPublisher({ reservedPorts: [70000] })).toThrow('reservedPorts[0] must be an integer 1..65535; got 70000');
    expect(() => createPortPublisher({ maxPublications: 0 })).toThrow('maxPublications must be an integer 1..1000000; got 0');
  });
});

// ---- properties ----

type Op = { kind: 'publish'; spec: PublishSpec } | { kind: 'unpublish'; index: number };

const hostIpArb = fc.constantFrom(undefined, '0.0.0.0', '::', '192.168.1.10', '192.168.1.11', '127.0.0.1', '2001:db8::1');
const specArb: fc.Arbitrary<PublishSpec> = fc.record({
  containerId: fc.constantFrom('a', 'b', 'c'),
  containerIp: fc.constantFrom('172.18.0.2', '172.18.0.3'),
  containerPort: fc.integer({ min: 1, max: 65535 }),
  protocol: fc.constantFrom('tcp' as const, 'udp' as const),
  hostIp: hostIpArb,
  hostPort: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 })),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: specArb.map((spec) => ({ kind: 'publish' as const, spec })) },
  { weight: 1, arbitrary: fc.nat(20).map((index) => ({ kind: 'unpublish' as const, index })) },
);
const RANGE = { start: 1, end: 12 }; // small, so that the ephemeral range and explicit ports collide and wrap

/** A publisher over RANGE with every spec of `setup` published that does not clash. */
function publisherWith(setup: readonly PublishSpec[]): PortPublisher {
  const ports = createPortPublisher({ ephemeralRange: RANGE });
  for (const s of setup) {
    try {
      ports.publish(s);
    } catch {
      // a clash in the setup is fine
    }
  }
  return ports;
}

function overlaps(a: PortBinding, b: PortBinding): boolean {
  if (a.protocol !== b.protocol || a.hostPort !== b.hostPort) return false;
  if (a.hostIp === b.hostIp) return true;
  const v6 = (ip: string) => ip.includes(':');
  if (v6(a.hostIp) !== v6(b.hostIp)) return false;
  return ['0.0.0.0', '::'].includes(a.hostIp) || ['0.0.0.0', '::'].includes(b.hostIp);
}

describe('properties', () => {
  it('no two live bindings hold overlapping (hostIP, port, proto); ephemeral ports are in range and were free; failures change nothing', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const ports = createPortPublisher({ ephemeralRange: RANGE, reservedPorts: [7] });
        const ids: string[] = [];
        for (const op of ops) {
          const before = ports.snapshot();
          try {
            if (op.kind === 'publish') {
              const pub = ports.publish(op.spec);
              ids.push(pub.id);
              if (!op.spec.hostPort) {
                for (const b of pub.bindings) {
                  expect(b.hostPort).toBeGreaterThanOrEqual(RANGE.start);
                  expect(b.hostPort).toBeLessThanOrEqual(RANGE.end);
                  expect(b.hostPort).not.toBe(7);
                  expect(before.bindings.some((old) => overlaps(old, b))).toBe(false);
                }
              }
            } else if (ids.length > 0) {
              ports.unpublish(ids.splice(op.index % ids.length, 1)[0]!);
            }
          } catch (error) {
            expect(error).toSatisfy((e) => e instanceof ConflictError || e instanceof InsufficientResourcesError);
            expect(ports.snapshot()).toEqual(before);
          }
          const all = ports.list();
          for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i]!, all[j]!)).toBe(false);
        }
      }),
    );
  });

  it('publish with an explicit port then unpublish leaves the allocator exactly as it was', () => {
    fc.assert(
      fc.property(fc.array(specArb, { maxLength: 10 }), specArb, fc.integer({ min: 1, max: 12 }), (setup, spec, port) => {
        const ports = publisherWith(setup);
        const before = ports.snapshot();
        let id: string;
        try {
          id = ports.publish({ ...spec, hostPort: port }).id;
        } catch {
          expect(ports.snapshot()).toEqual(before);
          return;
        }
        ports.unpublish(id);
        expect(ports.snapshot()).toEqual(before);
      }),
    );
  });

  it('ephemeral publish then unpublish frees the same bindings; only the cursor moves (Docker: no reuse until wrap)', () => {
    fc.assert(
      fc.property(fc.array(specArb, { maxLength: 10 }), specArb, (setup, spec) => {
        const ports = publisherWith(setup);
        const before = ports.snapshot();
        let pub;
        try {
          pub = ports.publish({ ...spec, hostPort: 0 });
        } catch {
          expect(ports.snapshot()).toEqual(before);
          return;
        }
        ports.unpublish(pub.id);
        const after = ports.snapshot();
        expect(after.bindings).toEqual(before.bindings);
        for (const b of pub.bindings) expect(after.cursors[`${b.protocol}/${b.hostIp}`]).toBe(b.hostPort);
      }),
    );
  });
});

describe('determinism', () => {
  it('the same commands give the same bindings, ids and cursors', () => {
    fc.assert(
      fc.property(fc.array(specArb, { maxLength: 30 }), (specs) => {
        const run = () => {
          const ports = createPortPublisher({ ephemeralRange: RANGE });
          const outcomes = specs.map((s) => {
            try {
              return ports.publish(s).id;
            } catch (error) {
              return (error as Error).message;
            }
          });
          return JSON.stringify({ outcomes, state: ports.snapshot() });
        };
        expect(run()).toBe(run());
      }),
    );
  });
});
