// Docker's default bridge is per host (each Docker host has its own docker0): two engines on two hosts
// of one network model each get their own, and containers on them meet only through published ports.
import { describe, expect, it } from 'vitest';
import { createNetworkModel } from '@strata/core-network';
import { createKernel } from '../../src/index.js';
import { createContainerEngine } from '../../src/engine/create-container-engine.js';
import { testImages } from './engine-fixture.js';

function twoHosts() {
  const net = createNetworkModel({});
  const engines = (['h1', 'h2'] as const).map((host, i) => {
    net.addHost({ name: host, address: `10.1.0.${i + 1}`, uplink: { capacity: 1_250_000_000, latency: 0 } });
    const kernel = createKernel({ cpus: 2, memory: 4 * 2 ** 30, network: net, fidelity: 'fluid' });
    return createContainerEngine({ kernel, images: testImages(), network: net, host, seed: `e${i}` });
  });
  return { net, engines };
}

const nsOf = (engine: ReturnType<typeof twoHosts>['engines'][number], ref: string): string => engine.inspect(ref).Id.slice(0, 12);

describe('default bridge per engine host', () => {
  it('containers naming no network run on both hosts, each host on its own default bridge', () => {
    const { net, engines } = twoHosts();
    const [a, b] = engines as [(typeof engines)[number], (typeof engines)[number]];
    a.run({ image: 'idle', name: 'a0' });
    a.run({ image: 'idle', name: 'a1' });
    b.run({ image: 'idle', name: 'b0' });
    b.run({ image: 'idle', name: 'b1' });
    for (const [e, n] of [[a, 'a0'], [a, 'a1'], [b, 'b0'], [b, 'b1']] as const) {
      expect(e.inspect(n).State.Status).toBe('running');
      expect(Object.keys(e.inspect(n).NetworkSettings.Networks)).toEqual(['bridge']);
    }
    const bridges = net.snapshot().networks.filter((n) => n.defaultBridge).map((n) => ({ name: n.name, host: n.host, endpoints: n.endpoints.length }));
    expect(bridges).toEqual([
      { name: 'bridge', host: 'h1', endpoints: 2 },
      { name: 'bridge-1', host: 'h2', endpoints: 2 },
    ]);
    // Same host, same docker0: reachable; another host's container is not (its address is private to h2).
    net.listen(nsOf(a, 'a1'), 80);
    net.listen(nsOf(b, 'b0'), 80);
    expect(net.reach(nsOf(a, 'a0'), nsOf(a, 'a1'), 80).allowed).toBe(true);
    expect(net.reach(nsOf(a, 'a0'), nsOf(b, 'b0'), 80).allowed).toBe(false);
    // Each host allocates its default bridge's subnet from its own pool, as two Docker hosts would.
    expect(net.network('bridge').subnet).toBe(net.network('bridge-1').subnet);
  });

  it('a published port on the other host is the way across; a second engine on a host reuses its bridge', () => {
    const { net, engines } = twoHosts();
    const [a, b] = engines as [(typeof engines)[number], (typeof engines)[number]];
    a.run({ image: 'idle', name: 'client' });
    b.run({ image: 'web', name: 'server', ports: ['8080:80'] });
    net.listen(nsOf(b, 'server'), 80);
    expect(net.reach(nsOf(a, 'client'), { host: 'h2' }, 8080).allowed).toBe(true);
    expect(net.reach(nsOf(a, 'client'), { host: 'h2' }, 8081).allowed).toBe(false);
    // A new engine on h2 (the host's Docker restarted) finds h2's docker0 instead of making another.
    const kernel = createKernel({ cpus: 1, memory: 2 ** 30, network: net, fidelity: 'fluid' });
    const again = createContainerEngine({ kernel, images: testImages(), network: net, host: 'h2', seed: 'again' });
    again.run({ image: 'idle', name: 'late' });
    expect(net.snapshot().networks.filter((n) => n.defaultBridge).map((n) => `${n.name}@${n.host}:${n.endpoints.length}`)).toEqual(['bridge@h1:1', 'bridge-1@h2:2']);
  });

  it('the same commands give the same bridges, names and addresses (determinism)', () => {
    const addresses = () => {
      const { engines } = twoHosts();
      return engines.flatMap((e, i) => [0, 1].map((k) => e.inspect(e.run({ image: 'idle', name: `c${i}${k}` })).NetworkSettings.Networks.bridge!.IPAddress));
    };
    expect(addresses()).toEqual(addresses());
  });
});
