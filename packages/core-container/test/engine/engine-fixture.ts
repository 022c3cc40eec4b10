// A kernel, a network model and a small image set for the engine tests: images whose programs make
// each behaviour quick to reach (an instant crasher, a USR1 stop signal), over the built-in ones.
import { parseProgram, type Program, type SignalName } from '@strata/shared-types';
import { createNetworkModel, type NetworkModel } from '@strata/core-network';
import { createKernel } from '../../src/index.js';
import { createContainerEngine } from '../../src/engine/create-container-engine.js';
import type { ContainerEngine, ContainerEngineOptions } from '../../src/engine/types.js';
import type { ImageRegistry } from '../../src/images/types.js';
import { createImageRegistry } from '../../src/images/create-image-registry.js';

export const S = 1_000_000;
export const MS = 1_000;

const p = (steps: unknown[]): Program => parseProgram(steps);

interface ImageDef {
  cmd: Program;
  programs?: Record<string, Program>;
  stopSignal?: SignalName;
}

const DEFS: Record<string, ImageDef> = {
  // A handler-less PID 1: ignores SIGTERM from the host.
  idle: { cmd: p([{ loop: { times: 'forever', do: [{ sleep: '1s' }] } }]), programs: { sh: p([{ sleep: '1000s' }]), quick: p([{ print: 'hi' }, { exit: 3 }]) } },
  // SIGTERM handler: prints and exits 0.
  web: { cmd: p([{ signal: { TERM: [{ print: 'shutting down' }, { exit: 0 }] } }, { print: 'listening' }, { loop: { times: 'forever', do: [{ sleep: '1s' }] } }]) },
  // Exits 1 at once.
  crasher: { cmd: p([{ print: 'boom' }, { exit: 1 }]), programs: { ok: p([{ exit: 0 }]), slow: p([{ sleep: '20s' }, { exit: 1 }]) } },
  batch: { cmd: p([{ cpu: '2s' }, { print: 'done' }, { exit: 0 }]), programs: { spin: p([{ loop: { times: 'forever', do: [{ cpu: '100ms' }] } }]) } },
  // Allocates past any small limit.
  memhog: { cmd: p([{ alloc: { size: '512Mi', rate: '256Mi/s' } }, { sleep: '100s' }]), programs: { child: p([{ fork: { count: 1, program: [{ alloc: { size: '512Mi', rate: '256Mi/s' } }, { sleep: '100s' }] } }, { loop: { times: 'forever', do: [{ sleep: '1s' }] } }]) } },
  forker: { cmd: p([{ fork: { count: 10, program: [{ sleep: '100s' }] }, 'on-error': { EAGAIN: [] } }, { loop: { times: 'forever', do: [{ sleep: '1s' }] } }]) },
  quitter: { cmd: p([{ signal: { USR1: [{ exit: 7 }] } }, { loop: { times: 'forever', do: [{ sleep: '1s' }] } }]), stopSignal: 'SIGUSR1' },
};

/** The test images (the built-ins stay available under them through the engine). */
export function testImages(): ImageRegistry {
  return createImageRegistry(
    Object.entries(DEFS).map(([name, d]) => ({ name, layers: [1000, 2000], cmd: d.cmd, programs: d.programs ?? {}, env: { PATH: '/usr/bin' }, stopSignal: d.stopSignal ?? 'SIGTERM' })),
    { builtins: false },
  );
}

export interface Rig {
  readonly engine: ContainerEngine;
  readonly net: NetworkModel;
}

/** An engine on a 2-CPU, 4 GiB kernel with a network model host `h1` and a user network `app`. */
export function rig(extra: Partial<ContainerEngineOptions> = {}): Rig {
  const net = createNetworkModel({});
  net.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1_250_000_000, latency: 0 } });
  net.createNetwork({ name: 'app', host: 'h1' });
  const kernel = createKernel({ cpus: 2, memory: 4 * 2 ** 30, network: net, fidelity: 'fluid' });
  const engine = createContainerEngine({ kernel, images: testImages(), network: net, host: 'h1', seed: 42, ...extra });
  return { engine, net };
}

/** The thrown error (or fails the test when nothing is thrown). */
export function thrown(f: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    f();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}
