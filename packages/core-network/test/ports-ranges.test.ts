// Port ranges of `docker run -p`: `-p 8000-8010:80-90`, `-p 8000-8010:80`, `-p 80-90`, with host IP and
// protocol; Docker's range texts (docker/cli ParsePortSpec) and all-or-nothing publishing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError, InsufficientResourcesError, ValidationError } from '@strata/shared-types';
import { createPortPublisher } from '../src/ports/index.ts';
import type { PortBinding, PortRange, PublishSpec } from '../src/ports/index.ts';
import { createNetworkModel } from '../src/topology/index.ts';
import { catchError } from './catch-error.ts';

const web = { containerId: 'web', containerIp: '172.18.0.2' } as const;

const pairs = (bindings: readonly PortBinding[]) => bindings.map((b) => `${b.hostIp}:${b.hostPort}/${b.protocol}>${b.containerPort}`);

describe('-p 8000-8010:80-90: a host range onto a container range of equal length', () => {
  it('gives one binding per port and per host address, by port then address', () => {
    const ports = createPortPublisher();
    const pub = ports.publish({ ...web, containerPort: { start: 80, end: 82 }, hostPort: { start: 8000, end: 8002 } });
    expect(pairs(pub.bindings)).toEqual([
      '0.0.0.0:8000/tcp>80',
      ':::8000/tcp>80',
      '0.0.0.0:8001/tcp>81',
      ':::8001/tcp>81',
      '0.0.0.0:8002/tcp>82',
      ':::8002/tcp>82',
    ]);
    expect(new Set(pub.bindings.map((b) => b.publicationId))).toEqual(new Set([pub.id]));
    expect(ports.lookup('10.0.0.1', 8001, 'tcp')?.containerPort).toBe(81);
  });

  it('with a host IP and a protocol (-p 127.0.0.1:5000-5001:53-54/udp)', () => {
    const ports = createPortPublisher();
    const pub = ports.publish({ ...web, hostIp: '127.0.0.1', protocol: 'udp', containerPort: { start: 53, end: 54 }, hostPort: { start: 5000, end: 5001 } });
    expect(pairs(pub.bindings)).toEqual(['127.0.0.1:5000/udp>53', '127.0.0.1:5001/udp>54']);
    // the same ports over tcp, or on another address, do not clash
    ports.publish({ ...web, hostIp: '127.0.0.1', protocol: 'tcp', containerPort: { start: 53, end: 54 }, hostPort: { start: 5000, end: 5001 } });
    ports.publish({ ...web, hostIp: '::1', protocol: 'udp', containerPort: { start: 53, end: 54 }, hostPort: { start: 5000, end: 5001 } });
    expect(ports.list()).toHaveLength(6);
  });

  it('unpublish releases the whole range', () => {
    const ports = createPortPublisher();
    const pub = ports.publish({ ...web, containerPort: { start: 80, end: 90 }, hostPort: { start: 8000, end: 8010 } });
    expect(ports.list()).toHaveLength(22);
    ports.unpublish(pub.id);
    expect(ports.list()).toEqual([]);
    expect(ports.lookup('0.0.0.0', 8005, 'tcp')).toBeUndefined();
  });

  it("one taken port refuses the whole range with Docker's text, and nothing is published", () => {
    const ports = createPortPublisher();
    ports.publish({ containerId: 'db', containerIp: '172.18.0.3', containerPort: 5432, hostPort: 8005 });
    const before = ports.snapshot();
    const error = catchError(() => ports.publish({ ...web, containerPort: { start: 80, end: 90 }, hostPort: { start: 8000, end: 8010 } }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('E_CONFLICT');
    expect(error.message).toBe(
      'Bind for 0.0.0.0:8005 failed: port is already allocated (asked for tcp 0.0.0.0:8000-8010 → 80-90; 0.0.0.0:8005 is published by container db;' +
        ' nothing of the range was published: choose another host range, or omit it for ephemeral ports)',
    );
    expect(ports.snapshot()).toEqual(before);
    expect(ports.lookup('0.0.0.0', 8000, 'tcp')).toBeUndefined();
  });

  it('a wildcard in the range clashes with a specific address of its family, in either order', () => {
    const ports = createPortPublisher();
    ports.publish({ ...web, hostIp: '::1', containerPort: 80, hostPort: 8002 });
    expect(() => ports.publish({ ...web, containerPort: { start: 80, end: 82 }, hostPort: { start: 8000, end: 8002 } })).toThrow(
      /^Bind for ::1:8002 failed: port is already allocated \(asked for tcp \[::\]:8000-8002 → 80-82;/,
    );
    ports.publish({ ...web, hostIp: '0.0.0.0', containerPort: { start: 80, end: 82 }, hostPort: { start: 8000, end: 8002 } });
  });
});

describe('-p 8000-8010:80: a host range beside one container port', () => {
  it('picks the first free port of the range, then (moby: a cursor per range) the one after the last it gave', () => {
    const ports = createPortPublisher();
    ports.publish({ containerId: 'db', containerIp: '172.18.0.3', containerPort: 1, hostPort: 8000 });
    const range = { start: 8000, end: 8003 };
    const a = ports.publish({ ...web, containerPort: 80, hostPort: range });
    expect(pairs(a.bindings)).toEqual(['0.0.0.0:8001/tcp>80', ':::8001/tcp>80']);
    const b = ports.publish({ ...web, containerPort: 80, hostPort: range });
    expect(b.bindings[0]!.hostPort).toBe(8002);
    ports.unpublish(a.id);
    expect(ports.publish({ ...web, containerPort: 80, hostPort: range }).bindings[0]!.hostPort).toBe(8003);
    // wraps to the start, skipping 8000 (held by db) and 8002 (held by b): 8001, freed, is next
    expect(ports.publish({ ...web, containerPort: 80, hostPort: range }).bindings[0]!.hostPort).toBe(8001);
    expect(ports.snapshot().cursors).toMatchObject({ 'tcp/0.0.0.0/8000-8003': 8001, 'tcp/::/8000-8003': 8001 });
  });

  it('works with a host IP and protocol, and ignores ports reserved for the ephemeral range', () => {
    const ports = createPortPublisher({ reservedPorts: [9000] });
    const pub = ports.publish({ ...web, hostIp: '192.168.1.10', protocol: 'sctp', containerPort: 80, hostPort: { start: 9000, end: 9009 } });
    expect(pairs(pub.bindings)).toEqual(['192.168.1.10:9000/sctp>80']);
  });

  it('a full range is E_CONFLICT "all ports are allocated" and changes nothing', () => {
    const ports = createPortPublisher();
    ports.publish({ ...web, containerPort: { start: 1, end: 2 }, hostPort: { start: 8000, end: 8001 } });
    const before = ports.snapshot();
    const error = catchError(() => ports.publish({ ...web, containerPort: 80, hostPort: { start: 8000, end: 8001 } }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      'all ports are allocated: every tcp port of 8000-8001 on 0.0.0.0 and :: is already published (0.0.0.0:8000 by container web, …); nothing was published: unpublish one, or choose another host range',
    );
    expect(ports.snapshot()).toEqual(before);
  });

  it('a one-port host range is a fixed host port', () => {
    const ports = createPortPublisher();
    expect(pairs(ports.publish({ ...web, hostIp: '0.0.0.0', containerPort: { start: 80, end: 80 }, hostPort: { start: 8080, end: 8080 } }).bindings)).toEqual([
      '0.0.0.0:8080/tcp>80',
    ]);
    expect(() => ports.publish({ ...web, containerPort: 81, hostPort: { start: 8080, end: 8080 } })).toThrow(/^Bind for 0\.0\.0\.0:8080 failed: port is already allocated/);
  });
});

describe('-p 80-90: a container range with ephemeral host ports', () => {
  it('gives each container port the next ephemeral port; the cursor ends at the last', () => {
    const ports = createPortPublisher({ ephemeralRange: { start: 100, end: 105 }, reservedPorts: [101] });
    ports.publish({ containerId: 'db', containerIp: '172.18.0.3', containerPort: 1, hostPort: 103 });
    const pub = ports.publish({ ...web, containerPort: { start: 80, end: 82 } });
    expect(pairs(pub.bindings).filter((p) => p.startsWith('0.0.0.0'))).toEqual(['0.0.0.0:100/tcp>80', '0.0.0.0:102/tcp>81', '0.0.0.0:104/tcp>82']);
    expect(ports.snapshot().cursors).toEqual({ 'tcp/0.0.0.0': 104, 'tcp/::': 104 });
  });

  it('when the ephemeral range cannot hold them all, nothing is published', () => {
    const ports = createPortPublisher({ ephemeralRange: { start: 100, end: 102 } });
    const error = catchError(() => ports.publish({ ...web, containerPort: { start: 80, end: 83 }, hostPort: 0 }));
    expect(error).toBeInstanceOf(InsufficientResourcesError);
    expect(error.message).toBe(
      'all ports are allocated: no 4 free tcp ports on 0.0.0.0 and :: in the ephemeral range 100-102; unpublish a port, give an explicit host port, or widen the range',
    );
    expect(ports.snapshot()).toEqual({ bindings: [], cursors: {} });
  });
});

describe('bad ranges: ValidationError naming the field and what is accepted, nothing changed', () => {
  const ports = createPortPublisher();
  const cases: [Partial<PublishSpec>, string, string][] = [
    [{ containerPort: { start: 90, end: 80 } }, 'containerPort', 'invalid containerPort: 90-80 (a containerPort range must have start <= end, each 1..65535; got start 90, end 80)'],
    [{ containerPort: 80, hostPort: { start: 8010, end: 8000 } }, 'hostPort', 'invalid hostPort: 8010-8000 (a hostPort range must have start <= end'],
    [{ containerPort: { start: 0, end: 10 } }, 'containerPort.start', 'containerPort.start must be an integer 1..65535; got 0 (containerPort accepts an integer 1..65535, or a range { start, end } with 1 <= start <= end <= 65535)'],
    [{ containerPort: { start: 80, end: 65536 } }, 'containerPort.end', 'containerPort.end must be an integer 1..65535; got 65536'],
    [{ containerPort: 80, hostPort: { start: 0, end: 10 } }, 'hostPort.start', 'hostPort.start must be an integer 1..65535; got 0'],
    [{ containerPort: { start: 80, end: 81.5 } }, 'containerPort.end', 'containerPort.end must be an integer 1..65535; got 81.5'],
    [{ containerPort: { start: 80 } as PortRange }, 'containerPort.end', 'containerPort.end must be an integer 1..65535; got undefined'],
    [
      { containerPort: { start: 80, end: 90 }, hostPort: { start: 8000, end: 8009 } },
      'hostPort',
      'invalid ranges specified for container and host Ports: 80-90 and 8000-8009 (hostPort must be a range of the same length as containerPort, 11 ports, one host port per container port;',
    ],
    [{ containerPort: { start: 80, end: 90 }, hostPort: 8000 }, 'hostPort', 'invalid ranges specified for container and host Ports: 80-90 and 8000 ('],
    [{ containerPort: '80-90' as never }, 'containerPort', 'containerPort must be an integer 1..65535; got "80-90" (a range { start, end } is accepted too)'],
  ];
  it.each(cases)('%o → %s', (patch, path, message) => {
    const error = catchError(() => ports.publish({ ...web, containerPort: 80, ...patch }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('E_VALIDATION');
    expect(error.message.startsWith(message)).toBe(true);
    expect((error as ValidationError).details).toMatchObject({ path });
    expect((error as ValidationError).details).toHaveProperty('accepted');
    expect(ports.snapshot()).toEqual({ bindings: [], cursors: {} });
  });
});

describe('the topology model publishes ranges through the ports area', () => {
  it('-p 8000-8001:80-81 on a namespace; a clash is refused whole; reach follows each port', () => {
    const m = createNetworkModel();
    m.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1_250_000_000, latency: 50 } });
    m.createNetwork({ name: 'front', host: 'h1' });
    for (const n of ['web', 'api']) {
      m.createNamespace({ name: n, host: 'h1' });
      m.attach({ namespace: n, network: 'front' });
    }
    m.listen('web', 81);
    expect(m.publish({ namespace: 'web', hostIp: '10.1.0.1', containerPort: { start: 80, end: 81 }, hostPort: { start: 8000, end: 8001 } })).toEqual([
      '10.1.0.1:8000/tcp → 172.17.0.2:80',
      '10.1.0.1:8001/tcp → 172.17.0.2:81',
    ]);
    const r = m.reach({ host: 'h1' }, { host: 'h1' }, 8001);
    expect(r).toMatchObject({ allowed: true, listening: true });
    expect(r.reasons).toContain('published port 10.1.0.1:8001/tcp → 172.17.0.2:81: DNAT to web (172.17.0.2:81) on network front');
    const before = m.snapshot();
    m.takeEvents();
    expect(() => m.publish({ namespace: 'api', containerPort: { start: 80, end: 82 }, hostPort: { start: 7999, end: 8001 } })).toThrow(
      /^Bind for 10\.1\.0\.1:8000 failed: port is already allocated/,
    );
    expect(m.snapshot()).toEqual(before);
    expect(m.takeEvents()).toEqual([]);
  });
});

// ---- properties ----

const rangeArb = (lo: number, hi: number, maxLen: number) =>
  fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: maxLen - 1 })).map(([start, extra]) => ({ start, end: Math.min(hi, start + extra) }));

const rangeSpecArb: fc.Arbitrary<PublishSpec> = fc.record({
  containerId: fc.constantFrom('a', 'b'),
  containerIp: fc.constant('172.18.0.2'),
  containerPort: fc.oneof(fc.integer({ min: 1, max: 20 }), rangeArb(1, 20, 4)),
  protocol: fc.constantFrom('tcp' as const, 'udp' as const),
  hostIp: fc.constantFrom(undefined, '0.0.0.0', '::', '10.0.0.1'),
  hostPort: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 16 }), rangeArb(1, 16, 4)),
});

function clash(a: PortBinding, b: PortBinding): boolean {
  if (a.protocol !== b.protocol || a.hostPort !== b.hostPort) return false;
  if (a.hostIp === b.hostIp) return true;
  if (a.hostIp.includes(':') !== b.hostIp.includes(':')) return false;
  return ['0.0.0.0', '::'].includes(a.hostIp) || ['0.0.0.0', '::'].includes(b.hostIp);
}

describe('range properties', () => {
  it('all or nothing: a publish either adds one binding per container port and address, none clashing, or changes nothing', () => {
    fc.assert(
      fc.property(fc.array(rangeSpecArb, { maxLength: 25 }), (specs) => {
        const ports = createPortPublisher({ ephemeralRange: { start: 10, end: 16 } });
        for (const spec of specs) {
          const before = ports.snapshot();
          let pub;
          try {
            pub = ports.publish(spec);
          } catch (error) {
            expect(error).toSatisfy((e) => e instanceof ConflictError || e instanceof InsufficientResourcesError || e instanceof ValidationError);
            expect(ports.snapshot()).toEqual(before);
            continue;
          }
          const c = typeof spec.containerPort === 'number' ? { start: spec.containerPort, end: spec.containerPort } : spec.containerPort;
          const addresses = spec.hostIp === undefined ? 2 : 1;
          expect(pub.bindings).toHaveLength((c.end - c.start + 1) * addresses);
          expect(pub.bindings.map((b) => b.containerPort)).toEqual(Array.from({ length: c.end - c.start + 1 }, (_, i) => c.start + i).flatMap((p) => Array.from({ length: addresses }, () => p)));
          const h = spec.hostPort;
          if (typeof h === 'object' && c.start === c.end) {
            for (const b of pub.bindings) expect(b.hostPort >= h.start && b.hostPort <= h.end).toBe(true);
          } else if (typeof h === 'object') {
            for (const b of pub.bindings) expect(b.hostPort - h.start).toBe(b.containerPort - c.start);
          }
          for (const b of pub.bindings) expect(before.bindings.some((old) => clash(old, b))).toBe(false);
          expect(ports.list()).toHaveLength(before.bindings.length + pub.bindings.length);
        }
      }),
    );
  });
});
