// Network I/O benchmark: 200 containers on one bridge network, each listening on 80 and sending
// 50 × (1 ms of CPU, then 1 MB to another one); fluid mode, 60 simulated seconds. Prints wall time and sends per second.
import { performance } from 'node:perf_hooks';
import { parseProgram } from '@strata/shared-types';
import { createNetworkModel } from '@strata/core-network';
import { createKernel } from '../src/index.js';

/** Run the network bench for `containers` containers; returns wall ms. */
export function runNetBench(containers = 200, sends = 50): { wallMs: number } {
  const t0 = performance.now();
  const net = createNetworkModel({ veth: { capacity: 125_000_000, latency: 20 } });
  net.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1_250_000_000, latency: 0 } });
  net.createNetwork({ name: 'lan', host: 'h1' });
  for (let i = 0; i < containers; i++) {
    net.createNamespace({ name: `c${i}`, host: 'h1' });
    net.attach({ namespace: `c${i}`, network: 'lan' });
  }
  const k = createKernel({ cpus: 4, memory: 64 * 2 ** 30, fidelity: 'fluid', network: net });
  const listen = parseProgram([{ listen: 80 }, { sleep: '100s' }]);
  for (let i = 0; i < containers; i++) k.spawn({ name: `s${i}`, program: listen, namespaces: { net: 'private' }, network: `c${i}` });
  for (let i = 0; i < containers; i++) {
    const to = `c${(i * 7 + 3) % containers}:80`;
    k.spawn({ name: `p${i}`, program: parseProgram([{ loop: { times: sends, do: [{ cpu: '1ms' }, { send: { to, bytes: 1_000_000 } }] } }]), namespaces: { net: 'private' }, network: `c${i}` });
  }
  k.advanceTo(60_000_000);
  const wallMs = performance.now() - t0;
  const total = containers * sends;
  console.log(`network I/O: ${containers} containers on one bridge, ${total} sends of 1 MB, 60 s simulated, fluid`);
  console.log(`  wall ${wallMs.toFixed(0)} ms with setup; ${(total / (wallMs / 1000)).toFixed(0)} sends/s`);
  return { wallMs };
}
