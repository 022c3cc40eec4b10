import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isStrataError } from '@strata/shared-types';
import { createNetworkModel } from '../src/topology/index.ts';
import type { NetworkModel } from '../src/topology/index.ts';

const HOSTS = ['h1', 'h2'] as const;
const NAMESPACES = ['n0', 'n1', 'n2', 'n3', 'n4'] as const;
const NETWORKS = ['bridge', 'net-a', 'net-b', 'net-c', 'ov'] as const;

type Command =
  | { type: 'create'; network: string; host: string; driver: 'bridge' | 'overlay'; internal: boolean; icc: boolean; subnet?: string }
  | { type: 'remove'; network: string }
  | { type: 'attach'; namespace: string; network: string; ip?: string }
  | { type: 'detach'; namespace: string; network: string }
  | { type: 'publish'; namespace: string; containerPort: number; hostPort: number }
  | { type: 'listen'; namespace: string; port: number }
  | { type: 'hostListen'; host: string; port: number }
  | { type: 'deleteNamespace'; namespace: string }
  | { type: 'route'; namespace: string; destination: string; device: string };

const name = <T extends string>(xs: readonly T[]) => fc.constantFrom(...xs);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    type: fc.constant('create' as const),
    network: name(NETWORKS),
    host: name(HOSTS),
    driver: fc.constantFrom('bridge' as const, 'bridge' as const, 'overlay' as const),
    internal: fc.boolean(),
    icc: fc.boolean(),
    subnet: fc.option(fc.constantFrom('172.18.0.0/16', '10.9.0.0/24', '10.0.0.0/24', '10.9.0.0/16'), { nil: undefined }),
  }),
  fc.record({ type: fc.constant('remove' as const), network: name(NETWORKS) }),
  fc.record({ type: fc.constant('attach' as const), namespace: name(NAMESPACES), network: name(NETWORKS), ip: fc.option(fc.constantFrom('172.18.0.5', '10.0.0.2', '10.9.0.3'), { nil: undefined }) }),
  fc.record({ type: fc.constant('attach' as const), namespace: name(NAMESPACES), network: name(NETWORKS) }),
  fc.record({ type: fc.constant('detach' as const), namespace: name(NAMESPACES), network: name(NETWORKS) }),
  fc.record({ type: fc.constant('publish' as const), namespace: name(NAMESPACES), containerPort: fc.constantFrom(80, 443), hostPort: fc.constantFrom(0, 8080, 8443) }),
  fc.record({ type: fc.constant('listen' as const), namespace: name(NAMESPACES), port: fc.constantFrom(80, 443) }),
  fc.record({ type: fc.constant('hostListen' as const), host: name(HOSTS), port: fc.constantFrom(22, 8080) }),
  fc.record({ type: fc.constant('deleteNamespace' as const), namespace: name(NAMESPACES) }),
  fc.record({ type: fc.constant('route' as const), namespace: name(NAMESPACES), destination: fc.constantFrom('172.19.0.0/16', '10.0.0.0/8', 'default'), device: fc.constantFrom('eth0', 'eth1', 'lo') }),
);

function world(): NetworkModel {
  const m = createNetworkModel();
  m.addHost({ name: 'h1', address: '192.0.2.1', uplink: { capacity: 125_000_000, latency: 100 } });
  m.addHost({ name: 'h2', address: '192.0.2.2', uplink: { capacity: 125_000_000, latency: 100 } });
  NAMESPACES.forEach((n, i) => m.createNamespace({ name: n, host: HOSTS[i % 2] as string }));
  return m;
}

function apply(m: NetworkModel, c: Command): void {
  switch (c.type) {
    case 'create':
      m.createNetwork({
        name: c.network,
        driver: c.driver,
        ...(c.driver === 'bridge' ? { host: c.host } : {}),
        internal: c.internal,
        icc: c.icc,
        ...(c.subnet === undefined ? {} : { subnet: c.subnet }),
        ...(c.network === 'bridge' && c.driver === 'bridge' ? { defaultBridge: true } : {}),
      });
      return;
    case 'remove':
      m.removeNetwork(c.network);
      return;
    case 'attach':
      m.attach({ namespace: c.namespace, network: c.network, ...(c.ip === undefined ? {} : { ip: c.ip }) });
      return;
    case 'detach':
      m.detach(c.namespace, c.network);
      return;
    case 'publish':
      m.publish({ namespace: c.namespace, containerPort: c.containerPort, hostPort: c.hostPort });
      return;
    case 'listen':
      m.listen(c.namespace, c.port);
      return;
    case 'hostListen':
      m.listenOnHost(c.host, c.port);
      return;
    case 'deleteNamespace':
      m.deleteNamespace(c.namespace);
      return;
    case 'route':
      m.addRoute(c.namespace, { destination: c.destination, device: c.device });
      return;
    default: {
      const never: never = c;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/** Applies every command; a failing one must throw a StrataError and leave the snapshot unchanged. */
function run(commands: readonly Command[]): { model: NetworkModel; failures: number } {
  const m = world();
  let failures = 0;
  for (const c of commands) {
    const before = m.snapshot();
    try {
      apply(m, c);
    } catch (e) {
      failures++;
      if (!isStrataError(e)) throw e;
      expect(m.snapshot(), `${JSON.stringify(c)} failed with ${e.message} but changed the model`).toEqual(before);
    }
  }
  return { model: m, failures };
}

/** Namespaces still alive (deleteNamespace may have removed some). */
function alive(m: NetworkModel): string[] {
  return m.snapshot().namespaces.map((n) => n.name);
}

function allReach(m: NetworkModel, port: number): unknown[] {
  const ends = [...alive(m), ...HOSTS.map((host) => ({ host }))];
  return ends.flatMap((a) => ends.map((b) => m.reach(a, b, port)));
}

/** A prelude that creates some networks, so random attaches and reaches land often, then random commands. */
const PRELUDE: readonly Command[] = [
  { type: 'create', network: 'bridge', host: 'h1', driver: 'bridge', internal: false, icc: true },
  { type: 'create', network: 'net-a', host: 'h1', driver: 'bridge', internal: false, icc: true },
  { type: 'create', network: 'ov', host: 'h1', driver: 'overlay', internal: false, icc: true },
];
const commandsArb = fc.array(commandArb, { minLength: 1, maxLength: 40, size: 'medium' }).map((cs) => [...PRELUDE, ...cs]);

describe('topology properties', () => {
  it('a failed command changes nothing (snapshots before and after are equal)', () => {
    let failed = 0;
    fc.assert(
      fc.property(commandsArb, (commands) => {
        failed += run(commands).failures;
      }),
      { numRuns: 150 },
    );
    expect(failed).toBeGreaterThan(0);
  });

  it('is deterministic: the same commands give the same ids, subnets, addresses, MACs and reach answers', () => {
    fc.assert(
      fc.property(commandsArb, fc.constantFrom(80, 443, 8080), (commands, port) => {
        const one = run(commands).model;
        const two = run(commands).model;
        expect(two.snapshot()).toEqual(one.snapshot());
        expect(allReach(two, port)).toEqual(allReach(one, port));
        expect(allReach(one, port)).toEqual(allReach(one, port));
      }),
      { numRuns: 100 },
    );
  });

  it('a namespace always reaches itself via loopback', () => {
    fc.assert(
      fc.property(commandsArb, fc.integer({ min: 1, max: 65535 }), fc.constantFrom('tcp' as const, 'udp' as const, 'sctp' as const), (commands, port, protocol) => {
        const m = run(commands).model;
        for (const n of alive(m)) {
          const r = m.reach(n, n, port, protocol);
          expect(r.allowed).toBe(true);
          expect(r.path).toEqual([{ kind: 'loopback', id: `${n}/lo`, host: expect.any(String) as string }]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('two namespaces on no common network never reach each other directly (only via a published host port)', () => {
    let checked = 0;
    let reachedShared = 0;
    fc.assert(
      fc.property(commandsArb, fc.constantFrom(80, 443, 8080), (commands, port) => {
        const m = run(commands).model;
        for (const a of alive(m)) {
          for (const b of alive(m)) {
            if (a === b) continue;
            const netsOf = (n: string) => new Set(m.namespace(n).interfaces.flatMap((i) => (i.network === undefined ? [] : [i.network])));
            const shared = [...netsOf(a)].some((x) => netsOf(b).has(x));
            const r = m.reach(a, b, port);
            if (!shared) {
              checked++;
              expect(r.allowed, `${a} → ${b}: ${r.reasons.join('; ')}`).toBe(false);
            } else if (r.allowed) {
              reachedShared++;
              expect(r.path.map((h) => h.kind)).not.toContain('nat');
            }
          }
        }
      }),
      { numRuns: 150 },
    );
    expect(checked).toBeGreaterThan(0);
    expect(reachedShared).toBeGreaterThan(0);
  });

  it('a host port is reached only when something is published there or a host socket listens', () => {
    let crossed = 0;
    fc.assert(
      fc.property(commandsArb, name(HOSTS), fc.constantFrom(8080, 8443), (commands, h, port) => {
        const m = run(commands).model;
        const snap = m.snapshot();
        const published = snap.publications.find((p) => p.host === h)?.bindings.some((b) => b.startsWith(`0.0.0.0:${port}/`)) ?? false;
        const hostSocket = snap.hostListening[h]?.includes(`${port}/tcp`) ?? false;
        for (const n of alive(m)) {
          const r = m.reach(n, { host: h }, port);
          if (r.allowed) {
            crossed++;
            expect(published || hostSocket, r.reasons.join('; ')).toBe(true);
            if (!hostSocket) expect(r.path.map((x) => x.kind)).toContain('nat');
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(crossed).toBeGreaterThan(0);
  });
});
