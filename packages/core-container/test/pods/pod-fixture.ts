// A pod manager on an engine on a 4-CPU, 8 GiB kernel (fluid CPU model) with a network model host.
import { createNetworkModel } from '@strata/core-network';
import { createKernel } from '../../src/index.js';
import { createContainerEngine } from '../../src/engine/create-container-engine.js';
import { createPodManager } from '../../src/pods/create-pod-manager.js';
import type { PodManager, PodContainerStatus } from '../../src/pods/types.js';

export const S = 1_000_000;
export const GiB = 2 ** 30;
export const MiB = 2 ** 20;

/** A manager whose kernel has `memory` bytes (default 8 GiB); `network: false` leaves containers with only lo. */
export function pods(opts: { memory?: number; network?: boolean; seed?: number } = {}): PodManager {
  const memory = opts.memory ?? 8 * GiB;
  if (opts.network === false) {
    const kernel = createKernel({ cpus: 4, memory, fidelity: 'fluid' });
    return createPodManager({ engine: createContainerEngine({ kernel, seed: opts.seed ?? 1 }), seed: opts.seed ?? 1 });
  }
  const net = createNetworkModel({});
  net.addHost({ name: 'node1', address: '10.1.0.1', uplink: { capacity: 1_250_000_000, latency: 0 } });
  const kernel = createKernel({ cpus: 4, memory, network: net, fidelity: 'fluid' });
  return createPodManager({ engine: createContainerEngine({ kernel, network: net, host: 'node1', seed: opts.seed ?? 1 }), seed: opts.seed ?? 1 });
}

/** One container's status by name. */
export function container(m: PodManager, pod: string, name: string): PodContainerStatus {
  const c = m.pod(pod).containerStatuses.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no container ${name} in pod ${pod}`);
  return c;
}

/** The state's one key: waiting / running / terminated. */
export function stateOf(c: PodContainerStatus): 'waiting' | 'running' | 'terminated' {
  return 'waiting' in c.state ? 'waiting' : 'running' in c.state ? 'running' : 'terminated';
}
