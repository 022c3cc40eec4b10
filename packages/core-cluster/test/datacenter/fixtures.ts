// Scenarios the datacenter tests share, parsed with the one schema.
import { ScenarioSchema } from '@strata/shared-types';
import type { Scenario, ScenarioInput } from '@strata/shared-types';

/** Parse a scenario object (throws on a schema error, with zod's message). */
export function scenario(input: ScenarioInput): Scenario {
  return ScenarioSchema.parse(input);
}

/** A busy program: `seconds` of CPU (at speed 1) in one burst. */
export function busy(seconds: number): { cpu: string }[] {
  return [{ cpu: `${seconds}s` }];
}

/**
 * A server program of `n` requests one at a time (a serve step per arrival), each `cpu` of CPU: on an
 * idle CPU each latency is its CPU time exactly. It then exits, or with `idle` sleeps an hour.
 */
export function oneAtATime(n: number, cpu: string, then: 'exit' | 'idle' = 'exit'): Record<string, unknown>[] {
  const serve = { loop: { times: n, do: [{ serve: { rate: 20, cpu, workers: 1, requests: 1 } }] } };
  return then === 'idle' ? [serve, { sleep: '1h' }] : [serve];
}

/** Two hosts of 2 CPUs; vm-0 and vm-1 on h-0 (4 vCPUs on 2 pCPUs: oversubscribed), vm-2 alone on h-1; containers inside. */
export function nested(extra: Partial<ScenarioInput> = {}): Scenario {
  return scenario({
    name: 'nested',
    seed: 7,
    duration: '60s',
    hosts: [{ name: 'h', count: 3, cpus: 2, memory: '16Gi' }],
    vms: [
      { name: 'a', vcpus: 2, memory: '2Gi', host: 'h-0' },
      { name: 'b', vcpus: 2, memory: '2Gi', host: 'h-0' },
      { name: 'c', vcpus: 2, memory: '2Gi', host: 'h-1', dirtyRate: '10MB/s', wss: '256Mi' },
    ],
    containers: [
      { name: 'ca', on: 'a', image: 'batch', command: busy(1000) },
      { name: 'ca2', on: 'a', image: 'batch', command: busy(1000) },
      { name: 'cb', on: 'b', image: 'batch', command: busy(1000) },
      { name: 'cb2', on: 'b', image: 'batch', command: busy(1000) },
      { name: 'cc', on: 'c', image: 'batch', command: busy(1000) },
    ],
    ...extra,
  });
}
