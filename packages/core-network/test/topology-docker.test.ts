import { describe, expect, it } from 'vitest';
import { ConflictError, InsufficientResourcesError, NotFoundError, ValidationError } from '@strata/shared-types';
import { createNetworkModel } from '../src/topology/index.ts';
import type { NetworkModel } from '../src/topology/index.ts';

const UPLINK = { capacity: 1_250_000_000, latency: 50 };

/** One host with docker0 and containers a, b, c. */
function oneHost(): NetworkModel {
  const m = createNetworkModel();
  m.addHost({ name: 'h1', address: '10.1.0.1', uplink: UPLINK });
  m.createNetwork({ name: 'bridge', host: 'h1', defaultBridge: true });
  for (const n of ['a', 'b', 'c']) m.createNamespace({ name: n, host: 'h1' });
  return m;
}

/** oneHost() with user-defined bridges front (a) and back (b, listening on 80). */
function frontAndBack(): NetworkModel {
  const m = oneHost();
  m.createNetwork({ name: 'front', host: 'h1' });
  m.createNetwork({ name: 'back', host: 'h1' });
  m.attach({ namespace: 'a', network: 'front' });
  m.attach({ namespace: 'b', network: 'back' });
  m.listen('b', 80);
  return m;
}

describe('Docker bridge networks', () => {
  it('hasHost answers whether a host was added, as the snapshot lists them', () => {
    const m = oneHost();
    expect(m.hasHost('h1')).toBe(true);
    expect(m.hasHost('h2')).toBe(false);
    m.addHost({ name: 'h2', address: '10.1.0.2', uplink: UPLINK });
    expect(m.hasHost('h2')).toBe(true);
    expect(m.snapshot().hosts.map((h) => h.name).every((name) => m.hasHost(name))).toBe(true);
  });

  it('docker0 takes 172.17.0.0/16 with gateway .1; the first container gets .2; user networks start at 172.18', () => {
    const m = oneHost();
    expect(m.network('bridge')).toMatchObject({ subnet: '172.17.0.0/16', gateway: '172.17.0.1', bridge: 'docker0', defaultBridge: true });
    expect(m.attach({ namespace: 'a', network: 'bridge' })).toMatchObject({ name: 'eth0', address: '172.17.0.2', prefix: 16 });
    const net = m.createNetwork({ name: 'front', host: 'h1' });
    expect(net.subnet).toBe('172.18.0.0/16');
    expect(net.bridge).toBe(`br-${net.id.slice(0, 12)}`);
    expect(m.namespace('a').routes).toEqual([
      { destination: '127.0.0.0/8', device: 'lo', metric: 0 },
      { destination: '172.17.0.0/16', device: 'eth0', metric: 0 },
      { destination: '0.0.0.0/0', gateway: '172.17.0.1', device: 'eth0', metric: 0 },
    ]);
  });

  it('two user-defined bridges are isolated: DOCKER-ISOLATION drops traffic between them', () => {
    const m = frontAndBack();
    const r = m.reach('a', 'b', 80);
    expect(r.allowed).toBe(false);
    expect(r.listening).toBe(false);
    expect(r.address).toBe('172.19.0.2');
    expect(r.reasons[0]).toBe("route 'default via 172.18.0.1 dev eth0' of a is the longest prefix matching 172.19.0.2");
    expect(r.reasons.at(-1)).toMatch(/^DOCKER-ISOLATION drops traffic from network front \(br-[0-9a-f]{12}\) to network back \(br-[0-9a-f]{12}\)/);
    expect(m.reach('b', 'a', 80).allowed).toBe(false);
  });

  it('on one user bridge every port is reachable, through veth, bridge, veth', () => {
    const m = oneHost();
    const front = m.createNetwork({ name: 'front', host: 'h1' });
    m.attach({ namespace: 'a', network: 'front' });
    m.attach({ namespace: 'b', network: 'front' });
    m.listen('b', 5432);
    const r = m.reach('a', 'b', 5432);
    expect(r).toMatchObject({ allowed: true, listening: true, address: '172.18.0.3' });
    expect(r.path).toEqual([
      { kind: 'veth', id: 'a/eth0', host: 'h1' },
      { kind: 'bridge', id: `${front.bridge}@h1`, host: 'h1' },
      { kind: 'veth', id: 'b/eth0', host: 'h1' },
    ]);
    expect(r.reasons).toEqual([
      "route '172.18.0.0/16 dev eth0' of a is the longest prefix matching 172.18.0.3",
      'a and b share network front (bridge, 172.18.0.0/16): one L2 segment, no isolation rule between its endpoints',
      'b listens on 5432/tcp',
    ]);
    const closed = m.reach('a', 'b', 81);
    expect(closed).toMatchObject({ allowed: true, listening: false });
    expect(closed.reasons.at(-1)).toBe('b has no socket on 81/tcp (connection refused)');
  });

  it('a container on two networks (eth0, eth1) reaches both; the others still do not reach each other', () => {
    const m = oneHost();
    m.createNetwork({ name: 'front', host: 'h1' });
    m.createNetwork({ name: 'back', host: 'h1' });
    m.attach({ namespace: 'a', network: 'front' });
    m.attach({ namespace: 'b', network: 'back' });
    m.attach({ namespace: 'c', network: 'front' });
    const eth1 = m.attach({ namespace: 'c', network: 'back' });
    expect(eth1).toMatchObject({ name: 'eth1', network: 'back', address: '172.19.0.3' });
    expect(m.reach('c', 'a', 80).allowed).toBe(true);
    expect(m.reach('c', 'b', 80).allowed).toBe(true);
    expect(m.reach('a', 'c', 80).allowed).toBe(true);
    expect(m.reach('b', 'c', 80)).toMatchObject({ allowed: true, address: '172.19.0.3' });
    expect(m.reach('a', 'b', 80).allowed).toBe(false);
    // Default route: first non-internal network by name (back < front).
    expect(m.namespace('c').routes.find((r) => r.destination === '0.0.0.0/0')).toEqual({ destination: '0.0.0.0/0', gateway: '172.19.0.1', device: 'eth1', metric: 0 });
  });

  it('--gw-priority picks the default route before the name order; internal networks never give one', () => {
    const m = oneHost();
    m.createNetwork({ name: 'back', host: 'h1' });
    m.createNetwork({ name: 'front', host: 'h1' });
    m.createNetwork({ name: 'aaa-internal', host: 'h1', internal: true });
    m.attach({ namespace: 'a', network: 'aaa-internal', gwPriority: 100 });
    m.attach({ namespace: 'a', network: 'back' });
    m.attach({ namespace: 'a', network: 'front', gwPriority: 5 });
    expect(m.namespace('a').routes.filter((r) => r.destination === '0.0.0.0/0')).toEqual([{ destination: '0.0.0.0/0', gateway: '172.19.0.1', device: 'eth2', metric: 0 }]);
    const before = m.snapshot();
    expect(() => m.attach({ namespace: 'b', network: 'front', gwPriority: 2_000_000 })).toThrow(/gwPriority/);
    expect(m.snapshot()).toEqual(before);
  });

  it('an internal network: members reach each other, there is no default route, nothing goes out or comes in', () => {
    const m = oneHost();
    m.addHost({ name: 'h2', address: '10.1.0.2', uplink: UPLINK });
    m.createNetwork({ name: 'bridge2', host: 'h2', defaultBridge: true });
    m.createNamespace({ name: 'web', host: 'h2' });
    m.attach({ namespace: 'web', network: 'bridge2' });
    m.publish({ namespace: 'web', containerPort: 80, hostPort: 8080 });
    m.createNetwork({ name: 'secret', host: 'h1', internal: true });
    m.createNetwork({ name: 'front', host: 'h1' });
    m.attach({ namespace: 'a', network: 'secret' });
    m.attach({ namespace: 'b', network: 'secret' });
    m.attach({ namespace: 'c', network: 'front' });
    expect(m.namespace('a').routes.some((r) => r.destination === '0.0.0.0/0')).toBe(false);
    expect(m.reach('a', 'b', 80).allowed).toBe(true);
    const out = m.reach('a', 'c', 80);
    expect(out.allowed).toBe(false);
    expect(out.reasons).toEqual(['no route to 172.19.0.2: no route of a matches it (a is only on internal networks, which install no default route)']);
    const host = m.reach('a', { host: 'h2' }, 8080);
    expect(host.allowed).toBe(false);
    expect(host.reasons[0]).toMatch(/^no route to 10\.1\.0\.2 \(host h2\)/);
    const inbound = m.reach('c', 'a', 80);
    expect(inbound.allowed).toBe(false);
    expect(inbound.reasons.at(-1)).toBe('secret is internal: the firewall drops traffic from other networks to it');
    // A non-internal container on h1 reaches the published port on h2.
    expect(m.reach('c', { host: 'h2' }, 8080).allowed).toBe(true);
  });

  it('internal: the host still reaches the containers, and they reach the host at their gateway address', () => {
    const m = oneHost();
    m.addHost({ name: 'h2', address: '10.1.0.2', uplink: UPLINK });
    const secret = m.createNetwork({ name: 'secret', host: 'h1', internal: true });
    m.attach({ namespace: 'a', network: 'secret' });
    m.listen('a', 80);
    m.listenOnHost('h1', 22);
    const fromHost = m.reach({ host: 'h1' }, 'a', 80);
    expect(fromHost).toMatchObject({ allowed: true, listening: true, address: '172.18.0.2' });
    expect(fromHost.path).toEqual([
      { kind: 'bridge', id: `${secret.bridge}@h1`, host: 'h1' },
      { kind: 'veth', id: 'a/eth0', host: 'h1' },
    ]);
    expect(m.pathLinks({ host: 'h1' }, 'a')).toEqual(['ns:a/eth0:rx']);
    const otherHost = m.reach({ host: 'h2' }, 'a', 80);
    expect(otherHost.allowed).toBe(false);
    expect(otherHost.reasons[0]).toMatch(/^host h2 has no bridge of any network a is on/);
    const toGateway = m.reach('a', { host: 'h1', address: '172.18.0.1' }, 22);
    expect(toGateway).toMatchObject({ allowed: true, listening: true, address: '172.18.0.1' });
    expect(toGateway.reasons).toContain(`172.18.0.1 is h1's own address on ${secret.bridge} (the gateway of secret): reachable from its containers, internal network included`);
    expect(m.reach('a', { host: 'h1' }, 22).allowed).toBe(false);
    expect(m.reach('a', { host: 'h1', address: '172.18.0.1' }, 23).allowed).toBe(false);
    expect(() => m.reach('a', { host: 'h1', address: '172.18.0.9' }, 22)).toThrow(/dst.address must be an address of host h1 \(10\.1\.0\.1, 172\.17\.0\.1, 172\.18\.0\.1\); got "172\.18\.0\.9"/);
    // A port another network's container publishes is not a way out of the internal network.
    m.attach({ namespace: 'b', network: 'bridge' });
    m.publish({ namespace: 'b', containerPort: 80, hostPort: 8080 });
    const dnat = m.reach('a', { host: 'h1', address: '172.18.0.1' }, 8080);
    expect(dnat.allowed).toBe(false);
    expect(dnat.reasons.at(-1)).toMatch(/leads to network bridge; secret is internal: the firewall drops traffic forwarded out of it$/);
    expect(m.reach({ host: 'h2' }, { host: 'h1' }, 22)).toMatchObject({ allowed: true, listening: true });
    expect(m.pathLinks({ host: 'h2' }, { host: 'h1' }, 22)).toEqual(['host:h2/uplink:tx', 'host:h1/uplink:rx']);
  });

  it('ICC off drops container-to-container traffic on that bridge only', () => {
    const m = oneHost();
    m.createNetwork({ name: 'quiet', host: 'h1', icc: false });
    m.createNetwork({ name: 'loud', host: 'h1' });
    m.attach({ namespace: 'a', network: 'quiet' });
    m.attach({ namespace: 'b', network: 'quiet' });
    m.attach({ namespace: 'a', network: 'loud' });
    m.attach({ namespace: 'c', network: 'loud' });
    const r = m.reach('a', 'b', 80);
    expect(r.allowed).toBe(false);
    expect(r.reasons.at(-1)).toBe('inter-container communication is off on quiet (com.docker.network.bridge.enable_icc=false): the bridge drops container-to-container traffic');
    expect(m.reach('a', 'c', 80).allowed).toBe(true);
    expect(m.reach('a', 'a', 80).allowed).toBe(true);
  });

  it('the default bridge gives no DNS names; a user network does, only to its members', () => {
    const m = oneHost();
    m.attach({ namespace: 'a', network: 'bridge' });
    m.attach({ namespace: 'b', network: 'bridge' });
    expect(m.resolve('a', 'b').kind).toBe('forwarded');
    m.createNetwork({ name: 'front', host: 'h1' });
    m.attach({ namespace: 'a', network: 'front' });
    m.attach({ namespace: 'b', network: 'front', aliases: ['db'] });
    expect(m.resolve('a', 'b')).toMatchObject({ kind: 'answer', network: 'front', addresses: ['172.18.0.3'] });
    expect(m.resolve('a', 'db')).toMatchObject({ kind: 'answer', addresses: ['172.18.0.3'] });
    m.attach({ namespace: 'c', network: 'bridge' });
    expect(m.resolve('c', 'b').kind).toBe('forwarded');
  });

  it('rm with endpoints fails with Docker\'s exact text and changes nothing; the default bridge cannot be removed', () => {
    const m = oneHost();
    m.createNetwork({ name: 'mynet', host: 'h1' });
    m.attach({ namespace: 'a', network: 'mynet' });
    m.attach({ namespace: 'b', network: 'mynet' });
    const before = m.snapshot();
    const idA = m.namespace('a').interfaces[1]?.endpointId?.slice(0, 12) ?? '';
    const idB = m.namespace('b').interfaces[1]?.endpointId?.slice(0, 12) ?? '';
    expect(idA).toMatch(/^[0-9a-f]{12}$/);
    expect(() => m.removeNetwork('mynet')).toThrow(ConflictError);
    expect(() => m.removeNetwork('mynet')).toThrow(`error while removing network: network mynet has active endpoints (name:"a" id:"${idA}", name:"b" id:"${idB}")`);
    expect(m.snapshot()).toEqual(before);
    expect(() => m.removeNetwork('bridge')).toThrow('bridge is a pre-defined network and cannot be removed');
    expect(() => m.removeNetwork('nope')).toThrow(NotFoundError);
    m.detach('a', 'mynet');
    m.detach('b', 'mynet');
    m.removeNetwork('mynet');
    expect(() => m.network('mynet')).toThrow(NotFoundError);
  });

  it('the subnet of a removed network is the next one handed out (v27+ lowest free); the 31st local subnet fails', () => {
    const m = oneHost();
    const names = Array.from({ length: 30 }, (_, i) => `n${i}`);
    const subnets = names.map((name) => m.createNetwork({ name, host: 'h1' }).subnet);
    expect(subnets[0]).toBe('172.18.0.0/16');
    expect(subnets[13]).toBe('172.31.0.0/16');
    expect(subnets[14]).toBe('192.168.0.0/20');
    expect(subnets[29]).toBe('192.168.240.0/20');
    const before = m.snapshot();
    expect(() => m.createNetwork({ name: 'extra', host: 'h1' })).toThrow(InsufficientResourcesError);
    expect(() => m.createNetwork({ name: 'extra', host: 'h1' })).toThrow('all predefined address pools have been fully subnetted');
    expect(m.snapshot()).toEqual(before);
    m.removeNetwork('n3');
    expect(m.createNetwork({ name: 'again', host: 'h1' }).subnet).toBe('172.21.0.0/16');
  });

  it('a duplicate name, an overlapping subnet and a bridge network without a host are refused', () => {
    const m = oneHost();
    m.createNetwork({ name: 'front', host: 'h1', subnet: '10.10.0.0/24' });
    expect(() => m.createNetwork({ name: 'front', host: 'h1' })).toThrow('network with name front already exists');
    expect(() => m.createNetwork({ name: 'other', host: 'h1', subnet: '10.10.0.0/16' })).toThrow(ConflictError);
    expect(() => m.createNetwork({ name: 'other' })).toThrow(ValidationError);
    expect(() => m.createNetwork({ name: 'bad name', host: 'h1' })).toThrow(/^name must be 1\.\.64 characters .*; got "bad name"$/);
  });

  it('a published port is reachable from another network through the host address; nothing else crosses', () => {
    const m = frontAndBack();
    expect(m.reach('a', { host: 'h1' }, 8080).allowed).toBe(false);
    expect(m.publish({ namespace: 'b', containerPort: 80, hostPort: 8080 })).toEqual(['0.0.0.0:8080/tcp → 172.19.0.2:80', '[::]:8080/tcp → 172.19.0.2:80']);
    const r = m.reach('a', { host: 'h1' }, 8080);
    expect(r).toMatchObject({ allowed: true, listening: true, address: '10.1.0.1' });
    expect(r.path.map((h) => h.kind)).toEqual(['veth', 'bridge', 'host-nic', 'nat', 'bridge', 'veth']);
    expect(r.reasons).toContain('published port 0.0.0.0:8080/tcp → 172.19.0.2:80: DNAT to b (172.19.0.2:80) on network back');
    expect(m.reach('a', 'b', 80).allowed).toBe(false);
    expect(() => m.publish({ namespace: 'a', containerPort: 81, hostPort: 8080 })).toThrow('Bind for 0.0.0.0:8080 failed: port is already allocated');
    m.detach('b', 'back');
    expect(m.reach('a', { host: 'h1' }, 8080).allowed).toBe(false);
  });

  it('commands emit network.created, endpoint.attached, port.published, endpoint.detached, network.removed', () => {
    const m = oneHost();
    m.takeEvents();
    m.advanceTo(10);
    const net = m.createNetwork({ name: 'front', host: 'h1' });
    const eth = m.attach({ namespace: 'a', network: 'front' });
    m.publish({ namespace: 'a', containerPort: 80 });
    m.detach('a', 'front');
    m.removeNetwork('front');
    const events = m.takeEvents();
    expect(events.map((e) => e.type)).toEqual(['network.created', 'endpoint.attached', 'port.published', 'endpoint.detached', 'network.removed']);
    expect(events[0]).toEqual({ type: 'network.created', time: 10, network: 'front', id: net.id, driver: 'bridge', subnet: '172.18.0.0/16', gateway: '172.18.0.1', internal: false });
    expect(events[1]).toEqual({ type: 'endpoint.attached', time: 10, network: 'front', namespace: 'a', interface: 'eth0', address: '172.18.0.2', mac: eth.mac });
    expect(m.takeEvents()).toEqual([]);
  });

  it('MACs: seeded (v28+) are locally administered unicast; ipv4 mode gives 02:42 + the address (≤ v27)', () => {
    const seeded = oneHost();
    const mac = seeded.attach({ namespace: 'a', network: 'bridge' }).mac ?? '';
    expect(parseInt(mac.slice(0, 2), 16) & 0b11).toBe(0b10);
    const legacy = createNetworkModel({ macMode: 'ipv4' });
    legacy.addHost({ name: 'h1', address: '10.1.0.1', uplink: UPLINK });
    legacy.createNetwork({ name: 'bridge', host: 'h1', defaultBridge: true });
    legacy.createNamespace({ name: 'a', host: 'h1' });
    expect(legacy.attach({ namespace: 'a', network: 'bridge' }).mac).toBe('02:42:ac:11:00:02');
  });

  it('a bridge network lives on one host: attaching a namespace of another host is refused', () => {
    const m = oneHost();
    m.addHost({ name: 'h2', address: '10.1.0.2', uplink: UPLINK });
    m.createNamespace({ name: 'far', host: 'h2' });
    expect(() => m.attach({ namespace: 'far', network: 'bridge' })).toThrow(/use an overlay network to span hosts/);
  });
});
