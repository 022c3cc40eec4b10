// A seeded generator of CloudSim-shaped batch scenarios (issue 13's benchmark shape): hosts of 32
// CPUs × 1,000 MIPS and 64 GiB, VMs of 2 vCPUs × 1,000 MIPS and 4 GiB, one-PE cloudlets.
import { createRandomStream } from '@strata/core-sim';
import { ValidationError, type ScenarioInput } from '@strata/shared-types';
import type { GuestScheduler } from './types.js';

/** Options of `generateCloudletWorkload`. */
export interface CloudletWorkloadOptions {
  readonly hosts: number;
  readonly vms: number;
  readonly cloudlets: number;
  readonly seed: number | string;
  /** Default time-shared. */
  readonly guestScheduler?: GuestScheduler;
  /** The CSV's name in the scenario (default `cloudlets.csv`). */
  readonly file?: string;
}

/** A generated scenario (the file's content, before validation) and its CSV. */
export interface CloudletWorkload {
  readonly scenario: ScenarioInput;
  readonly file: string;
  readonly csv: string;
}

function requireCount(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(`${name} must be an integer ${min}..${max}, got ${String(value)}`, { path: name, value });
  }
}

/**
 * The scenario and CSV of the shape: `hosts` hosts `h-i` (32 CPUs × 1,000 MIPS, 64Gi), `vms`
 * VMs `vm-i` (2 vCPUs × 1,000 MIPS, 4Gi), first-fit; cloudlet i has length uniform 10,000–99,999 MI
 * from core-sim's stream `cloudlets` of `seed`, one PE, VM i mod `vms`, submit 0. Same options, same
 * bytes.
 */
export function generateCloudletWorkload(options: CloudletWorkloadOptions): CloudletWorkload {
  requireCount('hosts', options.hosts, 1, 1_000_000);
  requireCount('vms', options.vms, 1, 10_000_000);
  requireCount('cloudlets', options.cloudlets, 0, 100_000_000);
  const file = options.file ?? 'cloudlets.csv';
  const rng = createRandomStream(options.seed, 'cloudlets');
  const lines: string[] = new Array<string>(options.cloudlets + 2);
  lines[0] = 'id,length_mi,pes,vm,submit_time';
  for (let i = 0; i < options.cloudlets; i++) lines[i + 1] = `${i},${rng.int(10_000, 99_999)},1,${i % options.vms},0`;
  lines[options.cloudlets + 1] = '';
  const scenario: ScenarioInput = {
    name: `cloudsim-h${options.hosts}-v${options.vms}-c${options.cloudlets}`,
    seed: options.seed,
    fidelity: 'fluid',
    hosts: [{ name: 'h', count: options.hosts, cpus: 32, cpuMips: 1000, memory: '64Gi' }],
    vms: [{ name: 'vm', count: options.vms, vcpus: 2, vcpuMips: 1000, memory: '4Gi' }],
    placement: 'first-fit',
    workloads: [{ kind: 'batch', file, guestScheduler: options.guestScheduler ?? 'time-shared' }],
  };
  return { scenario, file, csv: lines.join('\n') };
}
