// A container kernel with Docker's engine on it: the stack that runs a VM's containers (inside the
// guest, on its vCPUs) or a bare-metal host's (on the host's CPUs). Created lazily, when the first
// container arrives, so VMs without containers cost nothing to build or run.
import { createContainerEngine, createKernel } from '@strata/core-container';
import type { ContainerEngine, Kernel, KernelOptions } from '@strata/core-container';
import type { NetworkModel } from '@strata/core-network';
import type { ClusterEvent } from '../types.js';
import { containerEvent } from './cluster-events.js';

/**
 * What a kernel must offer to be a VM's guest (core-container's `KernelOptions.cpuCapacity`,
 * `setCpuCapacity`, `wantedCpus`, `onCpuDemandChange`): the CPU capacities the host gives, and the CPU
 * rate the kernel would use at full capacity.
 */
export interface GuestKernelCpus {
  setCpuCapacity(cpu: number, capacity: number): void;
  wantedCpus(): number;
}

/** Options of one stack. */
export interface ContainerStackOptions {
  /** The VM or bare-metal host it runs on (events' `on`). */
  readonly on: string;
  readonly cpus: number;
  readonly memory: number;
  readonly fidelity: 'exact' | 'fluid';
  readonly start: number;
  readonly seed: string;
  /** Work per CPU-µs on bare metal (the host's speed); inside a VM the host's rates carry the speed. */
  readonly cpuSpeed?: number;
  /** Nested: the CPUs start at these capacities, and the kernel calls back when its demand changes. */
  readonly nested?: { readonly capacities: readonly number[]; readonly onDemandChange: () => void };
  /** The datacenter's network model, and this stack's host name in it (absent: no networks). */
  readonly network?: { readonly model: NetworkModel; readonly host: string };
  readonly emit: (e: ClusterEvent) => void;
}

/** A kernel and its container engine. */
export interface ContainerStack {
  readonly kernel: Kernel;
  readonly engine: ContainerEngine;
  /** Kernel CPU hooks for nesting (present when the kernel offers them). */
  readonly cpus: GuestKernelCpus | null;
}

/** Build a stack at `start`. */
export function createContainerStack(o: ContainerStackOptions): ContainerStack {
  const kernelOptions: KernelOptions & Record<string, unknown> = {
    cpus: o.cpus,
    memory: o.memory,
    fidelity: o.fidelity,
    start: o.start,
    seed: o.seed,
    ...(o.cpuSpeed === undefined ? {} : { cpuSpeed: o.cpuSpeed }),
    ...(o.network === undefined ? {} : { network: o.network.model }),
    ...(o.nested === undefined ? {} : { cpuCapacity: [...o.nested.capacities], onCpuDemandChange: o.nested.onDemandChange }),
  };
  const kernel = createKernel(kernelOptions);
  const engine = createContainerEngine({
    kernel,
    seed: o.seed,
    onEvent: (e) => {
      const name = e.attributes.name ?? e.id.slice(0, 12);
      o.emit(containerEvent(o.on, name, e));
    },
    ...(o.network === undefined ? {} : { network: o.network.model, host: o.network.host }),
  });
  const k = kernel as Kernel & Partial<GuestKernelCpus>;
  const cpus = typeof k.setCpuCapacity === 'function' && typeof k.wantedCpus === 'function' ? (k as unknown as GuestKernelCpus) : null;
  return { kernel, engine, cpus };
}
