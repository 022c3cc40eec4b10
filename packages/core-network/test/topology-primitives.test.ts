import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '@strata/shared-types';
import { createNetworkModel, formatRoute, LearningBridge, longestPrefixMatch, normalizeRoute, DEFAULT_AGEING_TIME_US } from '../src/topology/index.ts';

describe('longest-prefix-match routing', () => {
  const table = [
    normalizeRoute({ destination: '127.0.0.0/8', device: 'lo' }),
    normalizeRoute({ destination: 'default', gateway: '172.18.0.1', device: 'eth0' }),
    normalizeRoute({ destination: '172.18.0.0/16', device: 'eth0' }),
    normalizeRoute({ destination: '10.0.0.0/8', gateway: '172.18.0.254', device: 'eth0' }),
    normalizeRoute({ destination: '10.1.0.0/16', gateway: '172.19.0.254', device: 'eth1' }),
    normalizeRoute({ destination: '10.1.2.0/24', gateway: '172.19.0.253', device: 'eth1', metric: 100 }),
    normalizeRoute({ destination: '10.1.2.0/24', gateway: '172.19.0.252', device: 'eth1', metric: 10 }),
    normalizeRoute({ destination: '10.1.2.3/32', device: 'eth1' }),
  ];
  const pick = (ip: string) => {
    const r = longestPrefixMatch(table, ip);
    return r === undefined ? undefined : formatRoute(r);
  };

  it('the longest matching prefix wins, whatever the order', () => {
    expect(pick('10.1.2.3')).toBe('10.1.2.3/32 dev eth1');
    expect(pick('10.1.2.4')).toBe('10.1.2.0/24 via 172.19.0.252 dev eth1 metric 10');
    expect(pick('10.1.9.9')).toBe('10.1.0.0/16 via 172.19.0.254 dev eth1');
    expect(pick('10.200.0.1')).toBe('10.0.0.0/8 via 172.18.0.254 dev eth0');
    expect(pick('172.18.4.4')).toBe('172.18.0.0/16 dev eth0');
    expect(pick('8.8.8.8')).toBe('default via 172.18.0.1 dev eth0');
    expect(pick('127.0.0.53')).toBe('127.0.0.0/8 dev lo');
    expect(longestPrefixMatch([...table].reverse(), '10.1.2.4')?.gateway).toBe('172.19.0.252');
  });

  it('no default route: an off-link address matches nothing; IPv6 never matches IPv4 routes', () => {
    const noDefault = table.filter((r) => r.destination !== '0.0.0.0/0');
    expect(longestPrefixMatch(noDefault, '8.8.8.8')).toBeUndefined();
    expect(longestPrefixMatch(table, '2001:db8::1')).toBeUndefined();
  });

  it('route specs are validated: host bits, gateway family, metric', () => {
    expect(() => normalizeRoute({ destination: '10.0.0.1/8', device: 'eth0' })).toThrow(ValidationError);
    expect(() => normalizeRoute({ destination: '10.0.0.0/8', gateway: '::1', device: 'eth0' })).toThrow(/gateway must be an IPv4 address/);
    expect(() => normalizeRoute({ destination: '10.0.0.0/8', device: 'eth0', metric: -1 })).toThrow(/metric must be an integer in 0\.\.2147483647; got -1/);
  });

  it('a namespace route added with addRoute steers reach; a route via a missing device is refused', () => {
    const m = createNetworkModel();
    m.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1000, latency: 0 } });
    m.createNetwork({ name: 'bridge', host: 'h1', defaultBridge: true });
    m.createNetwork({ name: 'front', host: 'h1' });
    m.createNetwork({ name: 'back', host: 'h1' });
    for (const n of ['a', 'b']) m.createNamespace({ name: n, host: 'h1' });
    m.attach({ namespace: 'a', network: 'front' });
    m.attach({ namespace: 'b', network: 'back' });
    expect(() => m.addRoute('a', { destination: '172.19.0.0/16', device: 'eth7' })).toThrow(/device must be an interface of a \(lo, eth0\); got "eth7"/);
    const before = m.snapshot();
    expect(() => m.addRoute('a', { destination: '172.18.0.0/16', device: 'eth0' })).toThrow(ConflictError);
    expect(m.snapshot()).toEqual(before);
    // An on-link route to the other bridge's subnet does not make it reachable: separate L2 segments.
    m.addRoute('a', { destination: '172.19.0.0/24', device: 'eth0' });
    const r = m.reach('a', 'b', 80);
    expect(r.allowed).toBe(false);
    expect(r.reasons).toEqual([
      "route '172.19.0.0/24 dev eth0' of a is the longest prefix matching 172.19.0.2",
      "no endpoint of network front has 172.19.0.2: b's 172.19.0.2 is on back network, a separate bridge",
    ]);
  });
});

describe('learning bridge', () => {
  const A = '02:00:00:00:00:0a';
  const B = '02:00:00:00:00:0b';
  const C = '02:00:00:00:00:0c';
  const bridge = () => {
    const br = new LearningBridge();
    for (const p of ['p1', 'p2', 'p3']) br.addPort(p);
    return br;
  };

  it('floods unknown destinations to every port but the ingress one, then forwards to the learned port', () => {
    const br = bridge();
    expect(br.receive({ src: A, dst: B }, 'p1', 0)).toEqual({ ports: ['p2', 'p3'], flooded: true });
    expect(br.receive({ src: B, dst: A }, 'p2', 10)).toEqual({ ports: ['p1'], flooded: false });
    expect(br.receive({ src: A, dst: B }, 'p1', 20)).toEqual({ ports: ['p2'], flooded: false });
    expect(br.fdb(20)).toEqual([
      { mac: A, port: 'p1', updatedAt: 20 },
      { mac: B, port: 'p2', updatedAt: 10 },
    ]);
  });

  it('broadcast always floods; a frame never goes back out its ingress port unless hairpin', () => {
    const br = bridge();
    br.receive({ src: A, dst: B }, 'p1', 0);
    expect(br.receive({ src: B, dst: 'ff:ff:ff:ff:ff:ff' }, 'p2', 1)).toEqual({ ports: ['p1', 'p3'], flooded: true });
    expect(br.receive({ src: C, dst: A }, 'p1', 2)).toEqual({ ports: [], flooded: false });
    const hp = new LearningBridge();
    hp.addPort('p1', { hairpin: true });
    hp.addPort('p2');
    hp.receive({ src: A, dst: B }, 'p1', 0);
    expect(hp.receive({ src: C, dst: A }, 'p1', 1)).toEqual({ ports: ['p1'], flooded: false });
  });

  it('entries age out after 300 s of silence (BR_DEFAULT_AGEING_TIME), then the destination floods again', () => {
    const br = bridge();
    br.receive({ src: A, dst: B }, 'p1', 0);
    br.receive({ src: B, dst: A }, 'p2', 0);
    expect(br.receive({ src: B, dst: A }, 'p2', DEFAULT_AGEING_TIME_US - 1)).toEqual({ ports: ['p1'], flooded: false });
    expect(br.fdb(DEFAULT_AGEING_TIME_US).map((e) => e.mac)).toEqual([B]);
    expect(br.receive({ src: B, dst: A }, 'p2', DEFAULT_AGEING_TIME_US)).toEqual({ ports: ['p1', 'p3'], flooded: true });
  });

  it('a moved MAC is relearned from its first frame; removing a port flushes its entries', () => {
    const br = bridge();
    br.receive({ src: A, dst: B }, 'p1', 0);
    br.receive({ src: A, dst: B }, 'p3', 5);
    expect(br.receive({ src: B, dst: A }, 'p2', 6)).toEqual({ ports: ['p3'], flooded: false });
    br.removePort('p3');
    expect(br.fdb(7).map((e) => e.mac)).toEqual([B]);
  });

  it('refuses bad input and changes nothing: time going back, unknown port, group source MAC, bad ageing', () => {
    const br = bridge();
    br.receive({ src: A, dst: B }, 'p1', 100);
    expect(() => br.receive({ src: B, dst: A }, 'p2', 99)).toThrow(/time must be an integer µs ≥ the bridge's last time 100; got 99/);
    expect(() => br.receive({ src: B, dst: A }, 'p9', 200)).toThrow(NotFoundError);
    expect(() => br.receive({ src: 'ff:ff:ff:ff:ff:ff', dst: A }, 'p2', 200)).toThrow(/frame.src must be a unicast MAC/);
    expect(() => br.receive({ src: 'zz', dst: A }, 'p2', 200)).toThrow(ValidationError);
    expect(() => br.addPort('p1')).toThrow(ConflictError);
    expect(br.fdb(100)).toEqual([{ mac: A, port: 'p1', updatedAt: 100 }]);
    expect(() => new LearningBridge({ ageingTimeUs: 0 })).toThrow(/ageingTimeUs must be an integer in 1\.\.86400000000; got 0/);
  });

  it('a full FDB stops learning new MACs (they keep flooding) but refreshes known ones', () => {
    const br = new LearningBridge({ maxFdbEntries: 1 });
    br.addPort('p1');
    br.addPort('p2');
    br.receive({ src: A, dst: C }, 'p1', 0);
    br.receive({ src: B, dst: C }, 'p2', 1);
    expect(br.receive({ src: C, dst: B }, 'p1', 2)).toEqual({ ports: ['p2'], flooded: true });
    expect(br.fdb(2)).toEqual([{ mac: A, port: 'p1', updatedAt: 0 }]);
  });
});

describe('namespaces', () => {
  it('a new namespace has only lo 127.0.0.1/8 and reaches itself by loopback', () => {
    const m = createNetworkModel();
    m.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1000, latency: 0 } });
    const ns = m.createNamespace({ name: 'solo', host: 'h1' });
    expect(ns.interfaces).toEqual([{ name: 'lo', address: '127.0.0.1', prefix: 8 }]);
    expect(ns.id).toMatch(/^[0-9a-f]{64}$/);
    m.listen('solo', 80);
    expect(() => m.listen('solo', 80)).toThrow(/already listens on 80\/tcp in solo/);
    expect(m.reach('solo', 'solo', 80)).toEqual({
      allowed: true,
      listening: true,
      address: '127.0.0.1',
      path: [{ kind: 'loopback', id: 'solo/lo', host: 'h1' }],
      reasons: ['solo to itself: 127.0.0.1 via lo (127.0.0.0/8), which never leaves the namespace', 'solo listens on 80/tcp'],
    });
    expect(() => m.createNamespace({ name: 'solo', host: 'h1' })).toThrow(ConflictError);
    expect(() => m.createNamespace({ name: 'x', host: 'nowhere' })).toThrow(NotFoundError);
    expect(() => m.reach('solo', 'solo', 0)).toThrow(/port must be an integer in 1\.\.65535; got 0/);
  });
});

describe('deleting a namespace', () => {
  it('removes its veth pairs (detaching every endpoint, with events) and its published ports; then the network can go', () => {
    const m = createNetworkModel();
    m.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1000, latency: 0 } });
    m.createNetwork({ name: 'front', host: 'h1' });
    m.createNetwork({ name: 'back', host: 'h1' });
    m.createNamespace({ name: 'web', host: 'h1' });
    m.attach({ namespace: 'web', network: 'front' });
    m.attach({ namespace: 'web', network: 'back' });
    m.publish({ namespace: 'web', containerPort: 80, hostPort: 8080 });
    m.takeEvents();
    m.deleteNamespace('web');
    expect(m.takeEvents().map((e) => e.type)).toEqual(['endpoint.detached', 'endpoint.detached']);
    expect(m.snapshot().publications).toEqual([{ host: 'h1', bindings: [] }]);
    expect(m.links().map((l) => l.id)).toEqual(['host:h1/uplink:tx', 'host:h1/uplink:rx', 'host:h1/lo']);
    m.removeNetwork('front');
    expect(() => m.namespace('web')).toThrow(NotFoundError);
    expect(() => m.deleteNamespace('web')).toThrow(NotFoundError);
  });
});

describe('frames through a network bridge in the model', () => {
  it('the host bridge learns MACs from frames, forwards to the learned veth, and forgets after 300 s', () => {
    const m = createNetworkModel();
    m.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1000, latency: 0 } });
    m.createNetwork({ name: 'front', host: 'h1' });
    for (const n of ['a', 'b', 'c']) {
      m.createNamespace({ name: n, host: 'h1' });
      m.attach({ namespace: n, network: 'front' });
    }
    expect(m.sendFrame({ namespace: 'a', network: 'front', dst: 'b' })).toMatchObject({ flooded: true, to: ['b', 'c'] });
    expect(m.sendFrame({ namespace: 'b', network: 'front', dst: 'a' })).toMatchObject({ flooded: false, to: ['a'] });
    expect(m.bridgeFdb('front', 'h1').map((e) => e.port)).toEqual(expect.arrayContaining([m.namespace('a').interfaces[1]?.peer, m.namespace('b').interfaces[1]?.peer]));
    m.advanceTo(DEFAULT_AGEING_TIME_US);
    expect(m.bridgeFdb('front', 'h1')).toEqual([]);
    expect(m.sendFrame({ namespace: 'b', network: 'front', dst: 'a' })).toMatchObject({ flooded: true, to: ['a', 'c'] });
    expect(() => m.sendFrame({ namespace: 'a', network: 'nope', dst: 'b' })).toThrow(NotFoundError);
  });

  it('an overlay bridge floods unknown destinations into the VXLAN tunnel too', () => {
    const m = createNetworkModel();
    m.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1000, latency: 0 } });
    m.addHost({ name: 'h2', address: '10.1.0.2', uplink: { capacity: 1000, latency: 0 } });
    m.createNetwork({ name: 'ov', driver: 'overlay' });
    for (const [n, h] of [['a', 'h1'], ['c', 'h1'], ['b', 'h2']] as const) {
      m.createNamespace({ name: n, host: h });
      m.attach({ namespace: n, network: 'ov' });
    }
    expect(m.sendFrame({ namespace: 'a', network: 'ov', dst: 'b' })).toMatchObject({ flooded: true, to: ['vxlan0', 'c'] });
    expect(m.bridgeFdb('ov', 'h2')).toEqual([]);
  });
});

describe('bounds', () => {
  it('a bridge takes 1024 ports (BR_MAX_PORTS) with unique veth names; the next attach fails and changes nothing', () => {
    const m = createNetworkModel();
    m.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1000, latency: 0 } });
    m.createNetwork({ name: 'big', host: 'h1' });
    for (let i = 0; i <= 1024; i++) m.createNamespace({ name: `c${i}`, host: 'h1' });
    for (let i = 0; i < 1024; i++) m.attach({ namespace: `c${i}`, network: 'big' });
    const peers = m.snapshot().namespaces.flatMap((n) => n.interfaces.flatMap((i) => (i.peer === undefined ? [] : [i.peer])));
    expect(new Set(peers).size).toBe(1024);
    expect(peers.every((p) => /^veth[0-9a-f]{7}$/.test(p))).toBe(true);
    const before = m.snapshot();
    expect(() => m.attach({ namespace: 'c1024', network: 'big' })).toThrow(/already has 1024 ports \(BR_MAX_PORTS\)/);
    expect(m.snapshot()).toEqual(before);
  });
});

describe('types', () => {
  it('misuse fails to compile', () => {
    const m = createNetworkModel();
    const misuse = (): void => {
      // @ts-expect-error a host end names its host
      m.reach('a', { address: '10.0.0.1' }, 80);
      // @ts-expect-error drivers are bridge or overlay
      m.createNetwork({ name: 'x', driver: 'macvlan' });
      // @ts-expect-error protocols are tcp, udp, sctp
      m.listen('a', 80, 'icmp');
    };
    expect(typeof misuse).toBe('function');
    expect(() => m.createNetwork({ name: 'x', driver: 'macvlan' as 'bridge', host: 'h' })).toThrow(/driver must be 'bridge' or 'overlay'; got "macvlan"/);
  });
});
